"""Attainment, breaches and credits per service level and period: read the packed measurements
in one query, compute with numpy (performance.aggregate), write only the results that moved.

Three entry points: everything (`recompute_all`, a background job), the periods a batch of
measurements touched (`recompute_months`, after ingestion) and every period of some levels
(`recompute_levels`, after their definition changed). All three can be repeated safely.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import transaction

from tether.performance import aggregate
from tether.performance.choices import Direction, LevelKind, PeriodLength
from tether.performance.models import CreditBand, PeriodResult, ServiceLevel
from tether.performance.storage import fetch, month_of, month_sql, month_start, placeholders

ID_BATCH = 500
WRITE_BATCH = 5000
MONTHS_IN = {PeriodLength.MONTH: 1, PeriodLength.QUARTER: 3}


class LevelTable:
    """The active levels' definitions as arrays, with a dense id → position map."""

    def __init__(self, level_ids: Iterable[int] | None = None):
        levels = ServiceLevel.objects.filter(active=True)
        if level_ids is not None:
            levels = levels.filter(id__in=list(level_ids))
        rows = list(levels.order_by("id").values_list(
            "id", "direction", "aggregation", "percentile", "item_target", "target",
            "minimum_count", "kind", "credit_cap_percent", "monthly_fee",
            "arrangement__annual_cost", "period"))
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.position = np.full(int(self.ids.max()) + 1 if len(rows) else 1, -1, dtype=np.int64)
        self.position[self.ids] = np.arange(len(rows))
        self.months_in_period = np.array([MONTHS_IN[r[11]] for r in rows], dtype=np.int64)
        self.monthly_fee = np.array([_monthly_fee(r[9], r[10]) for r in rows], dtype=np.float64)
        bounds, percents = self._bands()
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

    def _bands(self) -> tuple[np.ndarray, np.ndarray]:
        rows = CreditBand.objects.filter(service_level_id__in=self.ids.tolist()) \
            if len(self.ids) <= ID_BATCH else CreditBand.objects.filter(service_level__active=True)
        rows = np.array(list(rows.values_list("service_level_id", "worse_than",
                                              "credit_percent")), dtype=np.float64)
        if not len(rows):
            nothing = np.full((len(self.ids), 0), np.nan)
            return nothing, nothing.copy()
        positions = self.positions_of(rows[:, 0].astype(np.int64))
        rows, positions = rows[positions >= 0], positions[positions >= 0]
        order = np.argsort(positions, kind="stable")
        rows, positions = rows[order], positions[order]
        first = np.searchsorted(positions, positions, side="left")
        rank = np.arange(len(positions)) - first
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


def _read_chunks(table: LevelTable, where: str = "", params=()) -> tuple[np.ndarray, ...]:
    """(level position, month index, count) per chunk, ordered by level and month, and every
    value of those chunks in that order."""
    # Only placeholders and fixed column names are interpolated; values go as parameters.
    sql = (f"SELECT c.service_level_id, {month_sql('c.month')}, c.\"count\", c.\"values\" "  # noqa: S608
           f"FROM performance_measurementchunk c "
           f"JOIN performance_servicelevel l ON l.id = c.service_level_id "
           f"WHERE l.active {where} ORDER BY c.service_level_id, c.month")
    rows = fetch(sql, params)
    level_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    months = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    counts = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
    values = np.frombuffer(b"".join([bytes(r[3]) for r in rows]), dtype="<f8")
    del rows
    return table.positions_of(level_ids), months, counts, values


def _compute(table: LevelTable, positions, months, counts, values):
    """Group the chunks into periods and aggregate: per period its level position, first
    month, measurement count and the aggregate.Results."""
    keep = positions >= 0
    if not keep.all():
        value_keep = np.repeat(keep, counts)
        positions, months, counts, values = (positions[keep], months[keep], counts[keep],
                                             values[value_keep])
    period = months - months % table.months_in_period[positions]
    change = np.flatnonzero((positions[1:] != positions[:-1]) | (period[1:] != period[:-1]))
    starts = np.concatenate(([0], change + 1)).astype(np.int64)
    if not len(positions):
        starts = np.empty(0, dtype=np.int64)
    group_level = positions[starts]
    group_period = period[starts]
    group_size = np.add.reduceat(counts, starts) if len(starts) else np.empty(0, np.int64)
    results = aggregate.aggregate(table.levels, group_level, group_size, values)
    return group_level, group_period, group_size, results


def _existing(level_ids: list[int] | None) -> dict[tuple[int, int], tuple]:
    """Stored results: (level id, month index) → (count, value, outcome, credit percent)."""
    where, params = "", ()
    if level_ids is not None:
        where = f"WHERE service_level_id IN ({placeholders(len(level_ids))})"
        params = tuple(level_ids)
    rows = fetch(
        f"SELECT service_level_id, {month_sql('period_start')}, \"count\", \"value\", outcome, "  # noqa: S608
        f"credit_percent FROM performance_periodresult {where}", params)
    return {(r[0], r[1]): r[2:] for r in rows}


def _write(table: LevelTable, computed, level_ids: list[int] | None) -> int:
    """Write the computed periods that differ from what is stored, and delete stored periods
    of these levels (all active levels when None) that no longer have measurements."""
    stored = _existing(level_ids)
    computed_keys = set(zip(table.ids[computed[0]].tolist(), computed[1].tolist(), strict=True))
    active = set(table.ids.tolist())
    gone = [key for key in stored if key not in computed_keys and key[0] in active]
    with transaction.atomic():
        written = _write_selected(table, computed, stored)
        _delete(gone)
    return written + len(gone)


def _delete(keys: list[tuple[int, int]]) -> None:
    by_level: dict[int, list[date]] = {}
    for level, period in keys:
        by_level.setdefault(level, []).append(month_start(period))
    for level, periods in by_level.items():
        PeriodResult.objects.filter(service_level_id=level, period_start__in=periods).delete()


def recompute_all(*, progress=None) -> dict:
    """Recompute every active level's results from its measurements. `progress(done, total)`
    is called now and then. Returns counts: levels, periods, written."""
    report = progress or (lambda done, total: None)
    table = LevelTable()
    report(0, 3)
    computed = _compute(table, *_read_chunks(table))
    report(1, 3)
    written = _write(table, computed, None)
    report(3, 3)
    return {"levels": len(table), "periods": len(computed[0]), "written": written}


def recompute_levels(level_ids: Iterable[int]) -> int:
    """Recompute every period of these levels (after their target, aggregation or credit
    bands changed). Returns the number of result rows written."""
    written = 0
    ids = sorted({int(i) for i in level_ids})
    for offset in range(0, len(ids), ID_BATCH):
        batch = ids[offset:offset + ID_BATCH]
        table = LevelTable(batch)
        inactive = sorted(set(batch) - set(table.ids.tolist()))
        if len(table):
            where = f"AND c.service_level_id IN ({placeholders(len(table))})"
            computed = _compute(table, *_read_chunks(table, where, tuple(table.ids.tolist())))
            written += _write(table, computed, table.ids.tolist())
        if inactive:  # a level switched off keeps no results that could be mistaken as live
            written += PeriodResult.objects.filter(service_level_id__in=inactive).delete()[0]
    return written


def recompute_months(level_months: Iterable[tuple[int, date]]) -> int:
    """Recompute the periods holding these (level id, month) pairs: what `merge_measurements`
    returned. Returns the number of result rows written."""
    months_by_level: dict[int, set[int]] = {}
    for level, month in level_months:
        months_by_level.setdefault(int(level), set()).add(month_of(month))
    written = 0
    ids = sorted(months_by_level)
    for offset in range(0, len(ids), ID_BATCH):
        table = LevelTable(ids[offset:offset + ID_BATCH])
        if not len(table):
            continue
        span = table.months_in_period
        wanted = {}  # level id → the month indexes of the periods touched
        for position, level in enumerate(table.ids.tolist()):
            length = int(span[position])
            wanted[level] = {p - p % length + k for p in months_by_level[level]
                             for k in range(length)}
        low = min(min(m) for m in wanted.values())
        high = max(max(m) for m in wanted.values())
        where = (f"AND c.service_level_id IN ({placeholders(len(table))}) "
                 f"AND c.month >= %s AND c.month <= %s")
        positions, months, counts, values = _read_chunks(
            table, where, (*table.ids.tolist(), month_start(low), month_start(high)))
        level_of_chunk = table.ids[positions]
        keep = np.array([m in wanted[level] for level, m in
                         zip(level_of_chunk.tolist(), months.tolist(), strict=True)], dtype=bool)
        values = values[np.repeat(keep, counts)]
        computed = _compute(table, positions[keep], months[keep], counts[keep], values)
        written += _write_periods(table, computed)
    return written


def _write_periods(table: LevelTable, computed) -> int:
    """Write computed periods of an incremental update (nothing else of these levels is
    touched)."""
    group_level, group_period = computed[0], computed[1]
    levels = sorted(set(table.ids[group_level].tolist()))
    if not levels:
        return 0
    stored_all = _existing(levels)
    wanted = set(zip(table.ids[group_level].tolist(), group_period.tolist(), strict=True))
    stored = {key: row for key, row in stored_all.items() if key in wanted}
    return _write_selected(table, computed, stored)


def _write_selected(table, computed, stored) -> int:
    group_level, group_period, group_size, results = computed
    ids = table.ids[group_level]
    amounts = np.round(table.monthly_fee[group_level] * table.months_in_period[group_level]
                       * results.credit_percent / 100, 2)
    rows = []
    for level, period, size, value, outcome, attainment, credit, amount in zip(
            ids.tolist(), group_period.tolist(), group_size.tolist(), results.value.tolist(),
            results.outcome.tolist(), results.attainment.tolist(),
            results.credit_percent.tolist(), amounts.tolist(), strict=True):
        value = None if value != value else value
        attainment = None if attainment != attainment else attainment
        name = aggregate.OUTCOME_NAMES[outcome]
        if stored.get((level, period)) == (size, value, name, credit):
            continue
        rows.append(PeriodResult(
            service_level_id=level, period_start=month_start(period), count=size, value=value,
            outcome=name, attainment=attainment, credit_percent=credit,
            credit_amount=Decimal(f"{amount:.2f}")))
    with transaction.atomic():
        for offset in range(0, len(rows), WRITE_BATCH):
            PeriodResult.objects.bulk_create(
                rows[offset:offset + WRITE_BATCH], update_conflicts=True,
                unique_fields=["service_level", "period_start"],
                update_fields=["count", "value", "outcome", "attainment", "credit_percent",
                               "credit_amount"])
    return len(rows)
