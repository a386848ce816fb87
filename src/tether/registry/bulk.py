"""Set-based inserts for the loaders (demo, generator): rows, many-to-many links, audit entries."""

import itertools
import sqlite3
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.utils import timezone
from django_countries.fields import CountryField

from tether.core.audit import BulkChange, record_bulk, snapshot
from tether.core.models import AuditAction, AuditEntry

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


class RowWriter:
    """Set-based insert of plain value tuples: the generator's path past the ORM.

    Building model instances and letting `bulk_create` prepare each value costs ~100 µs a row;
    preparing each column once per type keeps a large generation at tens of thousands of rows
    a second. Columns left out get the field's default; timestamps get the time of the call.
    SQLite takes multi-row `INSERT … RETURNING id`; PostgreSQL takes `COPY` with ids drawn
    from the table's sequence, because psycopg would parse a statement of 60,000 placeholders
    in Python, which is slower than the database itself.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        meta = model._meta
        self.model, self.columns = model, list(columns)
        given = [meta.get_field(name) for name in self.columns]
        stamps = [f for f in meta.concrete_fields if getattr(f, "auto_now_add", False)
                  or getattr(f, "auto_now", False)]
        defaults = [f for f in meta.concrete_fields
                    if f not in given and f not in stamps and not f.primary_key]
        self.fields = given
        self.constants = [(f, f.get_default()) for f in defaults]
        self.stamps = stamps
        self.table, self.pk_column = meta.db_table, meta.pk.column

    def insert(self, rows: Sequence[Sequence], *, returning: bool = True) -> list:
        """Insert `rows` (values in column order); returns the new primary keys in row order."""
        connection = connections[router.db_for_write(self.model)]
        names = [f.column for f in self.fields + [f for f, _ in self.constants] + self.stamps]
        values = self._values(rows, connection)
        if connection.vendor == "postgresql":
            return self._copy(connection, names, values, len(rows), returning)
        return self._insert_statements(connection, names, values, len(rows), returning)

    def _values(self, rows, connection):
        """Each row's database values, followed by the defaults and timestamps."""
        prepare = [(index, p) for index, field in enumerate(self.fields)
                   if (p := _preparer(field, connection)) is not None]
        now = timezone.now()
        constants = [field.get_db_prep_save(value, connection) for field, value in self.constants]
        constants += [field.get_db_prep_save(now, connection) for field in self.stamps]
        for row in rows:
            values = list(row)
            for index, prepared in prepare:
                values[index] = prepared(values[index])
            values += constants
            yield values

    def _insert_statements(self, connection, names, values, count, returning) -> list:
        quote = connection.ops.quote_name
        per_statement = max(1, min(1000, _max_params(connection) // len(names)))
        # Only quoted table and column names go into the text; every value is a parameter.
        head = (f"INSERT INTO {quote(self.table)} "  # noqa: S608
                f"({', '.join(quote(n) for n in names)}) VALUES ")
        tail = f" RETURNING {quote(self.pk_column)}" if returning else ""
        row_sql = f"({', '.join(['%s'] * len(names))})"
        ids = []
        with connection.cursor() as cursor:
            for _ in range(0, count, per_statement):
                params, size = [], 0
                for row in itertools.islice(values, per_statement):
                    params += row
                    size += 1
                cursor.execute(head + ", ".join([row_sql] * size) + tail, params)
                if returning:
                    ids += [row[0] for row in cursor.fetchall()]
        return ids

    def _copy(self, connection, names, values, count, returning) -> list:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            ids = []
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [quote(self.table), self.pk_column, count])
                ids = [row[0] for row in cursor.fetchall()]
                names = [self.pk_column, *names]
                values = ([pk, *row] for pk, row in zip(ids, values, strict=True))
            columns = ", ".join(quote(n) for n in names)
            with cursor.cursor.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        return ids


def insert_link_rows(model: type[models.Model], field_name: str, owner_ids: Sequence[int],
                     id_lists: Sequence[Sequence[int]]) -> int:
    """Like `insert_links`, through the fast path: `owner_ids[i]` to each of `id_lists[i]`."""
    field = model._meta.get_field(field_name)
    rows = [(own, other) for own, others in zip(owner_ids, id_lists, strict=True)
            for other in others]
    RowWriter(field.remote_field.through,
              [field.m2m_field_name(), field.m2m_reverse_field_name()]
              ).insert(rows, returning=False)
    return len(rows)


def _max_params(connection) -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65535 if connection.vendor == "postgresql" else 999


# Fields whose Python values the database drivers take as they are.
_PLAIN_FIELDS = frozenset({
    models.CharField, models.TextField, models.EmailField, models.URLField,
    models.IntegerField, models.PositiveIntegerField, models.BigIntegerField,
    models.BooleanField, models.ForeignKey,
})


def _preparer(field, connection):
    """How to turn a Python value into a database value for `field`; None: as it is."""
    if type(field) in _PLAIN_FIELDS:
        return None
    if isinstance(field, CountryField):  # several countries are stored as "DE,FR"
        return ",".join if field.multiple else None
    if isinstance(field, models.JSONField):  # None is SQL NULL, as JSONField saves it
        def json_value(value, adapt=connection.ops.adapt_json_value, encoder=field.encoder):
            return None if value is None else adapt(value, encoder)
        return json_value
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        def decimal(value, ops=connection.ops, digits=field.max_digits,
                    places=field.decimal_places):
            return ops.adapt_decimalfield_value(value, digits, places)
        return decimal
    return lambda value: field.get_db_prep_save(value, connection)


def _json_ready(value):
    """A value as the audit trail stores it (see tether.core.audit.snapshot)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


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
        insert_link_rows(model, name, ids, id_lists)
    skipped = {"created", "last_updated", "password"}
    names = [f.name for f in writer.fields]
    keep = [i for i, name in enumerate(names) if name not in skipped]
    # Only dates and decimals differ between a column value and its audit form.
    convert = [i for i in keep
               if isinstance(writer.fields[i], models.DateField | models.DecimalField)]
    constants = {field.name: _json_ready(value) for field, value in writer.constants
                 if field.name not in skipped}
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    actor_id, actor_name = (actor.pk, actor.get_username()) if actor else (None, "system")
    pk_name = model._meta.pk.name
    entries = []
    for index, (pk, row) in enumerate(zip(ids, rows, strict=True)):
        after = {names[i]: row[i] for i in keep}
        for i in convert:
            after[names[i]] = _json_ready(row[i])
        after.update(constants)
        after[pk_name] = pk
        for name, id_lists in m2m.items():
            after[name] = sorted(id_lists[index])
        entries.append((actor_id, actor_name, AuditAction.CREATE, content_type.pk, str(pk),
                        describe(row)[:250], None, after, source))
    RowWriter(AuditEntry, AUDIT_COLUMNS).insert(entries, returning=False)
    return ids


AUDIT_COLUMNS = ("actor", "actor_name", "action", "content_type", "object_id", "object_repr",
                 "before", "after", "source")
