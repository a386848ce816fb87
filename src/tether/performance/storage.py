"""Measurements, stored packed per service level and calendar month (models.MeasurementChunk).

A month's chunk holds its timestamps (int64 seconds since the epoch, ascending and unique) and
values (float64), little-endian. Merging new measurements into a chunk replaces any at the same
second, so a batch sent twice leaves the store as it was.
"""

from datetime import date

import numpy as np
from django.db import connection, transaction

from tether.performance.models import MeasurementChunk, ServiceLevel

TIMES = np.dtype("<i8")
VALUES = np.dtype("<f8")
WRITE_BATCH = 5000
ID_BATCH = 500
MONTHS = 4096  # (level id, month) as one int64 key: level id * MONTHS + months since 1970


def month_index(times: np.ndarray) -> np.ndarray:
    """Months since January 1970 of epoch seconds (int64)."""
    return times.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)


def month_start(index: int) -> date:
    return date(1970 + index // 12, index % 12 + 1, 1)


def month_of(day: date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def month_sql(column: str) -> str:
    """Months since January 1970 of a date column, computed by the database (on SQLite, from
    the ISO text with substr: strftime costs seconds over 600,000 rows)."""
    if connection.vendor == "postgresql":
        return (f"((EXTRACT(YEAR FROM {column})::int - 1970) * 12 "
                f"+ EXTRACT(MONTH FROM {column})::int - 1)")
    return (f"((CAST(substr({column}, 1, 4) AS INTEGER) - 1970) * 12 "
            f"+ CAST(substr({column}, 6, 2) AS INTEGER) - 1)")


def fetch(sql: str, params=()) -> list[tuple]:
    """Rows of a raw query; on PostgreSQL with the binary protocol, so blobs arrive as bytes
    instead of hex text twice their size."""
    if connection.vendor == "postgresql":
        import psycopg  # only installed where PostgreSQL is used

        connection.ensure_connection()
        # Django's cursors bind on the client, which cannot ask for binary results.
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


# Up to this many levels are named in a query's conditions (ID_BATCH per query); beyond, every
# level is read and the rest dropped in memory (one query instead of dozens).
NAMED_LEVELS = 5000


def level_filters(level_ids, column: str):
    """(SQL condition, parameters) naming these levels in batches, or one empty condition for
    all levels (None) or many."""
    if level_ids is None or len(level_ids) > NAMED_LEVELS:
        yield "", ()
        return
    ids = sorted(int(i) for i in level_ids)
    for offset in range(0, len(ids), ID_BATCH):
        batch = ids[offset:offset + ID_BATCH]
        yield f"AND {column} IN ({placeholders(len(batch))})", tuple(batch)


def _stored(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The measurements already stored in these chunks (keys: level id * MONTHS + month),
    as (level ids, times, values)."""
    levels = np.unique(keys // MONTHS)
    rows = []
    for offset in range(0, len(levels), ID_BATCH):
        batch = levels[offset:offset + ID_BATCH].tolist()
        months = keys[np.isin(keys // MONTHS, batch)] % MONTHS
        rows.extend(fetch(
            f"SELECT service_level_id, {month_sql('month')}, \"count\", times, \"values\" "  # noqa: S608
            f"FROM performance_measurementchunk WHERE service_level_id IN "
            f"({placeholders(len(batch))}) AND month >= %s AND month <= %s",
            (*batch, month_start(int(months.min())), month_start(int(months.max())))))
    level_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    months = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    counts = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
    wanted = np.isin(level_ids * MONTHS + months, keys)
    kept = [row for row, keep in zip(rows, wanted.tolist(), strict=True) if keep]
    times = np.frombuffer(b"".join([bytes(r[3]) for r in kept]), dtype=TIMES)
    values = np.frombuffer(b"".join([bytes(r[4]) for r in kept]), dtype=VALUES)
    return np.repeat(level_ids[wanted], counts[wanted]), times, values


def _lock_levels(level_ids: np.ndarray) -> None:
    """Serialise merges into the same level (PostgreSQL; SQLite takes the write lock at the
    start of every transaction), locking in id order so two merges never deadlock."""
    if connection.vendor == "postgresql":
        ids = np.unique(level_ids).tolist()
        for offset in range(0, len(ids), 10_000):
            list(ServiceLevel.objects.select_for_update().filter(
                id__in=ids[offset:offset + 10_000]).order_by("id").values_list("id", flat=True))


UPSERT = (
    'INSERT INTO performance_measurementchunk (service_level_id, month, "count", times, '
    '"values") VALUES (%s, %s, %s, %s, %s) ON CONFLICT (service_level_id, month) DO UPDATE '
    'SET "count" = excluded."count", times = excluded.times, "values" = excluded."values"')


def merge_measurements(level_ids: np.ndarray, times: np.ndarray,
                       values: np.ndarray) -> set[tuple[int, date]]:
    """Store measurements (int64 level ids, int64 epoch seconds, float64 values, same length,
    already validated). A measurement at a time a level already has replaces it, and of
    several at the same time in one call the last wins, so sending the same rows twice
    changes nothing. Returns the (level id, month) pairs touched."""
    level_ids = np.asarray(level_ids, dtype=np.int64)
    times = np.asarray(times, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if not (len(level_ids) == len(times) == len(values)):
        raise ValueError("level ids, times and values must have the same length")
    if not len(times):
        return set()
    keys = np.unique(level_ids * MONTHS + month_index(times))
    with transaction.atomic():
        _lock_levels(level_ids)
        old_levels, old_times, old_values = _stored(keys)
        # Stored first, then the new in the order given: a stable sort keeps that order among
        # equal (level, time), and the last of each run is the one kept.
        level_ids = np.concatenate((old_levels, level_ids))
        times = np.concatenate((old_times, times))
        values = np.concatenate((old_values, values))
        order = np.lexsort((times, level_ids))
        level_ids, times, values = level_ids[order], times[order], values[order]
        last = np.ones(len(times), dtype=bool)
        last[:-1] = (times[1:] != times[:-1]) | (level_ids[1:] != level_ids[:-1])
        level_ids, times, values = level_ids[last], times[last], values[last]
        months = month_index(times)
        change = np.flatnonzero((level_ids[1:] != level_ids[:-1]) | (months[1:] != months[:-1]))
        starts = np.concatenate(([0], change + 1))
        ends = np.concatenate((change + 1, [len(times)]))
        packed_times = times.astype(TIMES).tobytes()
        packed_values = values.astype(VALUES).tobytes()
        size = TIMES.itemsize
        rows = [(level, month_start(month), end - start,
                 packed_times[start * size:end * size], packed_values[start * size:end * size])
                for level, month, start, end in zip(
                    level_ids[starts].tolist(), months[starts].tolist(), starts.tolist(),
                    ends.tolist(), strict=True)]
        with connection.cursor() as cursor:
            for offset in range(0, len(rows), WRITE_BATCH):
                cursor.executemany(UPSERT, rows[offset:offset + WRITE_BATCH])
    return {(int(key // MONTHS), month_start(int(key % MONTHS))) for key in keys}


def read_measurements(level_id: int, start: date | None = None,
                      end: date | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A level's measurements (times, values) ordered by time, months start..end inclusive."""
    chunks = MeasurementChunk.objects.filter(service_level_id=level_id).order_by("month")
    if start is not None:
        chunks = chunks.filter(month__gte=start.replace(day=1))
    if end is not None:
        chunks = chunks.filter(month__lte=end.replace(day=1))
    rows = list(chunks.values_list("times", "values"))
    if not rows:
        return np.empty(0, dtype=TIMES), np.empty(0, dtype=VALUES)
    return (np.frombuffer(b"".join(bytes(t) for t, _ in rows), dtype=TIMES),
            np.frombuffer(b"".join(bytes(v) for _, v in rows), dtype=VALUES))
