"""Reads of the performance app: service levels, their results per period, credits owed and the
dashboard figures. Every figure is read from stored `PeriodResult` rows (GROUP BY in SQL);
nothing here recomputes a result.

Results and measurement chunks are plain rows without a permission scope of their own: they
are restricted through their service level (`through_level`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone

from tether.performance.choices import Outcome, PeriodLength
from tether.performance.models import CreditBand, MeasurementChunk, PeriodResult, ServiceLevel

CENT = Decimal("0.01")
# Ids per query (SQLite binds at most 32,766 parameters).
ID_BATCH = 10_000
PANEL_ROWS = 10
SERIES_PERIODS = 24
TREND_MONTHS = 12
WORST_ROWS = 10


# --- periods ---------------------------------------------------------------------------------

def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def latest_complete_periods(today: date | None = None) -> dict[str, date]:
    """The start of the last period of each length that has ended by `today`."""
    today = today or timezone.localdate()
    return {PeriodLength.MONTH: add_months(month_start(today), -1),
            PeriodLength.QUARTER: add_months(quarter_start(today), -3)}


def parse_month(text: str | None) -> date | None:
    """"2026-03" as date(2026, 3, 1); None for anything else."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1) if 1 <= year <= 9999 and 1 <= month <= 12 else None
    except ValueError:
        return None


# --- permission scope ----------------------------------------------------------------------------

def through_level(queryset: QuerySet, user, *, prefix: str = "service_level__") -> QuerySet:
    """Rows tied to a service level, restricted as their level is (`Model.objects.restrict`):
    internal roles by their role, a provider's contact to their own provider's levels."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_internal:
        return queryset if user.can("view", ServiceLevel) else queryset.none()
    if user.provider_id is None:
        return queryset.none()
    return queryset.filter(**{f"{prefix}{ServiceLevel.provider_scope}": user.provider_id})


def results_visible(user) -> QuerySet:
    """The period results the user may see."""
    return through_level(PeriodResult.objects.all(), user)


# --- service levels ------------------------------------------------------------------------------

def service_level_list(*, user) -> QuerySet:
    return ServiceLevel.objects.restrict(user).select_related("arrangement",
                                                              "arrangement__provider")


def level_bands(*, user, level: ServiceLevel) -> list[CreditBand]:
    """The level's credit bands, nearest the target first."""
    bands = list(level.credit_bands.restrict(user))
    higher = level.direction == "higher" or level.aggregation == "within_target"
    return sorted(bands, key=lambda band: band.worse_than, reverse=higher)


def level_series(level_id: int, *, periods: int | None = None) -> list[dict]:
    """A level's results per period, oldest first: one query on the (level, period) key."""
    rows = PeriodResult.objects.filter(service_level_id=level_id).order_by("-period_start")
    fields = ("period_start", "count", "value", "outcome", "attainment", "credit_percent",
              "credit_amount")
    rows = rows.values(*fields)
    return list(reversed(rows[:periods] if periods else rows))


def measured_months(level_id: int) -> list[tuple[date, int]]:
    """(month, number of measurements) of a level's stored months, newest first."""
    return list(MeasurementChunk.objects.filter(service_level_id=level_id)
                .order_by("-month").values_list("month", "count"))


def arrangement_levels(*, user, arrangement) -> list[ServiceLevel]:
    return list(ServiceLevel.objects.restrict(user).filter(arrangement=arrangement)
                .order_by("reference")[:PANEL_ROWS + 1])


def recent_results_by_level(level_ids, *, periods: int = 12,
                            today: date | None = None) -> dict[int, list[dict]]:
    """The last `periods` months of results of some levels, oldest first (one query)."""
    since = add_months(month_start(today or timezone.localdate()), -periods)
    series: dict[int, list[dict]] = {level_id: [] for level_id in level_ids}
    rows = PeriodResult.objects.filter(service_level_id__in=list(series),
                                       period_start__gte=since).order_by(
        "service_level_id", "period_start").values(
        "service_level_id", "period_start", "value", "outcome", "attainment")
    for row in rows:
        series[row["service_level_id"]].append(row)
    return series


def provider_attainment(*, user, provider, periods: int = 12,
                        today: date | None = None) -> list[dict]:
    """Per month of the last `periods`: mean attainment across the provider's levels and how
    many were breached (one GROUP BY)."""
    since = add_months(month_start(today or timezone.localdate()), -periods)
    rows = results_visible(user).filter(
        service_level__arrangement__provider=provider, period_start__gte=since,
    ).order_by("period_start").values("period_start").annotate(
        attainment=Avg("attainment"), results=Count("pk"),
        breached=Count("pk", filter=Q(outcome=Outcome.BREACHED)))
    return list(rows)


# --- results lists, credits owed ----------------------------------------------------------

def result_list(*, user) -> QuerySet:
    return results_visible(user).select_related(
        "service_level", "service_level__arrangement", "service_level__arrangement__provider")


@dataclass(frozen=True)
class CreditRow:
    provider_id: int
    provider: str
    arrangement_id: int
    arrangement: str
    currency: str
    breaches: int
    credit: object  # Decimal


def _credit_per_level(results: QuerySet) -> dict[int, tuple[int, Decimal]]:
    """(credited results, credit) per level: a GROUP BY on the results alone (a join per row
    to the level would double the reading)."""
    rows = results.filter(credit_amount__gt=0).order_by().values_list(
        "service_level_id").annotate(breaches=Count("pk"), credit=Sum("credit_amount"))
    return {level_id: (breaches, credit) for level_id, breaches, credit in rows}


def credits_owed(results: QuerySet) -> list[CreditRow]:
    """Service credits of the given results per provider, arrangement and currency: what
    each provider owes for its breaches (a credit is only owed for a result short of its
    target). A query for the credits per level, then one per 10,000 of those levels."""
    per_level = _credit_per_level(results)
    groups: dict[tuple, list] = {}
    levels = ServiceLevel.objects.values_list(
        "pk", "arrangement__provider_id", "arrangement__provider__name", "arrangement_id",
        "arrangement__reference", "currency")
    for batch_start in range(0, len(per_level), ID_BATCH):
        batch = list(per_level)[batch_start:batch_start + ID_BATCH]
        for level_id, *key in levels.filter(pk__in=batch):
            breaches, credit = per_level[level_id]
            total = groups.setdefault(tuple(key), [0, Decimal(0)])
            total[0] += breaches
            total[1] += Decimal(str(credit))
    rows = [CreditRow(*key, breaches, _money(credit))
            for key, (breaches, credit) in groups.items()]
    return sorted(rows, key=lambda row: (row.provider, row.arrangement, row.currency))


def _money(amount) -> Decimal:
    # SQLite sums decimals as floats or integers: back to cents.
    return Decimal(str(amount or 0)).quantize(CENT)


def credit_totals(rows: list[CreditRow]) -> list[tuple[str, object]]:
    """(currency, total) of credit rows: amounts in different currencies never add up."""
    totals: dict[str, object] = {}
    for row in rows:
        totals[row.currency] = totals.get(row.currency, 0) + row.credit
    return sorted(totals.items())


# --- dashboard ---------------------------------------------------------------------------------
#
# With 50,000 levels a month holds 50,000 results; reading each row (for its outcome, its
# level's period or currency) costs seconds on SQLite. So the dashboard reads what the index
# on (period_start, attainment) holds: a result is short of its target exactly when its
# attainment is below 100 (the engine derives both from the same comparison), met at 100 or
# more, and not assessed without one. Quarterly levels are few: they are read by their ids.

def _quarterly_levels() -> QuerySet:
    return ServiceLevel.objects.filter(period=PeriodLength.QUARTER).values("pk")


def _latest_parts(results: QuerySet, today: date | None) -> list[QuerySet]:
    """The latest complete period's results as querysets that each stay on the index: the
    month's (less the quarterly levels' quarter in progress, when the month starts one) and
    the quarterly levels' last complete quarter."""
    periods = latest_complete_periods(today)
    month, quarter = periods[PeriodLength.MONTH], periods[PeriodLength.QUARTER]
    monthly = results.filter(period_start=month)
    if quarter_start(month) == month:
        monthly = monthly.exclude(service_level_id__in=_quarterly_levels())
    return [monthly, results.filter(period_start=quarter,
                                    service_level_id__in=_quarterly_levels())]


def worst_results(*, user, limit: int = WORST_ROWS, today: date | None = None) -> list:
    """The levels furthest short of their target in the latest complete period, lowest
    attainment first, with their level, arrangement and provider (an ordered index scan that
    stops after `limit` rows)."""
    found = []
    for part in _latest_parts(results_visible(user), today):
        found += part.filter(attainment__lt=100).select_related(
            "service_level", "service_level__arrangement",
            "service_level__arrangement__provider").order_by("attainment", "pk")[:limit]
    return sorted(found, key=lambda result: (result.attainment, result.pk))[:limit]


def _outcome_buckets(results: QuerySet) -> dict[str, int]:
    return results.order_by().aggregate(
        met=Count("pk", filter=Q(attainment__gte=100)),
        breached=Count("pk", filter=Q(attainment__lt=100)),
        insufficient=Count("pk", filter=Q(attainment__isnull=True)))


def outcome_counts(*, user, today: date | None = None) -> dict[str, int]:
    """How many results of the latest complete period were met, breached, insufficient."""
    counts = dict.fromkeys(Outcome.values, 0)
    for part in _latest_parts(results_visible(user), today):
        for outcome, number in _outcome_buckets(part).items():
            counts[outcome] += number
    return counts


def breaches_per_month(*, user, months: int = TREND_MONTHS,
                       today: date | None = None) -> list[tuple[date, int]]:
    """Results short of their target per period start over the last `months` months, zeros
    included (an index-only scan)."""
    first = add_months(month_start(today or timezone.localdate()), -(months - 1))
    counts = dict(results_visible(user).filter(
        period_start__gte=first, attainment__lt=100,
    ).order_by().values_list("period_start").annotate(n=Count("pk")))
    return [(add_months(first, step), counts.get(add_months(first, step), 0))
            for step in range(months)]


def credits_by_currency(*, user, start: date, end: date | None = None
                        ) -> list[tuple[str, Decimal]]:
    """Credits owed for periods starting from `start` (to `end`), per currency."""
    results = results_visible(user).filter(period_start__gte=start)
    if end is not None:
        results = results.filter(period_start__lte=end)
    return credit_totals(credits_owed(results))


# The year's credits read every result of the year (a second per 600,000 on SQLite): the
# dashboards show them as read at most this many seconds ago; the credits page reads them live.
CREDITS_CACHE_SECONDS = 300


def credits_this_year(*, user, today: date | None = None) -> list[tuple[str, Decimal]]:
    """Credits owed for this year's periods per currency, as read at most five minutes ago
    (per provider for a contact; internal roles that see levels all see the same)."""
    today = today or timezone.localdate()
    scope = "internal" if user.is_internal else f"provider-{user.provider_id}"
    key = f"performance:credits:{today.year}:{scope}"
    totals = cache.get(key)
    if totals is None:
        totals = credits_by_currency(user=user, start=date(today.year, 1, 1))
        cache.set(key, totals, CREDITS_CACHE_SECONDS)
    return totals


def breaches_in_month(*, user, month: date) -> int:
    return results_visible(user).filter(period_start=month, outcome=Outcome.BREACHED).count()
