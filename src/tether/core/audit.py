"""Writing the audit trail. Services call these inside their own transaction.

No signals: a signal misses bulk writes and raw SQL, so every write path records its
changes explicitly (bulk paths with `record_bulk` or `write_entries`). Every entry is
appended to the hash chain of `core.audit_chain`: `AuditEntry.save` chains one entry,
`write_entries` chains a whole batch in Python and inserts it set-based.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django_countries.fields import CountryField

from tether.core.audit_chain import chain_head, content_type_label, entry_digest, stored_json
from tether.core.bulk import RowWriter
from tether.core.models import AuditAction, AuditEntry


def json_value(value):
    """A value as the audit trail stores it: dates as ISO text, decimals as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [json_value(v) for v in value]
    if hasattr(value, "code"):  # django-countries Country
        return value.code
    return str(value)


def snapshot(instance: models.Model) -> dict:
    """The stored values of an object, JSON-ready: foreign keys as ids, many-to-many as id lists."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in ("created", "last_updated", "password"):
            continue
        if isinstance(field, CountryField) and field.multiple:
            # Codes, as the bulk paths record them: value_from_object gives display text.
            data[field.name] = [c.code for c in getattr(instance, field.name)]
            continue
        data[field.name] = json_value(field.value_from_object(instance))
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(
                getattr(instance, field.name).values_list("pk", flat=True)
            )
    return data


def _actor_fields(actor) -> dict:
    if actor is None:
        return {"actor": None, "actor_name": "system"}
    return {"actor": actor, "actor_name": actor.get_username()}


def record_change(
    *, actor, instance: models.Model, action: str, before: dict | None, source: str = ""
) -> AuditEntry:
    """Record one create, update or delete. `before` is the snapshot taken before the write."""
    after = None if action == AuditAction.DELETE else snapshot(instance)
    return AuditEntry.objects.create(
        **_actor_fields(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:250],
        before=before,
        after=after,
        source=source,
    )


@dataclass(frozen=True)
class BulkChange:
    object_id: object
    object_repr: str
    action: str
    before: dict | None
    after: dict | None


# The content of an entry, in the order bulk writers build their rows.
AUDIT_COLUMNS = ("actor", "actor_name", "action", "content_type", "object_id", "object_repr",
                 "before", "after", "source")
# Added by `write_entries` when it chains the rows.
CHAIN_COLUMNS = ("sequence", "timestamp", "previous_hash", "entry_hash")


def record_bulk(
    *, actor, model: type[models.Model], changes: Iterable[BulkChange], source: str = "",
) -> int:
    """Record many changes of one model in set-based inserts; returns how many were recorded.

    Through RowWriter rather than bulk_create: an import of 100,000 rows spent more than half
    its time building AuditEntry instances.
    """
    content_type_id = ContentType.objects.get_for_model(model, for_concrete_model=True).pk
    actor_id, actor_name = (actor.pk, actor.get_username()) if actor else (None, "system")
    return write_entries([
        (actor_id, actor_name, change.action, content_type_id, str(change.object_id),
         change.object_repr[:250], change.before, change.after, source)
        for change in changes
    ])


def write_entries(rows: Sequence[Sequence]) -> int:
    """Chain rows of AUDIT_COLUMNS values and insert them set-based; returns how many.

    The hashes are computed here, in order, under the chain's append lock, so the insert
    stays one set-based write however many rows there are.
    """
    if not rows:
        return 0
    content_type = ContentType.objects.get_for_id  # cached after the first call
    chained = []
    with transaction.atomic():
        last_sequence, previous_hash = chain_head(AuditEntry)
        now = timezone.now()
        for sequence, row in enumerate(rows, start=last_sequence + 1):
            (actor_id, actor_name, action, content_type_id, object_id, object_repr,
             before, after, source) = row
            object_id = str(object_id)  # hashed as the text the column gives back
            entry_hash = entry_digest(
                sequence=sequence, timestamp=now, actor_id=actor_id, actor_name=actor_name,
                action=action, content_type=content_type_label(content_type(content_type_id)),
                object_id=object_id, object_repr=object_repr, before=stored_json(before),
                after=stored_json(after), source=source, previous_hash=previous_hash,
            )
            chained.append((actor_id, actor_name, action, content_type_id, object_id,
                            object_repr, before, after, source, sequence, now, previous_hash,
                            entry_hash))
            previous_hash = entry_hash
        RowWriter(AuditEntry, AUDIT_COLUMNS + CHAIN_COLUMNS).insert(chained, returning=False)
    return len(chained)
