"""The arithmetic of SLA results, on whole arrays at once (no loop over measurements).

Input: the levels' definitions as parallel arrays, and the measurements as one array of values
split into contiguous groups, one group per (level, period). Output: per group the aggregate,
the outcome, the attainment and the service credit. Pure: no database, so it is tested on
hand-computed cases and benchmarked on ten million values.
"""

from dataclasses import dataclass

import numpy as np

MEAN, PERCENTILE, WITHIN_TARGET, SUM, MINIMUM, MAXIMUM = range(6)
AGGREGATION_CODES = {"mean": MEAN, "percentile": PERCENTILE, "within_target": WITHIN_TARGET,
                     "sum": SUM, "min": MINIMUM, "max": MAXIMUM}
MET, BREACHED, INSUFFICIENT = range(3)
OUTCOME_NAMES = ("met", "breached", "insufficient")
# A lower-is-better level measured at 0 beats any target; its attainment is shown capped.
ATTAINMENT_CAP = 1000.0


@dataclass
class Levels:
    """Definitions of n levels, one entry per level (index = position in these arrays)."""

    higher_is_better: np.ndarray   # bool
    aggregation: np.ndarray        # int8, AGGREGATION_CODES
    percentile: np.ndarray         # float64, NaN unless PERCENTILE
    item_target: np.ndarray        # float64, NaN unless WITHIN_TARGET
    target: np.ndarray             # float64
    minimum_count: np.ndarray      # int64
    gives_credit: np.ndarray       # bool: an SLA (a KPI never earns credits)
    credit_cap: np.ndarray         # float64 percent, NaN: no cap
    band_bounds: np.ndarray        # float64 (n, k): "worse than" bounds, NaN where none
    band_percents: np.ndarray      # float64 (n, k)


@dataclass
class Results:
    value: np.ndarray        # float64, NaN when not assessed
    outcome: np.ndarray      # int8, MET/BREACHED/INSUFFICIENT
    attainment: np.ndarray   # float64 percent of target, NaN when not assessed
    credit_percent: np.ndarray  # float64


def group_starts(group_sizes: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(group_sizes)[:-1])).astype(np.int64)


def aggregate(levels: Levels, group_level: np.ndarray, group_size: np.ndarray,
              values: np.ndarray) -> Results:
    """`values` holds the groups one after the other; group g has `group_size[g]` (> 0)
    values and belongs to level `group_level[g]`."""
    starts = group_starts(group_size)
    counts = group_size.astype(np.float64)
    kind = levels.aggregation[group_level]
    value = np.full(len(group_size), np.nan)
    if not len(group_size):
        return _judge(levels, group_level, group_size, value)

    def where(code, figures):
        chosen = kind == code
        value[chosen] = figures[chosen]

    totals = np.add.reduceat(values, starts)
    where(MEAN, totals / counts)
    where(SUM, totals)
    if (kind == MINIMUM).any():
        where(MINIMUM, np.minimum.reduceat(values, starts))
    if (kind == MAXIMUM).any():
        where(MAXIMUM, np.maximum.reduceat(values, starts))
    if (kind == WITHIN_TARGET).any():
        value_level = np.repeat(group_level, group_size)
        threshold = levels.item_target[value_level]
        within = np.where(levels.higher_is_better[value_level], values >= threshold,
                          values <= threshold)
        where(WITHIN_TARGET, np.add.reduceat(within.astype(np.float64), starts) / counts * 100)
    if (kind == PERCENTILE).any():
        _percentiles(levels, group_level, group_size, starts, values, kind == PERCENTILE, value)
    return _judge(levels, group_level, group_size, value)


def _percentiles(levels, group_level, group_size, starts, values, chosen, value) -> None:
    """Linear-interpolated percentiles (numpy's default method) of the chosen groups. Groups
    of similar size are padded to the same width and sorted as the rows of one matrix: many
    short sorts, no global sort of millions of values."""
    groups = np.flatnonzero(chosen)
    sizes = group_size[groups]
    width_class = np.ceil(np.log2(np.maximum(sizes, 1))).astype(np.int64)
    for width_power in np.unique(width_class).tolist():
        members = np.flatnonzero(width_class == width_power)
        picked, member_sizes = groups[members], sizes[members]
        matrix = np.full((len(members), 1 << width_power), np.inf)
        columns = _ranges(member_sizes)
        rows = np.repeat(np.arange(len(members)), member_sizes)
        matrix[rows, columns] = values[np.repeat(starts[picked], member_sizes) + columns]
        matrix.sort(axis=1)
        position = levels.percentile[group_level[picked]] / 100 * (member_sizes - 1)
        below = np.floor(position).astype(np.int64)
        above = np.minimum(below + 1, member_sizes - 1)
        row_index = np.arange(len(members))
        low, high = matrix[row_index, below], matrix[row_index, above]
        value[picked] = low + (high - low) * (position - below)


def _ranges(sizes: np.ndarray) -> np.ndarray:
    """0..size-1 for each size, concatenated."""
    total = int(sizes.sum())
    return np.arange(total) - np.repeat(group_starts(sizes), sizes)


def _judge(levels: Levels, group_level, group_size, value) -> Results:
    # A share of items within their target is better the higher it is, whichever way the
    # items themselves are better (resolution hours: lower; the share resolved in time: higher).
    higher = levels.higher_is_better[group_level] | (
        levels.aggregation[group_level] == WITHIN_TARGET)
    target = levels.target[group_level]
    assessed = group_size >= levels.minimum_count[group_level]
    met = np.where(higher, value >= target, value <= target)
    outcome = np.where(~assessed, INSUFFICIENT, np.where(met, MET, BREACHED)).astype(np.int8)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(higher, value / target, target / value) * 100
    ratio = np.where(np.isnan(ratio) & (value == target), 100.0, ratio)
    attainment = np.where(assessed, np.clip(ratio, -ATTAINMENT_CAP, ATTAINMENT_CAP), np.nan)
    attainment[~np.isfinite(attainment) & assessed] = np.nan
    value = np.where(assessed, value, np.nan)

    credit = np.zeros(len(group_level))
    breached = (outcome == BREACHED) & levels.gives_credit[group_level]
    for band in range(levels.band_bounds.shape[1]):
        bound = levels.band_bounds[group_level, band]
        worse = np.where(higher, value < bound, value > bound) & breached
        credit = np.where(worse, np.fmax(credit, levels.band_percents[group_level, band]),
                          credit)
    cap = levels.credit_cap[group_level]
    credit = np.where(np.isnan(cap), credit, np.minimum(credit, cap))
    return Results(value=value, outcome=outcome, attainment=attainment, credit_percent=credit)
