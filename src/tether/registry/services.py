"""Writes to the register. Each service validates its domain rules and records the audit trail."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tether.core.audit import BulkChange, record_bulk
from tether.core.models import AuditAction
from tether.core.services import (
    ModelServices,
    object_create,
    object_delete,
    object_update,
    plain_services,
)
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
)
from tether.registry.validators import normalise_lei


def _normalise_provider_data(data: dict) -> dict:
    if data.get("lei"):
        data = {**data, "lei": normalise_lei(data["lei"])}
    elif "lei" in data:
        data = {**data, "lei": None}
    return data


def _top_of_chain(provider: Provider) -> Provider | None:
    """The last ancestor above `provider`, or None when it has no parent."""
    top, seen = None, set()
    ancestor = provider.parent
    while ancestor is not None and ancestor.pk not in seen:
        seen.add(ancestor.pk)
        top = ancestor
        ancestor = ancestor.parent
    return top


def descendant_ids_sql() -> str:
    table = Provider._meta.db_table
    # Table names come from the models, never from input; values are bound parameters.
    return (
        f"WITH RECURSIVE tree(id) AS ("  # noqa: S608
        f" SELECT id FROM {table} WHERE parent_id = %s"
        f" UNION SELECT p.id FROM {table} p JOIN tree t ON p.parent_id = t.id)"
        f" SELECT id FROM tree"
    )


def _refresh_group(provider: Provider, *, actor, source: str) -> None:
    """Set the ultimate parent of `provider` and of everyone below it, in one UPDATE."""
    top = _top_of_chain(provider)
    group_id = top.pk if top else None
    if provider.ultimate_parent_id != group_id:
        Provider.objects.filter(pk=provider.pk).update(ultimate_parent_id=group_id)
        provider.ultimate_parent_id = group_id
    below_group = group_id or provider.pk
    with connection.cursor() as cursor:
        cursor.execute(descendant_ids_sql(), [provider.pk])
        descendant_ids = [row[0] for row in cursor.fetchall()]
    if not descendant_ids:
        return
    stale = Provider.objects.filter(pk__in=descendant_ids).exclude(ultimate_parent_id=below_group)
    changes = [
        BulkChange(pk, name, AuditAction.UPDATE, {"ultimate_parent": old},
                   {"ultimate_parent": below_group})
        for pk, name, old in stale.values_list("pk", "name", "ultimate_parent_id")
    ]
    stale.update(ultimate_parent_id=below_group)
    record_bulk(actor=actor, model=Provider, changes=changes, source=source)


@transaction.atomic
def provider_create(*, actor, data: dict, source: str = "web") -> Provider:
    """Register a provider."""
    provider = object_create(Provider, actor=actor, data=_normalise_provider_data(data),
                             source=source)
    _refresh_group(provider, actor=actor, source=source)
    return provider


@transaction.atomic
def provider_update(provider: Provider, *, actor, data: dict, source: str = "web") -> Provider:
    """Change a provider; a new parent moves its whole subtree to the new group."""
    provider = object_update(provider, actor=actor, data=_normalise_provider_data(data),
                             source=source)
    if "parent" in data:
        _refresh_group(provider, actor=actor, source=source)
    return provider


def provider_delete(provider: Provider, *, actor, source: str = "web") -> None:
    """Remove a provider that nothing else refers to any more."""
    object_delete(provider, actor=actor, source=source)


def reaches(start_provider_id: int, target_provider_id: int) -> bool:
    """Whether `target` is reachable from `start` along subcontracting links (any depth)."""
    table = SubcontractingLink._meta.db_table
    sql = (
        f"WITH RECURSIVE reach(id) AS ("  # noqa: S608
        f" SELECT subcontractor_id FROM {table} WHERE provider_id = %s"
        f" UNION SELECT l.subcontractor_id FROM {table} l JOIN reach r ON l.provider_id = r.id)"
        f" SELECT 1 FROM reach WHERE id = %s LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [start_provider_id, target_provider_id])
        return cursor.fetchone() is not None


def validate_no_cycle(provider_id: int, subcontractor_id: int) -> None:
    if provider_id == subcontractor_id:
        raise ValidationError({"subcontractor": "A provider cannot subcontract to itself."})
    if reaches(subcontractor_id, provider_id):
        raise ValidationError({
            "subcontractor": "This link would close a loop: the subcontractor already "
            "depends, directly or through its own subcontractors, on this provider."
        })


def _link_ids(data: dict, link: SubcontractingLink | None = None) -> tuple[int, int]:
    def pk(name):
        value = data.get(name, getattr(link, name, None) if link else None)
        return value.pk if hasattr(value, "pk") else value
    return pk("provider"), pk("subcontractor")


@transaction.atomic
def subcontracting_link_create(*, actor, data: dict, source: str = "web") -> SubcontractingLink:
    """Record that a provider subcontracts (part of) a service to another, refusing loops."""
    validate_no_cycle(*_link_ids(data))
    return object_create(SubcontractingLink, actor=actor, data=data, source=source)


@transaction.atomic
def subcontracting_link_update(
    link: SubcontractingLink, *, actor, data: dict, source: str = "web"
) -> SubcontractingLink:
    """Change a subcontracting link, refusing loops."""
    provider_id, subcontractor_id = _link_ids(data, link)
    if (provider_id, subcontractor_id) != (link.provider_id, link.subcontractor_id):
        validate_no_cycle(provider_id, subcontractor_id)
    return object_update(link, actor=actor, data=data, source=source)


def subcontracting_link_delete(link: SubcontractingLink, *, actor, source: str = "web") -> None:
    """Remove a subcontracting link."""
    object_delete(link, actor=actor, source=source)


PROVIDER = ModelServices(provider_create, provider_update, provider_delete)
SUBCONTRACTING_LINK = ModelServices(
    subcontracting_link_create, subcontracting_link_update, subcontracting_link_delete
)
# These objects have no rules beyond their fields' and model's own validation.
ORGANISATION = plain_services(Organisation)
ACTIVITY = plain_services(Activity)
SERVICE = plain_services(Service)
ARRANGEMENT = plain_services(Arrangement)
PROVIDER_IDENTIFIER = plain_services(ProviderIdentifier)
