"""Set-based inserts for the loaders (demo, generator): rows, many-to-many links, audit entries."""

from collections.abc import Callable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import models

from tether.core.audit import BulkChange, json_value, record_bulk, snapshot, write_entries
from tether.core.bulk import RowWriter, insert_link_pairs
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
        insert_links(model, name, [obj.pk for obj in objects], id_lists)
    changes = []
    for index, (obj, after) in enumerate(zip(objects, afters, strict=True)):
        after["id"] = obj.pk
        for name, id_lists in m2m.items():
            after[name] = sorted(id_lists[index])
        changes.append(BulkChange(obj.pk, describe(obj), AuditAction.CREATE, None, after))
    record_bulk(actor=actor, model=model, changes=changes, source=source)
    return objects


def insert_links(model: type[models.Model], field_name: str, owner_ids: Sequence[int],
                 id_lists: Sequence[Sequence[int]]) -> int:
    """Insert the through rows of a many-to-many field: `owner_ids[i]` to each of `id_lists[i]`."""
    pairs = [(own, other) for own, others in zip(owner_ids, id_lists, strict=True)
             for other in others]
    return insert_link_pairs(model._meta.get_field(field_name), pairs)


def add_links(
    model: type[models.Model], field_name: str, owners: Sequence[models.Model],
    id_lists: Sequence[Sequence[int]], *, source: str, actor=None,
) -> int:
    """Link existing objects to more related ids, recording each change as an update."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
    before: dict = {owner.pk: [] for owner in owners}
    for owner_id, related_id in through.objects.filter(
            **{f"{own}__in": list(before)}).values_list(own, other):
        before[owner_id].append(related_id)
    added = insert_links(model, field_name, [owner.pk for owner in owners], id_lists)
    record_bulk(actor=actor, model=model, source=source, changes=[
        BulkChange(owner.pk, str(owner), AuditAction.UPDATE,
                   {field_name: sorted(before[owner.pk])},
                   {field_name: sorted([*before[owner.pk], *ids])})
        for owner, ids in zip(owners, id_lists, strict=True)
    ])
    return added


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


def fast_insert(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence], *,
    source: str, describe: Callable[[Sequence], str],
    m2m: dict[str, Sequence[Sequence[int]]] | None = None, actor=None,
) -> list:
    """Insert plain rows, their many-to-many links and one audit entry each; returns the ids."""
    writer = RowWriter(model, columns)
    ids = writer.insert(rows)
    m2m = m2m or {}
    for name, id_lists in m2m.items():
        insert_links(model, name, ids, id_lists)
    skipped = {"created", "last_updated", "password"}
    names = [f.name for f in writer.fields]
    keep = [i for i, name in enumerate(names) if name not in skipped]
    # Only dates and decimals differ between a column value and its audit form.
    convert = [i for i in keep
               if isinstance(writer.fields[i], models.DateField | models.DecimalField)]
    constants = {field.name: json_value(value) for field, value in writer.constants
                 if field.name not in skipped}
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    actor_id, actor_name = (actor.pk, actor.get_username()) if actor else (None, "system")
    pk_name = model._meta.pk.name
    entries = []
    for index, (pk, row) in enumerate(zip(ids, rows, strict=True)):
        after = {names[i]: row[i] for i in keep}
        for i in convert:
            after[names[i]] = json_value(row[i])
        after.update(constants)
        after[pk_name] = pk
        for name, id_lists in m2m.items():
            after[name] = sorted(id_lists[index])
        entries.append((actor_id, actor_name, AuditAction.CREATE, content_type.pk, str(pk),
                        describe(row)[:250], None, after, source))
    write_entries(entries)
    return ids

