"""Reading measurements (a JSON list, a CSV or XLSX file) into arrays ready to store.

A row names its service level either by id (`level`, JSON only) or by the arrangement's
reference and the level's reference (`arrangement` + `level` in files, `arrangement` +
`reference` in JSON), gives the time it was measured (`at`: an ISO 8601 date-time with its
offset, or a date, read as midnight UTC) and the measured `value`.

Rows are read in one tight loop into columns, then checked column by column: the level
references with one query, the values and times with numpy. A row that fails is rejected
with its number, column and reason; the others are kept. A delivery that cannot be read at
all (not CSV, no header, too many rows) raises `BatchProblem` with one clear message.
"""

import io
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tether.performance.models import ServiceLevel
from tether.registry.transfer.cells import as_text, is_empty
from tether.registry.transfer.columns import normalise_header
from tether.registry.transfer.readers import FileProblem, open_table

DEFAULT_MAX_ROWS = 1_000_000
# Rejections kept on a batch (its count is always complete).
REJECTIONS_KEPT = 1000
# Clocks differ, and a provider in UTC+14 is already tomorrow.
FUTURE_TOLERANCE_SECONDS = 24 * 3600
# Up to this many distinct levels are looked up by key; more load the whole scope at once.
LOOKUP_BY_KEY = 500

FILE_COLUMNS = ("arrangement", "level", "at", "value")
HEADER_ALIASES = {
    "arrangement_reference": "arrangement", "contract": "arrangement",
    "service_level": "level", "level_reference": "level", "sla": "level", "kpi": "level",
    "reference": "level", "measured_at": "at", "time": "at", "timestamp": "at", "date": "at",
    "measurement": "value",
}
JSON_FIELDS = {"level", "arrangement", "reference", "at", "value"}
NUMBER_CLASSES = (int, float)  # compared by class: a bool is no number here


class BatchProblem(Exception):
    """The delivery as a whole cannot be read; the message says why and what to do."""


def max_rows() -> int:
    return getattr(settings, "PERFORMANCE_MAX_ROWS", DEFAULT_MAX_ROWS)


@dataclass
class ParsedMeasurements:
    """The accepted measurements as arrays, and what was refused."""

    level_ids: np.ndarray
    times: np.ndarray
    values: np.ndarray
    received: int
    rejected: int
    rejections: list[dict]
    # Provider of every level named by an accepted row (who to tell when breaches move).
    provider_of_level: dict[int, int] = field(default_factory=dict)

    @property
    def accepted(self) -> int:
        return int(self.level_ids.size)


class _Rows:
    """Raw cells of every row, one list per column, filled by the format readers."""

    def __init__(self):
        self.numbers: list[int] = []
        self.levels: list = []  # an int id, an (arrangement, level) pair, or None
        self.times: list = []
        self.values: list = []
        self.limit = max_rows()

    def add(self, number: int, level, at, value) -> None:
        if len(self.numbers) >= self.limit:
            raise _too_many(self.limit)
        self.numbers.append(number)
        self.levels.append(level)
        self.times.append(at)
        self.values.append(value)


# Readers -----------------------------------------------------------------------------------


def json_shape_problems(rows, limit: int = 10) -> list[str]:
    """What in a decoded JSON body is not of the documented shape (the API refuses it whole)."""
    problems: list[str] = []
    try:
        _json_rows(rows, problems)
    except BatchProblem as problem:
        return [str(problem)]
    return problems[:limit]


def _too_many(count: int) -> BatchProblem:
    return BatchProblem(f"The delivery has more than {count:,} measurements, the most Tether "
                        "takes at once: split it into several.")


def _json_rows(rows, problems: list[str] | None = None) -> _Rows:
    """The rows' cells; with `problems`, also what breaks the documented shape (one pass: a
    cheap test per row, the detailed one only for a row that fails it)."""
    if not isinstance(rows, list):
        raise BatchProblem("The body must be a JSON array of measurements.")
    collected = _Rows()
    if len(rows) > collected.limit:
        raise _too_many(collected.limit)
    collected.numbers = list(range(1, len(rows) + 1))
    levels, times, values = collected.levels, collected.times, collected.values
    for number, row in enumerate(rows, start=1):
        if row.__class__ is not dict:
            if problems is not None:
                problems.append(f"Item {number}: must be an object.")
            level = at = value = None
        else:
            level, at, value = row.get("level"), row.get("at"), row.get("value")
            if problems is not None and len(problems) < 10 and not (
                    row.keys() <= JSON_FIELDS and at.__class__ is str
                    and value.__class__ in NUMBER_CLASSES
                    and ("level" not in row or level.__class__ is int)
                    and row.get("arrangement", "").__class__ is str
                    and row.get("reference", "").__class__ is str):
                problems.extend(_row_shape_problems(number, row))
            if level is None and ("arrangement" in row or "reference" in row):
                level = tuple(part if isinstance(part, str) else None
                              for part in (row.get("arrangement"), row.get("reference")))
            elif level is not None and level.__class__ is not int:
                level = f"{level!r}"[:60]  # not an id: reported as such
        levels.append(level)
        times.append(at)
        values.append(value)
    return collected


def _row_shape_problems(number: int, row: dict) -> list[str]:
    problems = []
    unknown = sorted(set(row) - JSON_FIELDS)
    if unknown:
        problems.append(f"Item {number}: unknown field(s) {', '.join(unknown)[:200]}.")
    for name, kinds, label in (("level", (int,), "an integer"),
                               ("arrangement", (str,), "a string"),
                               ("reference", (str,), "a string"),
                               ("at", (str,), "a string"),
                               ("value", (int, float), "a number")):
        if name in row and (isinstance(row[name], bool) or not isinstance(row[name], kinds)):
            problems.append(f"Item {number}, {name}: must be {label}.")
    for name in ("at", "value"):
        if name not in row:
            problems.append(f"Item {number}: “{name}” is missing.")
    return problems


def _table_rows(handle, *, filename: str, fmt: str | None) -> _Rows:
    try:
        with open_table(handle, filename=filename, fmt=fmt) as table:
            positions = _header_positions(table.headers)
            return _collect_table(table, positions)
    except FileProblem as problem:
        where = f" (row {problem.row})" if problem.row else ""
        raise BatchProblem(f"{problem}{where}") from None


def _header_positions(headers: list[str]) -> dict[str, int]:
    positions = {}
    for index, header in enumerate(headers):
        name = normalise_header(header)
        name = HEADER_ALIASES.get(name, name)
        if name in FILE_COLUMNS and name not in positions:
            positions[name] = index
    missing = [name for name in FILE_COLUMNS if name not in positions]
    if missing:
        found = ", ".join(h for h in headers if h)[:200] or "nothing"
        lacking = (f"has no “{missing[0]}” column" if len(missing) == 1
                   else f"lacks the columns {', '.join(missing)}")
        raise BatchProblem(
            f"The header row {lacking}: it must name the columns "
            f"{', '.join(FILE_COLUMNS)} (found: {found}). Download the template for an example.")
    return positions


def _collect_table(table, positions: dict[str, int]) -> _Rows:
    collected = _Rows()
    arrangement, level, at, value = (positions[name] for name in FILE_COLUMNS)
    width = max(positions.values()) + 1
    add = collected.add
    for number, cells in table.rows:
        if len(cells) < width:
            if all(is_empty(cell) for cell in cells):
                continue
            cells = [*cells, *([None] * (width - len(cells)))]
        elif not any(cells[i] not in (None, "") for i in (arrangement, level, at, value)):
            continue  # blank line
        add(number, (as_text(cells[arrangement]), as_text(cells[level])), cells[at],
            cells[value])
    return collected


# Checks ------------------------------------------------------------------------------------


class _Failures:
    """The failures of one check, in row order; only the first ones keep their message."""

    def __init__(self, column: str):
        self.column = column
        self.ok = None
        self.kept: list[tuple[int, str, str]] = []

    def add(self, index: int, message: str) -> None:
        if len(self.kept) < REJECTIONS_KEPT:
            self.kept.append((index, self.column, message))


def _level_key_text(key) -> str:
    if isinstance(key, tuple):
        return f"{key[0] or '—'} / {key[1] or '—'}"
    return str(key)


def _resolve_levels(rows: _Rows, provider_id: int | None):
    """Level id per row (-1 when unknown) and each found level's provider, in one query."""
    keys = set(rows.levels)
    ids = {key for key in keys if key.__class__ is int}
    pairs = {key for key in keys if key.__class__ is tuple}
    found: dict = {}
    provider_of_level: dict[int, int] = {}
    if ids or pairs:
        levels = ServiceLevel.objects.all()
        if provider_id is not None:
            levels = levels.filter(arrangement__provider_id=provider_id)
        if len(ids) + len(pairs) <= LOOKUP_BY_KEY:
            levels = levels.filter(Q(pk__in=ids) | Q(arrangement__reference__in={
                arrangement for arrangement, _ in pairs if arrangement}))
        for pk, arrangement, reference, provider in levels.values_list(
                "pk", "arrangement__reference", "reference", "arrangement__provider_id"):
            found[pk] = pk
            found[(arrangement, reference)] = pk
            provider_of_level[pk] = provider
    failures = _Failures("level")
    resolved = np.empty(len(rows.levels), dtype=np.int64)
    whose = "of your provider " if provider_id is not None else ""
    for index, key in enumerate(rows.levels):
        pk = found.get(key, -1) if key.__class__ in (int, tuple) else -1
        resolved[index] = pk
        if pk < 0:
            if key is None:
                message = ("Name the service level: its id (level), or the arrangement's and "
                           "the level's references.")
            elif isinstance(key, str):
                message = f"{key} is not a service level's id (a whole number)."
            elif isinstance(key, tuple) and not (key[0] and key[1]):
                message = "Give both the arrangement's reference and the level's reference."
            else:
                # The same answer whether it exists elsewhere or not at all: a provider's
                # contact learns nothing of other providers' levels.
                message = f"No service level {whose}is “{_level_key_text(key)[:120]}”."
            failures.add(index, message)
    failures.ok = resolved >= 0
    return resolved, failures, provider_of_level


def _epoch(value: datetime) -> int:
    return math.floor(value.timestamp())


def _parse_time(raw):
    """Epoch seconds, or the reason the value is not a usable time."""
    if raw.__class__ is str or isinstance(raw, str):
        text = raw.strip()
        if not text:
            return "The time is missing."
        if len(text) == 10:
            try:
                return _epoch(datetime.combine(date.fromisoformat(text), time(), UTC))
            except ValueError:
                pass
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return (f"“{text[:40]}” is not a date or an ISO 8601 time such as "
                    "2026-03-01T12:00:00+01:00.")
        if parsed.tzinfo is None:
            return f"“{text[:40]}” has no time zone: add its offset (Z, +01:00…)."
        return _epoch(parsed)
    # Spreadsheet cells: a workbook keeps no time zone, so its times are read as UTC.
    if isinstance(raw, datetime):
        return _epoch(raw if raw.tzinfo else raw.replace(tzinfo=UTC))
    if isinstance(raw, date):
        return _epoch(datetime.combine(raw, time(), UTC))
    if raw is None:
        return "The time is missing."
    return f"“{str(raw)[:40]}” is not a date or a time."


def _parse_times(rows: _Rows):
    failures = _Failures("at")
    times = np.zeros(len(rows.times), dtype=np.int64)
    ok = np.ones(len(rows.times), dtype=bool)
    cache: dict = {}
    for index, raw in enumerate(rows.times):
        try:
            parsed = cache[raw]
        except KeyError:
            parsed = _parse_time(raw)
            cache[raw] = parsed
        except TypeError:  # an unhashable JSON value
            parsed = "The time must be text."
        if parsed.__class__ is int:
            times[index] = parsed
        else:
            ok[index] = False
            failures.add(index, parsed)
        if len(cache) > 100_000:
            cache.clear()
    latest = _epoch(timezone.now()) + FUTURE_TOLERANCE_SECONDS
    future = ok & (times > latest)
    for index in np.flatnonzero(future)[:REJECTIONS_KEPT]:
        failures.add(int(index), "The time is in the future.")
    failures.ok = ok & ~future
    return times, failures


def _parse_value(raw):
    if raw.__class__ is float or raw.__class__ is int:
        return float(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return "The value is missing."
        try:
            return float(text)
        except ValueError:
            if text.count(",") == 1 and "." not in text:  # a decimal comma
                try:
                    return float(text.replace(",", "."))
                except ValueError:
                    pass
        return f"“{text[:40]}” is not a number."
    if raw is None:
        return "The value is missing."
    if isinstance(raw, bool):
        return "A yes/no is not a number."
    if isinstance(raw, int | float):
        return float(raw)
    return f"“{str(raw)[:40]}” is not a number."


def _parse_values(rows: _Rows):
    failures = _Failures("value")
    values = np.zeros(len(rows.values), dtype=np.float64)
    ok = np.ones(len(rows.values), dtype=bool)
    for index, raw in enumerate(rows.values):
        parsed = _parse_value(raw)
        if parsed.__class__ is float:
            values[index] = parsed
        else:
            ok[index] = False
            failures.add(index, parsed)
    with np.errstate(invalid="ignore"):
        infinite = ok & ~np.isfinite(values)
    for index in np.flatnonzero(infinite)[:REJECTIONS_KEPT]:
        failures.add(int(index), "The value is not a finite number (NaN or infinity).")
    failures.ok = ok & ~infinite
    return values, failures


def _last_of_each_time(level_ids, times, values):
    """One measurement per level and time: the row given last wins, as a re-sent row does."""
    if level_ids.size < 2:
        return level_ids, times, values
    position = np.arange(level_ids.size)
    order = np.lexsort((position, times, level_ids))
    level_sorted, time_sorted = level_ids[order], times[order]
    last = np.ones(order.size, dtype=bool)
    last[:-1] = (level_sorted[1:] != level_sorted[:-1]) | (time_sorted[1:] != time_sorted[:-1])
    keep = order[last]
    return level_ids[keep], times[keep], values[keep]


def _check(rows: _Rows, provider_id: int | None) -> ParsedMeasurements:
    level_ids, level_failures, provider_of_level = _resolve_levels(rows, provider_id)
    times, time_failures = _parse_times(rows)
    values, value_failures = _parse_values(rows)
    ok = level_failures.ok & time_failures.ok & value_failures.ok
    kept = sorted([*level_failures.kept, *time_failures.kept, *value_failures.kept],
                  key=lambda failure: failure[0])[:REJECTIONS_KEPT]
    rejections = [{"row": rows.numbers[index], "column": column, "error": message}
                  for index, column, message in kept]
    accepted = _last_of_each_time(level_ids[ok], times[ok], values[ok])
    used = set(np.unique(accepted[0]).tolist())
    return ParsedMeasurements(
        *accepted, received=len(rows.numbers), rejected=int((~ok).sum()),
        rejections=rejections,
        provider_of_level={pk: p for pk, p in provider_of_level.items() if pk in used},
    )


# Entry points ------------------------------------------------------------------------------


def parse_json_rows(rows, *, provider_id: int | None = None,
                    strict: bool = False) -> ParsedMeasurements:
    """Measurements from decoded JSON (a list of objects). `strict`: a body not of the
    documented shape is refused whole, as the API does, naming the first problems."""
    problems: list[str] | None = [] if strict else None
    collected = _json_rows(rows, problems)
    if problems:
        raise BatchProblem(" ".join(problems[:10]))
    return _check(collected, provider_id)


def parse_file(handle, *, filename: str = "", fmt: str | None = None,
               provider_id: int | None = None) -> ParsedMeasurements:
    """Measurements from a CSV or XLSX file (a path or a binary file object)."""
    return _check(_table_rows(handle, filename=filename, fmt=fmt), provider_id)


def parse_csv_text(data: bytes, *, provider_id: int | None = None) -> ParsedMeasurements:
    """Measurements from a CSV body (the API's text/csv)."""
    return parse_file(io.BytesIO(data), fmt="csv", provider_id=provider_id)


def check_file_header(handle, *, filename: str = "") -> None:
    """Raise BatchProblem now if the file cannot be read or lacks a column (before queueing)."""
    try:
        with open_table(handle, filename=filename) as table:
            _header_positions(table.headers)
    except FileProblem as problem:
        raise BatchProblem(str(problem)) from None
    finally:
        handle.seek(0)
