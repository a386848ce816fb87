"""Writing computed period results: compare with what is stored as arrays, then upsert only
the rows that moved (one statement per 5,000 rows on SQLite, COPY on PostgreSQL) and delete
the periods that lost their measurements."""

from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from tether.performance import aggregate
from tether.performance.models import PeriodResult
from tether.performance.storage import MONTHS, fetch, month_sql, month_start, placeholders

NAMED_LEVELS = 500
WRITE_BATCH = 5000
OUTCOME_CODE = {name: code for code, name in enumerate(aggregate.OUTCOME_NAMES)}
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
    gone = keys[~np.isin(keys, new_keys)]
    with transaction.atomic():
        _upsert(computed, changed)
        _delete(gone)
    return len(changed) + len(gone)


def delete_levels(level_ids: list[int]) -> int:
    if not level_ids:
        return 0
    return PeriodResult.objects.filter(service_level_id__in=level_ids).delete()[0]


def _stored(scope: Scope) -> tuple[np.ndarray, ...]:
    """Stored results in scope as arrays: key, count, value, outcome code, credit percent."""
    where, params = "", []
    if scope.months is not None:
        where = " AND period_start >= %s AND period_start <= %s"
        params = [month_start(scope.months[0]), month_start(scope.months[1])]
    rows = []
    for level_filter, level_params in _level_filters(scope.level_ids):
        rows.extend(fetch(
            f"SELECT service_level_id, {month_sql('period_start')}, \"count\", \"value\", "  # noqa: S608
            f"outcome, credit_percent FROM performance_periodresult WHERE 1 = 1 "
            f"{level_filter} {where}", (*level_params, *params)))
    n = len(rows)
    keys = (np.fromiter((r[0] for r in rows), dtype=np.int64, count=n) * MONTHS
            + np.fromiter((r[1] for r in rows), dtype=np.int64, count=n))
    count = np.fromiter((r[2] for r in rows), dtype=np.int64, count=n)
    value = np.fromiter((np.nan if r[3] is None else r[3] for r in rows), dtype=np.float64,
                        count=n)
    outcome = np.fromiter((OUTCOME_CODE.get(r[4], -1) for r in rows), dtype=np.int8, count=n)
    credit = np.fromiter((r[5] for r in rows), dtype=np.float64, count=n)
    keep = np.isin(keys // MONTHS, scope.level_ids)
    if scope.periods is not None:
        keep &= np.isin(keys, scope.periods)
    return keys[keep], count[keep], value[keep], outcome[keep], credit[keep]


def _level_filters(level_ids: np.ndarray):
    if len(level_ids) > NAMED_LEVELS:
        yield "", ()
        return
    ids = level_ids.tolist()
    for offset in range(0, len(ids), NAMED_LEVELS):
        batch = ids[offset:offset + NAMED_LEVELS]
        yield f"AND service_level_id IN ({placeholders(len(batch))})", tuple(batch)


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
