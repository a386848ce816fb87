"""Writing computed period results: compare with what is stored as arrays, then upsert only
the rows that moved (one statement per 5,000 rows on SQLite, COPY on PostgreSQL) and delete
the periods that lost their measurements."""

from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from tether.performance import aggregate
from tether.performance.models import PeriodResult
from tether.performance.storage import (
    MONTHS,
    fetch,
    level_filters,
    month_sql,
    month_start,
)

WRITE_BATCH = 5000
OUTCOME_CODE = {name: code for code, name in enumerate(aggregate.OUTCOME_NAMES)}
NO_VALUE = -1.0e300  # stands for NULL in the packed read: no aggregate comes near it
COLUMNS = ('service_level_id, period_start, "count", "value", outcome, attainment, '
           'credit_percent, credit_amount')
UPDATE = ('"count" = excluded."count", "value" = excluded."value", outcome = excluded.outcome, '
          'attainment = excluded.attainment, credit_percent = excluded.credit_percent, '
          'credit_amount = excluded.credit_amount')
UPSERT = (f"INSERT INTO performance_periodresult ({COLUMNS}) VALUES "  # noqa: S608
          f"(%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (service_level_id, period_start) "
          f"DO UPDATE SET {UPDATE}")


@dataclass
class Scope:
    """Which stored results a computation replaces: those of these levels, and within them
    only these period keys (level id * MONTHS + first month) in this month range if given."""

    level_ids: np.ndarray
    periods: np.ndarray | None = None
    months: tuple[int, int] | None = None


def save(computed, *, scope: Scope) -> int:
    """Write the computed periods that differ from the stored ones in scope, and delete the
    stored ones in scope that were not computed. Returns the rows written and deleted."""
    keys, count, value, outcome, credit = _stored(scope)
    order = np.argsort(keys)
    keys, count, value, outcome, credit = (keys[order], count[order], value[order],
                                           outcome[order], credit[order])
    new_keys = computed.keys
    at = np.minimum(np.searchsorted(keys, new_keys), max(len(keys) - 1, 0))
    results = computed.results
    if len(keys):
        same = ((keys[at] == new_keys) & (count[at] == computed.count)
                & ((value[at] == results.value) | (np.isnan(value[at])
                                                   & np.isnan(results.value)))
                & (outcome[at] == results.outcome) & (credit[at] == results.credit_percent))
    else:
        same = np.zeros(len(new_keys), dtype=bool)
    changed = np.flatnonzero(~same)
    gone = keys[~_contained(keys, new_keys)]
    with transaction.atomic():
        _upsert(computed, changed)
        _delete(gone)
    return len(changed) + len(gone)


def _contained(keys: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Whether each key is in `among`, by binary search (np.isin hashes or sorts both)."""
    if not len(among):
        return np.zeros(len(keys), dtype=bool)
    ordered = np.sort(among)
    at = np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)
    return ordered[at] == keys


def delete_levels(level_ids: list[int]) -> int:
    if not level_ids:
        return 0
    return PeriodResult.objects.filter(service_level_id__in=level_ids).delete()[0]


def _stored(scope: Scope) -> tuple[np.ndarray, ...]:
    """Stored results in scope as arrays: key, count, value, outcome code, credit percent.

    The database packs each row into four numbers (no text, no NULL), which numpy turns into
    one matrix at C speed: reading 700,000 rows as Python tuples of six fields cost seconds."""
    where, params = "", []
    if scope.months is not None:
        where = " AND period_start >= %s AND period_start <= %s"
        params = [month_start(scope.months[0]), month_start(scope.months[1])]
    outcome_case = " ".join(f"WHEN '{name}' THEN {code}" for name, code in OUTCOME_CODE.items())
    rows = []
    for level_filter, level_params in level_filters(scope.level_ids, "service_level_id"):
        rows.extend(fetch(
            f"SELECT service_level_id * {MONTHS} + {month_sql('period_start')}, "  # noqa: S608
            f"\"count\" * 4 + CASE outcome {outcome_case} ELSE 3 END, "
            f"COALESCE(\"value\", {NO_VALUE}), credit_percent FROM performance_periodresult "
            f"WHERE 1 = 1 {level_filter} {where}", (*level_params, *params)))
    table = np.array(rows, dtype=np.float64).reshape(-1, 4)
    del rows
    keys = table[:, 0].astype(np.int64)
    count_outcome = table[:, 1].astype(np.int64)
    value = np.where(table[:, 2] == NO_VALUE, np.nan, table[:, 2])
    levels = keys // MONTHS
    in_scope = np.zeros(max(int(levels.max(initial=0)), int(scope.level_ids.max(initial=0)))
                        + 1, dtype=bool)
    in_scope[scope.level_ids] = True
    keep = in_scope[levels]
    if scope.periods is not None:
        keep &= np.isin(keys, scope.periods)
    return (keys[keep], count_outcome[keep] // 4, value[keep],
            (count_outcome[keep] % 4).astype(np.int8), table[keep, 3])


def _nullable(values: np.ndarray) -> list:
    return np.where(np.isnan(values), None, values).tolist()


def _rows(computed, chosen: np.ndarray) -> list[tuple]:
    periods = computed.period[chosen]
    unique, inverse = np.unique(periods, return_inverse=True)
    days = np.array([month_start(int(p)).isoformat() for p in unique], dtype=object)
    results = computed.results
    return list(zip(
        computed.level_id[chosen].tolist(), days[inverse].tolist(),
        computed.count[chosen].tolist(), _nullable(results.value[chosen]),
        np.array(aggregate.OUTCOME_NAMES, dtype=object)[results.outcome[chosen]].tolist(),
        _nullable(results.attainment[chosen]), results.credit_percent[chosen].tolist(),
        computed.amount[chosen].tolist(), strict=True))


def _upsert(computed, chosen: np.ndarray) -> None:
    if not len(chosen):
        return
    rows = _rows(computed, chosen)
    if connection.vendor == "postgresql":
        _copy_upsert(rows)
        return
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), WRITE_BATCH):
            cursor.executemany(UPSERT, rows[offset:offset + WRITE_BATCH])


def _copy_upsert(rows: list[tuple]) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT … ON CONFLICT."""
    import psycopg  # only installed where PostgreSQL is used

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE tether_results_in (service_level_id bigint, "
            "period_start date, \"count\" integer, \"value\" double precision, "
            "outcome varchar(12), attainment double precision, credit_percent double "
            "precision, credit_amount numeric(16, 2)) ON COMMIT DROP")
        with cursor.copy(f"COPY tether_results_in ({COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO performance_periodresult ({COLUMNS}) SELECT {COLUMNS} "  # noqa: S608
            f"FROM tether_results_in ON CONFLICT (service_level_id, period_start) "
            f"DO UPDATE SET {UPDATE}")
        cursor.execute("DROP TABLE tether_results_in")


def _delete(keys: np.ndarray) -> None:
    if not len(keys):
        return
    rows = [(int(key // MONTHS), month_start(int(key % MONTHS)).isoformat())
            for key in keys.tolist()]
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM performance_periodresult WHERE service_level_id = %s "
                           "AND period_start = %s", rows)
