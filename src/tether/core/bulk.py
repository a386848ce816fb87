"""Set-based inserts past the ORM, for bulk paths (audit trail, import, generator).

Building model instances and letting `bulk_create` prepare each value costs ~100 µs a row;
preparing each column once per type keeps bulk writes at tens of thousands of rows a second.
"""

import itertools
import sqlite3
from collections.abc import Sequence

from django.db import connections, models, router
from django.utils import timezone
from django_countries.fields import CountryField


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
        stamps = [f for f in meta.concrete_fields if f not in given and (
            getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False))]
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
        if not field.multiple:
            return None
        return lambda value: value if isinstance(value, str) else ",".join(value)
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




def insert_link_pairs(m2m_field, pairs: Sequence[tuple[int, int]]) -> int:
    """Insert (owner id, related id) rows of a many-to-many field, set-based."""
    if pairs:
        RowWriter(m2m_field.remote_field.through,
                  [m2m_field.m2m_field_name(), m2m_field.m2m_reverse_field_name()]
                  ).insert(pairs, returning=False)
    return len(pairs)
