"""Synthetic SLAs and KPIs for a generated portfolio, and a year of their measurements.

For benchmarks and demos at scale: levels are inserted set-based with their audit entries
(registry.bulk.fast_insert, source "generate"); measurements go through
`storage.merge_measurements` in slices of a million rows built with numpy, never one row at a
time, and the results are then computed by the engine like any other.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from tether.performance import storage
from tether.performance.choices import Aggregation, Direction, LevelKind
from tether.performance.models import CreditBand, ServiceLevel
from tether.registry.bulk import fast_insert
from tether.registry.models import Arrangement

SOURCE = "generate"
MEASUREMENT_SLICE = 1_000_000


@dataclass(frozen=True)
class LevelKindPlan:
    """One sort of level the generator gives arrangements, and how its values scatter."""

    reference: str
    name: str
    unit: str
    kind: str
    direction: str
    aggregation: str
    target: float
    typical: float
    spread: float
    percentile: float | None = None
    item_target: float | None = None
    bands: tuple[tuple[float, int], ...] = ()


PLANS = (
    LevelKindPlan("AVAIL", "Service availability", "%", LevelKind.SLA, Direction.HIGHER,
                  Aggregation.MEAN, 99.5, 99.7, 0.4, bands=((99.5, 5), (99.0, 10), (98.0, 20))),
    LevelKindPlan("RESP-P95", "Response time, 95th percentile", "ms", LevelKind.SLA,
                  Direction.LOWER, Aggregation.PERCENTILE, 800, 500, 200, percentile=95,
                  bands=((800, 5), (1200, 10))),
    LevelKindPlan("INC-4H", "Incidents resolved within 4 hours", "%", LevelKind.SLA,
                  Direction.HIGHER, Aggregation.WITHIN_TARGET, 90, 2.0, 1.2, item_target=4,
                  bands=((90, 5),)),
    LevelKindPlan("CSAT", "Customer satisfaction", "score", LevelKind.KPI, Direction.HIGHER,
                  Aggregation.MEAN, 4.0, 4.2, 0.5),
    LevelKindPlan("BACKLOG", "Open tickets at day end", "tickets", LevelKind.KPI,
                  Direction.LOWER, Aggregation.MAXIMUM, 150, 80, 40),
)
LEVEL_COLUMNS = ("arrangement", "kind", "name", "reference", "unit", "direction", "aggregation",
                 "percentile", "item_target", "target", "currency")


def service_levels_generate(*, count: int, seed: int = 1) -> dict:
    """Give the portfolio's arrangements `count` levels in all (the plans in turn, as many
    per arrangement as needed), with credit bands on the SLAs."""
    arrangements = list(Arrangement.objects.order_by("pk").values_list("pk", "currency"))
    if not arrangements:
        raise ValueError("Generate a portfolio first: there is no arrangement.")
    per_arrangement = -(-count // len(arrangements))
    if per_arrangement > len(PLANS):
        raise ValueError(f"{count:,} levels need more than {len(PLANS)} per arrangement: "
                         "generate more arrangements.")
    rng = np.random.default_rng(seed)
    rows, plans = [], []
    for index in range(count):
        arrangement, currency = arrangements[index // per_arrangement]
        plan = PLANS[index % per_arrangement]
        target = plan.target if plan.aggregation != Aggregation.MEAN or plan.unit != "%" \
            else round(float(rng.choice([99.0, 99.5, 99.9])), 1)
        rows.append((arrangement, plan.kind, plan.name, plan.reference, plan.unit,
                     plan.direction, plan.aggregation, plan.percentile, plan.item_target,
                     target, currency))
        plans.append(plan)
    level_ids = fast_insert(ServiceLevel, LEVEL_COLUMNS, rows, source=SOURCE,
                            describe=lambda row: f"{row[3]} · {row[2]}")
    bands = [(level_id, worse_than, percent)
             for level_id, plan in zip(level_ids, plans, strict=True)
             for worse_than, percent in plan.bands]
    fast_insert(CreditBand, ("service_level", "worse_than", "credit_percent"), bands,
                source=SOURCE, describe=lambda row: f"worse than {row[1]:g}: {row[2]} %")
    return {"levels": len(level_ids), "credit_bands": len(bands)}


def measurements_generate(*, total: int, year: int, seed: int = 1, progress=None) -> dict:
    """About `total` measurements spread over the calendar `year`, evenly over every level,
    each at its own times (spaced evenly, jittered), values scattered around the level's
    typical value."""
    levels = list(ServiceLevel.objects.order_by("pk").values_list("pk", "reference"))
    if not levels:
        raise ValueError("Generate service levels first.")
    by_reference = {plan.reference: plan for plan in PLANS}
    typical = np.array([by_reference.get(ref, PLANS[0]).typical for _, ref in levels])
    spread = np.array([by_reference.get(ref, PLANS[0]).spread for _, ref in levels])
    ids = np.array([pk for pk, _ in levels], dtype=np.int64)
    per_level = max(1, total // len(levels))
    start = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    interval = (int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp()) - start) // per_level
    rng = np.random.default_rng(seed)
    levels_per_slice = max(1, MEASUREMENT_SLICE // per_level)
    stored, touched = 0, 0
    for first in range(0, len(ids), levels_per_slice):
        chosen = slice(first, first + levels_per_slice)
        count = len(ids[chosen])
        level_ids = np.repeat(ids[chosen], per_level)
        step = np.tile(np.arange(per_level, dtype=np.int64), count)
        times = start + step * interval + rng.integers(0, interval, size=step.size)
        values = np.repeat(typical[chosen], per_level) + rng.normal(
            0, 1, size=step.size) * np.repeat(spread[chosen], per_level)
        np.maximum(values, 0, out=values)
        touched += len(storage.merge_measurements(level_ids, times, values))
        stored += level_ids.size
        if progress:
            progress(stored, per_level * len(ids))
    return {"measurements": stored, "levels": len(ids), "chunks": touched}
