"""The demo's SLAs and KPIs: a dozen live arrangements each get availability, P95 response
time, tickets resolved within 4 hours and incidents per month (and some a quarterly
satisfaction score), with credit bands, a year of measurements and their results.

Levels and bands go through the app's services (every row audited, source "demo"); the
measurements are generated with a seeded numpy generator and stored in one call to
`storage.merge_measurements`, then the engine computes the results. Some arrangements have
bad months, so the dashboard shows breaches and credits. Nothing is written when levels
already exist.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from tether.core.models import User
from tether.core.roles import Role
from tether.performance import engine, services, storage
from tether.performance.models import ServiceLevel
from tether.performance.selectors import add_months, month_start
from tether.registry.choices import ArrangementStatus
from tether.registry.models import Arrangement

SEED = 20_261_126
SOURCE = "demo"
ARRANGEMENTS = 12
MONTHS = 12
DAY = 86_400
# How many months of a year go wrong, by the arrangement's story: most providers deliver,
# some wobble, a few are in trouble.
BAD_MONTHS = (0, 1, 0, 2, 0, 4, 1, 0, 3, 0, 1, 6)
SAMPLES_PER_DAY = {"AVAIL": 1, "P95": 96, "TICKETS": 12, "INCIDENTS": 1, "CSAT": 4}


@dataclass(frozen=True)
class LevelSpec:
    code: str
    kind: str
    name: str
    unit: str
    direction: str
    aggregation: str
    target: float
    bands: tuple[tuple[float, int], ...] = ()
    percentile: float | None = None
    item_target: float | None = None
    period: str = "month"
    minimum_count: int = 1


SPECS = [
    LevelSpec("AVAIL", "sla", "Service availability", "%", "higher", "mean", 99.5,
              bands=((99.5, 5), (99.0, 10), (98.0, 20)), minimum_count=20),
    LevelSpec("P95", "sla", "Response time, 95th percentile", "ms", "lower", "percentile", 400,
              bands=((400, 3), (600, 8)), percentile=95, minimum_count=500),
    # A share within target: each ticket's hours to resolve (lower is better), 90 % in 4 h.
    LevelSpec("TICKETS", "sla", "Tickets resolved within 4 hours", "h", "lower",
              "within_target", 90, bands=((90, 2), (80, 5)), item_target=4,
              minimum_count=50),
    LevelSpec("INCIDENTS", "kpi", "Major incidents per month", "incidents", "lower", "sum", 2),
    LevelSpec("CSAT", "kpi", "User satisfaction (1–5)", "score", "higher", "mean", 4.0,
              period="quarter", minimum_count=30),
]


def performance_demo_is_loaded() -> bool:
    return ServiceLevel.objects.exists()


def demo_arrangements() -> list[Arrangement]:
    """The live arrangements the demo measures: critical ones first, a dozen."""
    return list(Arrangement.objects.filter(status=ArrangementStatus.ACTIVE)
                .order_by("-is_critical", "reference")[:ARRANGEMENTS])


@transaction.atomic
def performance_demo_load(*, now: datetime | None = None) -> dict[str, int]:
    """SLAs and KPIs with credit bands, a year of measurements and their results."""
    actor = User.objects.filter(role=Role.VENDOR_MANAGER, is_active=True).order_by(
        "username").first()
    arrangements = demo_arrangements()
    if performance_demo_is_loaded() or actor is None or not arrangements:
        return {}
    now = now or timezone.now()
    levels, bands = _define(actor, arrangements)
    rng = np.random.default_rng(SEED)
    start = add_months(month_start(now.date()), -MONTHS)
    first = int(datetime(start.year, start.month, 1, tzinfo=UTC).timestamp())
    days = (int(now.timestamp()) - first) // DAY
    ids, times, values = [], [], []
    for index, (level, spec) in enumerate(levels):
        story = BAD_MONTHS[(index // len(SPECS)) % len(BAD_MONTHS)]
        bad = rng.choice(MONTHS, size=story, replace=False) if story else np.empty(0, int)
        level_times, level_values = _measurements(rng, spec, first, days, bad)
        ids.append(np.full(len(level_times), level.pk, dtype=np.int64))
        times.append(level_times)
        values.append(level_values)
    storage.merge_measurements(np.concatenate(ids), np.concatenate(times),
                               np.concatenate(values))
    results = engine.recompute_levels([level.pk for level, _spec in levels])
    return {"service levels": len(levels), "credit bands": bands,
            "measurements": int(sum(len(t) for t in times)), "period results": results}


def _define(actor, arrangements) -> tuple[list[tuple[ServiceLevel, LevelSpec]], int]:
    levels, bands = [], 0
    for number, arrangement in enumerate(arrangements):
        specs = SPECS if number % 3 == 0 else SPECS[:-1]
        fee = None if arrangement.annual_cost else Decimal(25_000)
        for spec in specs:
            level = services.service_level_create(actor=actor, source=SOURCE, data={
                "arrangement": arrangement, "kind": spec.kind, "name": spec.name,
                "reference": f"{arrangement.reference}-{spec.code}", "unit": spec.unit,
                "direction": spec.direction, "aggregation": spec.aggregation,
                "percentile": spec.percentile, "item_target": spec.item_target,
                "target": spec.target, "period": spec.period,
                "minimum_count": spec.minimum_count, "monthly_fee": fee,
                "currency": arrangement.currency,
                "credit_cap_percent": Decimal(25) if spec.bands else None})
            for bound, percent in spec.bands:
                services.credit_band_create(actor=actor, source=SOURCE, data={
                    "service_level": level, "worse_than": bound,
                    "credit_percent": Decimal(percent)}, recompute=False)
                bands += 1
            levels.append((level, spec))
    return levels, bands


def _measurements(rng, spec: LevelSpec, first: int, days: int, bad_months) -> tuple:
    """A level's measurements over `days` days from `first`: times (epoch s) and values,
    worse in the bad months."""
    per_day = SAMPLES_PER_DAY[spec.code]
    count = days * per_day
    times = first + np.sort(rng.integers(0, days * DAY, size=count)) if per_day > 1 else (
        first + np.arange(days, dtype=np.int64) * DAY + 12 * 3600)
    times = np.unique(times.astype(np.int64))
    count = len(times)
    month = _month_of(times, first)
    bad = np.isin(month, bad_months)
    if spec.code == "AVAIL":
        # Daily availability: minutes down out of 1,440; a bad month has outages.
        down = rng.exponential(0.4, count) + bad * rng.exponential(25.0, count)
        values = np.clip(100 - down / 1440 * 100, 0, 100)
    elif spec.code == "P95":
        values = rng.lognormal(np.log(180) + bad * 0.9, 0.45, count)
    elif spec.code == "TICKETS":
        values = rng.gamma(2.0, 0.7 + bad * 1.6, count)  # hours to resolve
    elif spec.code == "INCIDENTS":
        values = rng.poisson(0.03 + bad * 0.12, count).astype(np.float64)
    else:
        values = np.clip(np.round(rng.normal(4.3 - bad * 0.6, 0.7, count)), 1, 5)
    return times, values.astype(np.float64)


def _month_of(times: np.ndarray, first: int) -> np.ndarray:
    """The month of each time, counted from the month of `first` (0, 1, …)."""
    moments = times.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    start = np.datetime64(first, "s").astype("datetime64[M]").astype(np.int64)
    return moments - start
