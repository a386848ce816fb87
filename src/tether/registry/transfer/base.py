"""What every entity importer shares: the row being checked, keys seen so far, references back.

An importer answers, row by row: which object does this row describe (its natural key and,
if it exists, its id), what do its references point to, and does it break a rule. It only
remembers a row once the row is known to be good, so a bad row never vouches for a later one.
"""

from django.db.models import NOT_PROVIDED

from tether.registry.transfer.columns import Entity


class _Missing:
    """An absent value: the model default for a new object, the stored value for an update."""

    def __repr__(self):
        return "MISSING"


MISSING = _Missing()


class Pending:
    """A reference to an object that an earlier row of the same file creates."""

    __slots__ = ("key", "level")

    def __init__(self, key, level: int):
        self.key, self.level = key, level


class Row:
    """One data row while it is checked: converted values, resolved ids, errors."""

    __slots__ = ("number", "cells", "values", "many", "errors", "failed", "existing_id", "key",
                 "level")

    def __init__(self, number: int):
        self.number = number
        self.cells: dict[str, object] = {}  # REFERENCE and MANY cells, by header
        self.values: dict[str, object] = {}  # model attname → value
        self.many: dict[str, list] = {}  # many-to-many field → target ids
        self.errors: list[tuple[str | None, str]] = []
        self.failed: set[str] = set()  # headers whose cell could not be read
        self.existing_id = None
        self.key = None
        self.level = 0

    def error(self, column: str | None, message: str) -> None:
        """Record a problem with one cell (or with the row when column is None)."""
        self.errors.append((column, message))

    def readable(self, *headers: str) -> bool:
        """Whether none of these cells failed to convert, so checks on them make sense."""
        return not self.failed.intersection(headers)


class EntityImporter:
    """Base of the per-entity importers; subclasses implement `resolve` and `fetch_ids`."""

    entity: Entity
    rule_fields: frozenset[str] = frozenset()  # fields `check` reads
    derived_fields: tuple[str, ...] = ()  # fields `derive` sets
    check_loops = False  # whether the self-reference forms a tree that must not loop

    def __init__(self, headers: set[str]):
        self.headers = headers
        self.in_file: dict[object, tuple[int, object, int]] = {}  # key → (row, id, level)
        self.bad: dict[object, int] = {}  # key → number of a row with errors
        self.rows_by_id: dict[object, int] = {}  # existing id → row that updates it
        self.new_ids: dict[object, int] = {}  # key → id of objects created, for Pending
        self.parents: dict[object, object] = {}  # object → parent, for self-references
        self.load()

    @property
    def model(self):
        return self.entity.model

    def load(self) -> None:
        """Load the lookups this entity's rows need, once per import."""

    def resolve(self, row: Row) -> None:
        """Set the row's key, existing id and referenced ids, recording errors on the row."""
        raise NotImplementedError

    def check(self, values: dict) -> list[tuple[str, str]]:
        """Rules across fields, on the values the object will have: (column, message) pairs."""
        return []

    def derive(self, values: dict) -> None:
        """Set the fields that Tether derives from others."""

    def describe(self, values: dict) -> str:
        """How the audit trail names the object."""
        return str(values.get("name", ""))

    def key_of(self, values: dict):
        """The natural key of an object from its values, as `resolve` computes it."""
        raise NotImplementedError

    def fetch_ids(self, keys: list) -> dict:
        """The ids of just-created objects, by natural key."""
        raise NotImplementedError

    def remember(self, pk, values: dict) -> None:
        """Note an object just written, for the rows after it."""

    def after_write(self, *, actor, db_now, source: str) -> None:
        """Work that needs every row written first."""

    def accept(self, row: Row) -> None:
        """Remember a good row, so later rows may refer to it and repeats are caught."""
        self.in_file[row.key] = (row.number, row.existing_id, row.level)
        if row.existing_id is not None:
            self.rows_by_id[row.existing_id] = row.number
        reference = self.entity.self_reference
        if self.check_loops and reference in row.values:
            self.set_parent(row, row.values[reference])

    def reject(self, row: Row) -> None:
        """Remember a bad row, so later rows referring to it say why they fail too."""
        if row.key is not None and row.key not in self.in_file:
            self.bad.setdefault(row.key, row.number)

    def claim(self, row: Row, key, column: str, what: str, existing_id=None) -> None:
        """Set the row's natural key and existing id, reporting a row that repeats another."""
        row.key, row.existing_id = key, existing_id
        earlier = self.in_file.get(key, (None,))[0] or self.bad.get(key)
        if earlier is None and existing_id is not None:
            earlier = self.rows_by_id.get(existing_id)
        if earlier is not None:
            row.error(column, f"Row {earlier} already describes {what}: a file lists each "
                              "object once.")

    def refer_back(self, row: Row, column: str, key, what: str, existing_id=None):
        """A reference to an object in the database or on an earlier row: id, Pending or None."""
        if key in self.in_file:
            number, pk, level = self.in_file[key]
            if pk is not None:
                return pk
            row.level = max(row.level, level + 1)
            return Pending(key, level)
        if key in self.bad:
            row.error(column, f"{what} is on row {self.bad[key]}, which has errors.")
            return None
        if existing_id is None:
            row.error(column, f"{what} is neither registered nor on an earlier row of the file.")
        return existing_id

    def set_parent(self, row: Row, value) -> None:
        """Record a row's self-reference so later rows' loop checks see it."""
        node = row.existing_id if row.existing_id is not None else row.key
        parent = value.key if isinstance(value, Pending) else value
        if parent is None:
            self.parents.pop(node, None)
        else:
            self.parents[node] = parent

    def would_loop(self, row: Row, value) -> bool:
        """Whether `value` as the row's parent would put the object below itself."""
        node = row.existing_id if row.existing_id is not None else row.key
        parent = value.key if isinstance(value, Pending) else value
        seen = set()
        while parent is not None and parent not in seen:
            if parent == node:
                return True
            seen.add(parent)
            parent = self.parents.get(parent)
        return False

    def defaults(self) -> dict:
        """The model's default value of every field the importer may write."""
        values = {}
        for field in self.model._meta.concrete_fields:
            if field.primary_key or field.name in ("created", "last_updated"):
                continue
            if field.default is not NOT_PROVIDED:
                values[field.attname] = field.get_default()
            elif field.null:
                values[field.attname] = None
            elif field.blank:
                values[field.attname] = ""
        return values
