"""Attainment, breaches and credits per service level and period, computed with numpy."""

from collections.abc import Iterable
from datetime import date


def recompute_all(*, progress=None) -> dict:
    """Recompute every active level's results from its measurements. `progress(done, total)`
    is called now and then. Returns counts: levels, periods, written."""
    raise NotImplementedError


def recompute_months(level_months: Iterable[tuple[int, date]]) -> int:
    """Recompute the periods holding these (level id, month) pairs: what `merge_measurements`
    returned. Returns the number of result rows written."""
    raise NotImplementedError


def recompute_levels(level_ids: Iterable[int]) -> int:
    """Recompute every period of these levels (after their target, aggregation or credit
    bands changed). Returns the number of result rows written."""
    raise NotImplementedError
