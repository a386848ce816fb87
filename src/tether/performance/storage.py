"""Measurements, stored packed per service level and month (see models.MeasurementChunk)."""

from datetime import date

import numpy as np


def merge_measurements(level_ids: np.ndarray, times: np.ndarray,
                       values: np.ndarray) -> set[tuple[int, date]]:
    """Store measurements (int64 level ids, int64 epoch seconds, float64 values, same length,
    already validated). A measurement at a time a level already has replaces it, so sending
    the same rows twice changes nothing. Returns the (level id, month) pairs touched."""
    raise NotImplementedError  # written in the next commit


def read_measurements(level_id: int, start: date | None = None,
                      end: date | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A level's measurements (times, values) ordered by time, months start..end inclusive."""
    raise NotImplementedError
