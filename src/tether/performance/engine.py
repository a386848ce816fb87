"""Attainment, breaches and credits per service level and period: read the packed measurements
in one query, compute with numpy (performance.aggregate), write only the results that moved.

Three entry points: everything (`recompute_all`, a background job), the periods a batch of
measurements touched (`recompute_months`, after ingestion) and every period of some levels
(`recompute_levels`, after their definition changed). All three can be repeated safely, and
each costs a handful of queries however many levels it covers.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import transaction

from tether.performance import aggregate, results_store
from tether.performance.choices import Direction, LevelKind, PeriodLength
from tether.performance.storage import (
    MONTHS,
    fetch,
    level_filters,
    month_of,
    month_sql,
    month_start,
)

MONTHS_IN = {PeriodLength.MONTH: 1, PeriodLength.QUARTER: 3}


class LevelTable:
    """The active levels' definitions as arrays, with a dense id → position map."""

    def __init__(self, level_ids: Iterable[int] | None = None):
        wanted = None if level_ids is None else {int(i) for i in level_ids}
        rows = [row for filter_sql, params in level_filters(wanted, "l.id")
                for row in fetch(
                    "SELECT l.id, l.direction, l.aggregation, l.percentile, l.item_target, "  # noqa: S608
                    "l.target, l.minimum_count, l.kind, l.credit_cap_percent, l.monthly_fee, "
                    "a.annual_cost, l.period FROM performance_servicelevel l JOIN "
                    "registry_arrangement a ON a.id = l.arrangement_id WHERE l.active "
                    f"{filter_sql} ORDER BY l.id", params)
                if wanted is None or row[0] in wanted]
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.position = np.full(int(self.ids.max()) + 1 if len(rows) else 1, -1, dtype=np.int64)
        self.position[self.ids] = np.arange(len(rows))
        self.months_in_period = np.array([MONTHS_IN[r[11]] for r in rows], dtype=np.int64)
        self.monthly_fee = _floats(_monthly_fee(r[9], r[10]) for r in rows)
        bounds, percents = self._bands(wanted)
        self.levels = aggregate.Levels(
            higher_is_better=np.array([r[1] == Direction.HIGHER for r in rows], dtype=bool),
            aggregation=np.array([aggregate.AGGREGATION_CODES[r[2]] for r in rows],
                                 dtype=np.int8),
            percentile=_floats(r[3] for r in rows),
            item_target=_floats(r[4] for r in rows),
            target=_floats(r[5] for r in rows),
            minimum_count=np.array([r[6] for r in rows], dtype=np.int64),
            gives_credit=np.array([r[7] == LevelKind.SLA for r in rows], dtype=bool),
            credit_cap=_floats(r[8] for r in rows),
            band_bounds=bounds, band_percents=percents)

    def __len__(self):
        return len(self.ids)

    def positions_of(self, level_ids: np.ndarray) -> np.ndarray:
        """Positions of these ids; -1 for ids not in the table (inactive, unknown)."""
        inside = level_ids < len(self.position)
        found = np.full(len(level_ids), -1, dtype=np.int64)
        found[inside] = self.position[level_ids[inside]]
        return found

    def _bands(self, wanted) -> tuple[np.ndarray, np.ndarray]:
        rows = [row for filter_sql, params in level_filters(
                    None if wanted is None else self.ids, "b.service_level_id")
                for row in fetch(
                    "SELECT b.service_level_id, b.worse_than, b.credit_percent "  # noqa: S608
                    "FROM performance_creditband b JOIN performance_servicelevel l "
                    f"ON l.id = b.service_level_id WHERE l.active {filter_sql}", params)]
        rows = np.array([(r[0], r[1], float(r[2])) for r in rows],
                        dtype=np.float64).reshape(-1, 3)
        positions = self.positions_of(rows[:, 0].astype(np.int64))
        rows, positions = rows[positions >= 0], positions[positions >= 0]
        order = np.argsort(positions, kind="stable")
        rows, positions = rows[order], positions[order]
        rank = np.arange(len(positions)) - np.searchsorted(positions, positions, side="left")
        width = int(rank.max()) + 1 if len(rank) else 0
        bounds = np.full((len(self.ids), width), np.nan)
        percents = np.full((len(self.ids), width), np.nan)
        bounds[positions, rank] = rows[:, 1]
        percents[positions, rank] = rows[:, 2]
        return bounds, percents


def _monthly_fee(monthly_fee, annual_cost) -> float:
    if monthly_fee is not None:
        return float(monthly_fee)
    return float(annual_cost) / 12 if annual_cost is not None else 0.0


def _floats(items) -> np.ndarray:
    return np.array([np.nan if item is None else float(item) for item in items],
                    dtype=np.float64)


@dataclass
class Computed:
    """Computed periods: level id, first month (index), count and the results."""

    level_id: np.ndarray
    period: np.ndarray
    count: np.ndarray
    results: aggregate.Results
    amount: np.ndarray

    @property
    def keys(self) -> np.ndarray:
        return self.level_id * MONTHS + self.period


def _read_chunks(table: LevelTable, *, months: tuple[int, int] | None = None,
                 keep_keys: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """(level position, month index, count) per chunk of the table's levels, ordered by level
    and month, and every value of those chunks in that order. `months`: only that range;
    `keep_keys`: only those (level id * MONTHS + month)."""
    where, params = "", []
    if months is not None:
        where += " AND c.month >= %s AND c.month <= %s"
        params += [month_start(months[0]), month_start(months[1])]
    rows = []
    for level_filter, level_params in level_filters(table.ids, "c.service_level_id"):
        rows.extend(fetch(
            f"SELECT c.service_level_id, {month_sql('c.month')}, c.\"count\", c.\"values\" "  # noqa: S608
            f"FROM performance_measurementchunk c WHERE 1 = 1 {level_filter} {where} "
            f"ORDER BY c.service_level_id, c.month", (*level_params, *params)))
    level_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    month_ids = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    counts = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
    keep = table.positions_of(level_ids) >= 0
    if keep_keys is not None:
        keep &= np.isin(level_ids * MONTHS + month_ids, keep_keys)
    values = np.frombuffer(b"".join([bytes(r[3]) for r, k in zip(rows, keep.tolist(),
                                                                  strict=True) if k]),
                           dtype="<f8")
    del rows
    level_ids, month_ids, counts = level_ids[keep], month_ids[keep], counts[keep]
    return table.positions_of(level_ids), month_ids, counts, values


def _compute(table: LevelTable, positions, months, counts, values) -> Computed:
    """Group the chunks (ordered by level and month) into periods and aggregate."""
    period = months - months % table.months_in_period[positions]
    if len(positions):
        change = np.flatnonzero((positions[1:] != positions[:-1])
                                | (period[1:] != period[:-1]))
        starts = np.concatenate(([0], change + 1)).astype(np.int64)
        size = np.add.reduceat(counts, starts)
    else:
        starts = size = np.empty(0, dtype=np.int64)
    group_level = positions[starts]
    results = aggregate.aggregate(table.levels, group_level, size, values)
    amount = np.round(table.monthly_fee[group_level] * table.months_in_period[group_level]
                      * results.credit_percent / 100, 2)
    return Computed(level_id=table.ids[group_level], period=period[starts], count=size,
                    results=results, amount=amount)


def recompute_all(*, progress=None) -> dict:
    """Recompute every active level's results from its measurements. `progress(done, total)`
    is called now and then. Returns counts (levels, periods, written) and the seconds spent
    reading and computing, and comparing and writing."""
    report = progress or (lambda done, total: None)
    started = time.perf_counter()
    table = LevelTable()
    report(0, 3)
    computed = _compute(table, *_read_chunks(table))
    report(1, 3)
    computed_at = time.perf_counter()
    written = results_store.save(computed, scope=results_store.Scope(table.ids))
    report(3, 3)
    return {"levels": len(table), "periods": len(computed.level_id), "written": written,
            "compute_s": round(computed_at - started, 2),
            "write_s": round(time.perf_counter() - computed_at, 2)}


def recompute_levels(level_ids: Iterable[int]) -> int:
    """Recompute every period of these levels (after their target, aggregation or credit
    bands changed); a level switched off loses its results. Returns the rows written."""
    ids = sorted({int(i) for i in level_ids})
    if not ids:
        return 0
    table = LevelTable(ids)
    computed = _compute(table, *_read_chunks(table))
    with transaction.atomic():
        written = results_store.save(computed, scope=results_store.Scope(table.ids))
        inactive = sorted(set(ids) - set(table.ids.tolist()))
        written += results_store.delete_levels(inactive)
    return written


def recompute_months(level_months: Iterable[tuple[int, date]]) -> int:
    """Recompute the periods holding these (level id, month) pairs: what `merge_measurements`
    returned. Returns the number of result rows written."""
    pairs = [(int(level), month_of(month)) for level, month in level_months]
    if not pairs:
        return 0
    touched_levels = np.array([p[0] for p in pairs], dtype=np.int64)
    touched_months = np.array([p[1] for p in pairs], dtype=np.int64)
    table = LevelTable(np.unique(touched_levels).tolist())
    positions = table.positions_of(touched_levels)
    active = positions >= 0
    if not active.any():
        return 0
    touched_levels, touched_months = touched_levels[active], touched_months[active]
    span = table.months_in_period[positions[active]]
    first = touched_months - touched_months % span
    # Every month of every period touched (a quarter is recomputed whole).
    month_keys = np.unique(np.concatenate([
        (touched_levels * MONTHS + first + k)[k < span] for k in range(int(span.max()))]))
    period_keys = np.unique(touched_levels * MONTHS + first)
    low, high = int(first.min()), int((first + span - 1).max())
    computed = _compute(table, *_read_chunks(table, months=(low, high), keep_keys=month_keys))
    return results_store.save(computed, scope=results_store.Scope(
        table.ids, periods=period_keys, months=(low, high)))
