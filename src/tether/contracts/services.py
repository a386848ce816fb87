"""Writes of the contracts app: each one transaction with its audit record."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tether.contracts.choices import ClauseStatus
from tether.contracts.library import LIBRARY_PATH, ClauseSpec, read_library
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.core.audit import BulkChange, record_bulk, snapshot
from tether.core.services import (
    DeletionRefused,
    ModelServices,
    object_create,
    object_delete,
    object_update,
)

# --- the library ------------------------------------------------------------------------------

# The gap counts tally each status in a byte (selectors.with_clause_counts).
MAX_ACTIVE_REQUIREMENTS = 255


def _check_room(requirement: ClauseRequirement | None, data: dict) -> None:
    activating = data.get("is_active", True if requirement is None else requirement.is_active)
    if not activating or (requirement is not None and requirement.is_active):
        return
    if ClauseRequirement.objects.filter(is_active=True).count() >= MAX_ACTIVE_REQUIREMENTS:
        raise ValidationError(f"At most {MAX_ACTIVE_REQUIREMENTS} requirements can be active: "
                              "deactivate one first.")



@transaction.atomic
def requirement_create(*, actor, data: dict, source: str = "web") -> ClauseRequirement:
    """Add a company's own clause requirement."""
    _check_room(None, data)
    return object_create(ClauseRequirement, actor=actor, data={**data, "is_builtin": False},
                         source=source)


@transaction.atomic
def requirement_update(requirement: ClauseRequirement, *, actor, data: dict,
                       source: str = "web") -> ClauseRequirement:
    """Change a requirement; a built-in one keeps its code, so the library can update it."""
    data = {name: value for name, value in data.items() if name != "is_builtin"}
    if requirement.is_builtin and data.get("code", requirement.code) != requirement.code:
        raise ValidationError({"code": "A built-in requirement keeps its code."})
    _check_room(requirement, data)
    return object_update(requirement, actor=actor, data=data, source=source)


@transaction.atomic
def requirement_delete(requirement: ClauseRequirement, *, actor, source: str = "web") -> None:
    """Remove a company's own requirement that no arrangement was checked against."""
    if requirement.is_builtin:
        raise DeletionRefused("Built-in requirements cannot be deleted: deactivate it instead.")
    if requirement.checks.exists():
        raise DeletionRefused("Arrangements were checked against this requirement: deactivate "
                              "it instead, so their checks are kept.")
    object_delete(requirement, actor=actor, source=source)


REQUIREMENT = ModelServices(requirement_create, requirement_update, requirement_delete)


@dataclass(frozen=True)
class LibraryOutcome:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def clause_library_load(*, actor=None, specs: list[ClauseSpec] | None = None,
                        source: str = "cli") -> LibraryOutcome:
    """Bring the built-in requirements in line with the library file: add new ones, update
    the wording, sources and scope of changed ones, leave the rest (and whether an
    administrator deactivated one) alone. Running it twice changes nothing the second time."""
    specs = read_library(LIBRARY_PATH) if specs is None else specs
    existing = {r.code: r for r in ClauseRequirement.objects.filter(
        code__in=[spec.code for spec in specs])}
    clashes = [code for code, requirement in existing.items() if not requirement.is_builtin]
    if clashes:
        raise ValidationError(f"These codes are already used by requirements of your own: "
                              f"{', '.join(sorted(clashes))}. Rename yours first.")
    created = updated = 0
    for spec in specs:
        values = {"title": spec.title, "requirement": spec.requirement,
                  "sources": "\n".join(spec.sources), "applies_to": spec.applies_to,
                  "position": spec.position}
        requirement = existing.get(spec.code)
        if requirement is None:
            object_create(ClauseRequirement, actor=actor, source=source,
                          data={"code": spec.code, "is_builtin": True, **values})
            created += 1
        elif any(getattr(requirement, name) != value for name, value in values.items()):
            object_update(requirement, actor=actor, data=values, source=source)
            updated += 1
    return LibraryOutcome(created, updated, len(specs) - created - updated)


# --- checks -----------------------------------------------------------------------------------

def _check_data(data: dict) -> dict:
    data = dict(data)
    if data.get("status") != ClauseStatus.NOT_APPLICABLE and "reason" in data:
        data["reason"] = data["reason"] or ""
    return data


def _validated(check: ArrangementClause) -> None:
    check.full_clean(exclude=["arrangement", "requirement", "document", "checked_by"],
                     validate_unique=False, validate_constraints=False)


@transaction.atomic
def clause_check_create(*, actor, data: dict, source: str = "web") -> ArrangementClause:
    """Record whether an arrangement's contract contains a required clause."""
    data = _check_data(data)
    data.setdefault("checked_by", actor if getattr(actor, "is_internal", False) else None)
    data.setdefault("checked_on", timezone.localdate())
    arrangement, requirement = data.get("arrangement"), data.get("requirement")
    if arrangement is not None and requirement is not None and ArrangementClause.objects.filter(
            arrangement=arrangement, requirement=requirement).exists():
        raise ValidationError(f"{requirement.code} is already checked for {arrangement}: "
                              "edit that check.")
    return object_create(ArrangementClause, actor=actor, data=data, source=source)


@transaction.atomic
def clause_check_update(check: ArrangementClause, *, actor, data: dict,
                        source: str = "web") -> ArrangementClause:
    """Change a clause check (its status, where the clause is, the note); whoever changes
    what it says about the contract becomes the one who checked it."""
    data = _check_data(data)
    if any(name in data and data[name] != getattr(check, name)
           for name in ("status", "location", "document")) and "checked_by" not in data \
            and getattr(actor, "is_internal", False):
        data["checked_by"] = actor
    for fixed in ("arrangement", "requirement"):
        value = data.get(fixed)
        if value is not None and value.pk != getattr(check, f"{fixed}_id"):
            raise ValidationError({fixed: "A check belongs to its arrangement and requirement; "
                                          "record another check instead."})
    return object_update(check, actor=actor, data=data, source=source)


@transaction.atomic
def clause_check_delete(check: ArrangementClause, *, actor, source: str = "web") -> None:
    """Remove a clause check: the clause goes back to "not checked"."""
    object_delete(check, actor=actor, source=source)


CLAUSE_CHECK = ModelServices(clause_check_create, clause_check_update, clause_check_delete)

CHECK_FIELDS = ("status", "reason", "location", "document", "note")


@transaction.atomic
def checklist_save(arrangement, *, actor, entries: dict, source: str = "web") -> int:
    """Save the checklist of one arrangement in one go: `entries` maps a requirement to its
    values (status "" for "not checked", which removes an existing check). Only what changed
    is written; returns how many checks were created, changed or removed."""
    existing = {c.requirement_id: c for c in ArrangementClause.objects.filter(
        arrangement=arrangement, requirement__in=[r.pk for r in entries])}
    changes = 0
    today = timezone.localdate()
    for requirement, values in entries.items():
        check = existing.get(requirement.pk)
        if not values.get("status"):
            if check is not None:
                clause_check_delete(check, actor=actor, source=source)
                changes += 1
            continue
        values = {name: values.get(name) or ("" if name != "document" else None)
                  for name in CHECK_FIELDS}
        if check is None:
            clause_check_create(actor=actor, source=source, data={
                "arrangement": arrangement, "requirement": requirement, **values})
            changes += 1
        elif any(getattr(check, name) != value for name, value in values.items()):
            clause_check_update(check, actor=actor, source=source, data={
                **values, "checked_by": actor, "checked_on": today})
            changes += 1
    return changes


@transaction.atomic
def clause_checks_bulk_create(*, actor, checks: list[ArrangementClause],
                              source: str = "import") -> int:
    """Insert many new checks at once with their audit records in bulk (the demo, imports);
    give each its arrangement and requirement objects, not ids, so none is read again."""
    for check in checks:
        _validated(check)
    # Both databases return the new ids from a bulk insert, which the audit rows need.
    created = ArrangementClause.objects.bulk_create(checks, batch_size=1000)
    record_bulk(actor=actor, model=ArrangementClause, source=source, changes=[
        BulkChange(check.pk, str(check), "create", None, snapshot(check)) for check in created])
    return len(created)
