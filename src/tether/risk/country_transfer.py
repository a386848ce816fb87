"""Country risk ratings from and to CSV or XLSX files.

The file is the user's own (no rating is downloaded at run time): one row per country with
its political, economic and legal ratings. Every row is checked before anything is written,
and every problem is listed at once by row and column; one bad row and nothing is written.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from tether.core.exports import write_spreadsheet
from tether.registry.transfer.cells import CellError, as_text, date_value, is_empty, text
from tether.registry.transfer.cells import country as country_code
from tether.registry.transfer.columns import normalise_header
from tether.registry.transfer.importing import RowError
from tether.registry.transfer.readers import FileProblem, open_table
from tether.risk.country_services import country_risks_save
from tether.risk.models import CountryRisk

RATINGS = ("political", "economic", "legal")
REQUIRED = ("country", *RATINGS)
COLUMNS = (*REQUIRED, "source", "as_of", "notes")
MAX_LISTED_ERRORS = 1000
_source = text(200)
_notes = text()


@dataclass
class CountryImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        if not self.ok:
            return (f"Nothing was imported: {len(self.errors)} problem(s) in the file. Fix them "
                    "and import it again.")
        return (f"Country ratings: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged.")

    def add_error(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(row, column, message))

    def as_json(self) -> dict:
        return {"ok": self.ok, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rows": self.rows, "summary": self.summary,
                "errors": [{"row": e.row, "column": e.column, "message": e.message}
                           for e in self.errors]}


def rating(raw) -> int:
    """A rating from 1 (low) to 5 (high): a whole number, as text or an Excel number."""
    if isinstance(raw, bool):
        raise CellError("This cell holds yes/no: give a whole number from 1 (low) to 5 (high).")
    value = as_text(raw)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(f"“{value}” is not a number: give a whole number from 1 (low) to "
                        "5 (high).") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(f"“{value}” is not a whole number: ratings run from 1 (low) to "
                        "5 (high).")
    if not 1 <= number <= 5:
        raise CellError(f"{int(number)} is out of range: ratings run from 1 (low) to 5 (high).")
    return int(number)


CONVERTERS = {"country": country_code, "political": rating, "economic": rating,
              "legal": rating, "source": _source, "as_of": date_value, "notes": _notes}


def read_country_file(file, *, filename: str = "") -> tuple[list[dict], CountryImportResult]:
    """The checked rows of a file (one dict per country) and the result listing its errors."""
    result = CountryImportResult()
    rows: list[dict] = []
    try:
        with open_table(file, filename=filename) as table:
            positions = _header_positions(table.headers, table.header_row, result)
            if not result.ok:
                return [], result
            seen: dict[str, int] = {}
            for number, cells in table.rows:
                if all(is_empty(cell) for cell in cells):
                    continue
                result.rows += 1
                row = _read_row(number, cells, positions, result)
                if row is None:
                    continue
                earlier = seen.get(row["country"])
                if earlier is not None:
                    result.add_error(number, "country", f"{row['country']} is already on row "
                                     f"{earlier}: a file rates each country once.")
                    continue
                seen[row["country"]] = number
                rows.append(row)
    except FileProblem as problem:
        result.add_error(problem.row, None, str(problem))
        return [], result
    if result.ok and not result.rows:
        result.add_error(None, None, "The file has a header but no rows of ratings.")
    return (rows if result.ok else []), result


def _header_positions(headers: list[str], header_row: int, result) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = normalise_header(header)
        if not name:
            continue
        if name not in COLUMNS:
            result.add_error(header_row, header, f"Unknown column “{header}”: the columns are "
                             f"{', '.join(COLUMNS)}.")
        elif name in positions:
            result.add_error(header_row, header, f"The column {name} appears twice.")
        else:
            positions[name] = index
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        result.add_error(header_row, None, f"Missing column(s): {', '.join(missing)}. The file "
                         f"needs the columns {', '.join(REQUIRED)} (and may have source, as_of, "
                         "notes).")
    return positions


def _read_row(number: int, cells: list, positions: dict[str, int], result) -> dict | None:
    row, good = {}, True
    for name, index in positions.items():
        raw = cells[index] if index < len(cells) else None
        if is_empty(raw):
            if name in REQUIRED:
                what = "the country" if name == "country" else "a rating from 1 to 5"
                result.add_error(number, name, f"This cell is empty: give {what}.")
                good = False
            else:
                row[name] = None if name == "as_of" else ""
            continue
        try:
            row[name] = CONVERTERS[name](raw)
        except CellError as error:
            result.add_error(number, name, str(error))
            good = False
    return row if good else None


def country_risks_import(*, actor, file, filename: str = "",
                         source: str = "import") -> CountryImportResult:
    """Check a file of country ratings and, if every row is good, save them all."""
    rows, result = read_country_file(file, filename=filename)
    if result.ok:
        counts = country_risks_save(actor=actor, rows=rows, source=source)
        result.created, result.updated = counts["created"], counts["updated"]
        result.unchanged = counts["unchanged"]
    return result


def country_risks_export(*, user, fmt: str, out) -> int:
    """The ratings `user` may see, in the import's own columns, so the file imports again."""
    ratings = CountryRisk.objects.restrict(user, "view").order_by("country").values_list(
        *COLUMNS)
    return write_spreadsheet(fmt=fmt, out=out, sheet="country risk", headers=COLUMNS,
                             rows=ratings.iterator(chunk_size=500))
