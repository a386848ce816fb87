"""What the validator works on (a `Package`), what it returns (`Failure`) and the check registry."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

from tether.regulatory.definitions import TEMPLATES

ERROR = "error"  # the package must not be filed
WARNING = "warning"  # data-quality feedback: the package can be filed


@dataclass(frozen=True)
class Failure:
    check: str
    severity: str
    template: str | None
    row: int | None
    column: str | None
    message: str
    key: tuple[str, ...] | None = None

    def __str__(self) -> str:
        where = " ".join(part for part in (
            self.template or "",
            f"row {self.row}" if self.row is not None else "",
            self.column or "",
        ) if part)
        return f"[{self.check} {self.severity}] {where + ': ' if where else ''}{self.message}"


@dataclass
class Package:
    """A register as the checks see it, read from a zip or given as tables.

    `tables` maps a template code to its data rows (column code → cell text, every header
    column present); `headers` keeps each table's header as written. Reading problems are
    kept here so that the checks registered for them report them.
    """

    tables: dict[str, list[dict[str, str]]]
    headers: dict[str, tuple[str, ...]]
    parameters: dict[str, str] | None
    today: date
    from_zip: bool = False
    zip_name: str | None = None  # the zip's file name without `.zip`, when known
    zip_error: str | None = None
    root_folders: tuple[str, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)  # path under the root folder → bytes
    stray_paths: tuple[str, ...] = ()  # zip members outside the single root folder
    not_utf8: tuple[str, ...] = ()
    csv_errors: list[tuple[str, int | None, str]] = field(default_factory=list)
    ragged_rows: list[tuple[str, int, int, int]] = field(default_factory=list)  # tpl, row, n, hdr
    parameter_rows: list[list[str]] | None = None
    filing_indicator_rows: list[list[str]] | None = None
    header_rows: dict[str, list[str]] = field(default_factory=dict)  # file → header as read
    _values: dict[tuple[str, tuple[str, ...]], list] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str | None:
        """The package name the file-name checks read: the zip's, else its root folder's."""
        if self.zip_name:
            return self.zip_name
        return self.root_folders[0] if len(self.root_folders) == 1 else None

    def rows(self, template: str) -> list[dict[str, str]]:
        return self.tables.get(template, [])

    def values(self, template: str, columns: tuple[str, ...]) -> list:
        """The column's values row by row (a tuple per row for several columns), computed once.

        Checks read columns this way rather than row dicts: one C-level pass per column keeps
        a register of 200,000 rows within a second or two.
        """
        cache_key = (template, columns)
        if cache_key not in self._values:
            rows = self.rows(template)
            header = self.headers.get(template, ())
            if all(column in header for column in columns):
                values = list(map(itemgetter(*columns), rows))
            elif len(columns) == 1:
                values = [row.get(columns[0], "") for row in rows]
            else:
                values = [tuple(row.get(column, "") for column in columns) for row in rows]
            self._values[cache_key] = values
        return self._values[cache_key]

    def key_of(self, template: str, row: dict[str, str]) -> tuple[str, ...]:
        return tuple(row.get(column, "") for column in TEMPLATES[template].key)

    def failure(self, check: "Check", template: str | None, row_number: int | None,
                column: str | None, message: str, row: dict[str, str] | None = None,
                severity: str | None = None) -> Failure:
        return Failure(
            check=check.code, severity=severity or check.severity, template=template,
            row=row_number, column=column, message=message,
            key=self.key_of(template, row) if template and row is not None else None,
        )


@dataclass(frozen=True)
class Check:
    code: str
    layer: str  # package, structure, keys, values, business
    severity: str
    title: str
    source: str  # "EBA technical check", "EBA validation rule", "secondary", "own"
    verified: bool
    zip_only: bool
    run: Callable[["Check", Package], Iterable[Failure]]


CHECKS: list[Check] = []


def check(code: str, *, layer: str, title: str, source: str, verified: bool = False,
          severity: str = ERROR, zip_only: bool = False):
    """Register a check; `CHECKS` keeps them in the order they run and are documented."""
    def register(function: Callable[[Check, Package], Iterator[Failure]]):
        CHECKS.append(Check(code, layer, severity, title, source, verified, zip_only, function))
        return function
    return register
