"""Measurements, stored packed per service level and calendar month (models.MeasurementChunk).

A month's chunk holds its timestamps (int64 seconds since the epoch, ascending and unique) and
values (float64), little-endian. Merging new measurements into a chunk replaces any at the same
second, so a batch sent twice leaves the store as it was.
"""

from collections import defaultdict
from datetime import date

import numpy as np
from django.db import connection, transaction

from tether.performance.models import MeasurementChunk, ServiceLevel

TIMES = np.dtype("<i8")
VALUES = np.dtype("<f8")
WRITE_BATCH = 2000
ID_BATCH = 500


def month_index(times: np.ndarray) -> np.ndarray:
    """Months since January 1970 of epoch seconds (int64)."""
    return times.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)


def month_start(index: int) -> date:
    return date(1970 + index // 12, index % 12 + 1, 1)


def month_of(day: date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def pack(times: np.ndarray, values: np.ndarray) -> tuple[bytes, bytes]:
    return times.astype(TIMES).tobytes(), values.astype(VALUES).tobytes()


def unpack(times: bytes | memoryview, values: bytes | memoryview) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    return np.frombuffer(times, dtype=TIMES), np.frombuffer(values, dtype=VALUES)


def _last_of_each_time(times: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by time keeping, for a time given twice, the value given last."""
    order = np.argsort(times, kind="stable")
    times, values = times[order], values[order]
    keep = np.ones(len(times), dtype=bool)
    keep[:-1] = times[1:] != times[:-1]
    return times[keep], values[keep]


def _existing_chunks(pairs: dict[int, set[int]]) -> dict[tuple[int, int], MeasurementChunk]:
    """The stored chunks of these (level id → month indexes), read by level in batches."""
    found = {}
    level_ids = sorted(pairs)
    for offset in range(0, len(level_ids), ID_BATCH):
        batch = level_ids[offset:offset + ID_BATCH]
        months = [m for level in batch for m in pairs[level]]
        chunks = MeasurementChunk.objects.filter(
            service_level_id__in=batch, month__gte=month_start(min(months)),
            month__lte=month_start(max(months)))
        for chunk in chunks:
            key = (chunk.service_level_id, month_of(chunk.month))
            if key[1] in pairs[key[0]]:
                found[key] = chunk
    return found


def _lock_levels(level_ids) -> None:
    """Serialise merges into the same level (PostgreSQL; SQLite takes the write lock at the
    start of every transaction), locking in id order so two merges never deadlock."""
    if connection.vendor == "postgresql":
        ids = sorted(level_ids)
        for offset in range(0, len(ids), 10_000):
            list(ServiceLevel.objects.select_for_update().filter(
                id__in=ids[offset:offset + 10_000]).order_by("id").values_list("id", flat=True))


def merge_measurements(level_ids: np.ndarray, times: np.ndarray,
                       values: np.ndarray) -> set[tuple[int, date]]:
    """Store measurements (int64 level ids, int64 epoch seconds, float64 values, same length,
    already validated). A measurement at a time a level already has replaces it, so sending
    the same rows twice changes nothing. Returns the (level id, month) pairs touched."""
    level_ids = np.asarray(level_ids, dtype=np.int64)
    times = np.asarray(times, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if not (len(level_ids) == len(times) == len(values)):
        raise ValueError("level ids, times and values must have the same length")
    if not len(times):
        return set()
    months = month_index(times)
    order = np.lexsort((months, level_ids))
    level_ids, months, times, values = level_ids[order], months[order], times[order], \
        values[order]
    boundary = np.flatnonzero((level_ids[1:] != level_ids[:-1]) | (months[1:] != months[:-1]))
    starts = np.concatenate(([0], boundary + 1))
    ends = np.concatenate((boundary + 1, [len(times)]))
    groups = [(int(level_ids[s]), int(months[s]), s, e) for s, e in zip(starts, ends, strict=True)]
    pairs: dict[int, set[int]] = defaultdict(set)
    for level, month, _, _ in groups:
        pairs[level].add(month)

    with transaction.atomic():
        _lock_levels(pairs)
        existing = _existing_chunks(pairs)
        chunks = []
        for level, month, start, end in groups:
            new_times, new_values = times[start:end], values[start:end]
            old = existing.get((level, month))
            if old is not None:
                old_times, old_values = unpack(old.times, old.values)
                new_times = np.concatenate((old_times, new_times))
                new_values = np.concatenate((old_values, new_values))
            new_times, new_values = _last_of_each_time(new_times, new_values)
            packed_times, packed_values = pack(new_times, new_values)
            chunks.append(MeasurementChunk(
                service_level_id=level, month=month_start(month), count=len(new_times),
                times=packed_times, values=packed_values))
        for offset in range(0, len(chunks), WRITE_BATCH):
            MeasurementChunk.objects.bulk_create(
                chunks[offset:offset + WRITE_BATCH], update_conflicts=True,
                unique_fields=["service_level", "month"],
                update_fields=["count", "times", "values"])
    return {(level, month_start(month)) for level, month, _, _ in groups}


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
