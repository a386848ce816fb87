"""Set-based inserts for the loaders (demo, generator): rows, many-to-many links, audit entries."""

from collections.abc import Callable, Sequence

from django.db import models

from tether.core.audit import BulkChange, record_bulk, snapshot
from tether.core.models import AuditAction

BATCH_SIZE = 2000


def bulk_insert(
    model: type[models.Model], objects: Sequence[models.Model], *, source: str,
    m2m: dict[str, Sequence[Sequence[int]]] | None = None,
    describe: Callable[[models.Model], str] = str, actor=None, batch_size: int = BATCH_SIZE,
) -> Sequence[models.Model]:
    """Insert unsaved `objects`, their many-to-many links and one audit entry for each.

    `m2m` maps a many-to-many field name to one list of related ids per object. Primary keys
    are set on the objects (both SQLite and PostgreSQL return them from a bulk insert).
    """
    # Snapshots are taken while the objects have no pk, so they read no many-to-many rows.
    afters = [snapshot(obj) for obj in objects]
    model.objects.bulk_create(objects, batch_size=batch_size)
    m2m = m2m or {}
    for name, id_lists in m2m.items():
        insert_links(model, name, [obj.pk for obj in objects], id_lists, batch_size=batch_size)
    changes = []
    for index, (obj, after) in enumerate(zip(objects, afters, strict=True)):
        after["id"] = obj.pk
        for name, id_lists in m2m.items():
            after[name] = sorted(id_lists[index])
        changes.append(BulkChange(obj.pk, describe(obj), AuditAction.CREATE, None, after))
    record_bulk(actor=actor, model=model, changes=changes, source=source, batch_size=batch_size)
    return objects


def insert_links(
    model: type[models.Model], field_name: str, owner_ids: Sequence[int],
    id_lists: Sequence[Sequence[int]], *, batch_size: int = BATCH_SIZE,
) -> int:
    """Insert the through rows of a many-to-many field: `owner_ids[i]` to each of `id_lists[i]`."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    own, other = field.m2m_column_name(), field.m2m_reverse_name()
    rows = [
        through(**{own: owner_id, other: related_id})
        for owner_id, related_ids in zip(owner_ids, id_lists, strict=True)
        for related_id in related_ids
    ]
    through.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def ultimate_parents(parent_of: dict) -> dict:
    """The top of each key's parent chain (None for a key without parent); refuses loops."""
    tops = {}
    for key in parent_of:
        seen, top, parent = {key}, None, parent_of[key]
        while parent is not None:
            if parent in seen:
                raise ValueError(f"The parent chain of {key!r} loops.")
            seen.add(parent)
            top, parent = parent, parent_of.get(parent)
        tops[key] = top
    return tops


def depth_layers(parent_of: dict) -> list[list]:
    """Keys grouped by their depth in the parent forest, roots first, for insertion in order."""
    depth: dict = {}

    def depth_of(key):
        if key not in depth:
            parent = parent_of.get(key)
            depth[key] = 0 if parent is None else depth_of(parent) + 1
        return depth[key]

    layers: list[list] = []
    for key in parent_of:
        level = depth_of(key)
        while len(layers) <= level:
            layers.append([])
        layers[level].append(key)
    return layers
