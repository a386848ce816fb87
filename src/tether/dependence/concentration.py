"""Concentration of the live portfolio: shares and the Herfindahl–Hirschman Index (HHI).

The HHI is the sum of the squared percentage shares, 0–10,000 (US DoJ/FTC convention): below
1,500 unconcentrated, 1,500–2,500 moderately, above 2,500 highly concentrated. Thresholds come
from the DEPENDENCE_THRESHOLDS setting when it is set, else the defaults below.

Figures are aggregated in SQL (GROUP BY); only the grouped rows reach Python. Spend is counted
per currency, since Tether holds no exchange rates: the main currency by default, the others
are reported as left out.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, FloatField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django_countries import countries

from tether.registry.choices import ArrangementStatus, OutsourcingType
from tether.registry.models import Arrangement, Provider

LIVE_STATUSES = (ArrangementStatus.ACTIVE, ArrangementStatus.DRAFT)
MAIN_CURRENCY = "EUR"
DIMENSIONS = {"provider": "Provider", "group": "Provider group (ultimate parent)",
              "country": "Country of the provider", "service_type": "Service type"}
MEASURES = {"spend": "Annual spend", "critical": "Critical or important arrangements"}
DEFAULT_THRESHOLDS = {"moderate": 1500, "high": 2500, "single_share": 25.0}
NO_SERVICE = "(no service)"


def thresholds() -> dict:
    return {**DEFAULT_THRESHOLDS, **getattr(settings, "DEPENDENCE_THRESHOLDS", {})}


def hhi_level(hhi: float) -> str:
    """'unconcentrated', 'moderate' or 'high', by the configured thresholds."""
    limits = thresholds()
    if hhi > limits["high"]:
        return "high"
    if hhi >= limits["moderate"]:
        return "moderate"
    return "unconcentrated"


@dataclass
class Share:
    key: str
    label: str
    value: float
    share: float  # percent, 0–100
    flagged: bool = False


@dataclass
class Concentration:
    """One dimension × measure: every group's share, sorted, and the index over all of them."""

    dimension: str
    measure: str
    currency: str | None
    total: float
    hhi: float
    level: str
    shares: list[Share]
    other_currencies: dict[str, float] = field(default_factory=dict)
    groups: int = 0  # every group counted, also those beyond the listed shares

    def top(self, n: int = 10) -> list[Share]:
        return self.shares[:n]

    @property
    def flagged(self) -> list[Share]:
        return [share for share in self.shares if share.flagged]


def hhi_of(values) -> tuple[float, list[float]]:
    """The HHI of non-negative values and their percentage shares (0 and [] when empty)."""
    values = [float(v) for v in values]
    total = sum(values)
    if total <= 0:
        return 0.0, [0.0] * len(values)
    shares = [100.0 * v / total for v in values]
    return sum(s * s for s in shares), shares


def live_arrangements():
    return Arrangement.objects.filter(status__in=LIVE_STATUSES)


def _grouped(dimension: str, measure: str, currency: str) -> list[tuple]:
    """(key, value) per group, from one GROUP BY query."""
    arrangements = live_arrangements()
    if measure == "spend":
        arrangements = arrangements.filter(currency=currency, annual_cost__gt=0)
        amount = Sum("annual_cost")
    else:
        arrangements = arrangements.filter(is_critical=True)
        amount = Count("id")
    if dimension == "service_type":
        return _by_service_type(arrangements, measure)
    key = {"provider": F("provider_id"),
           "group": Coalesce("provider__ultimate_parent_id", "provider_id"),
           "country": F("provider__country")}[dimension]
    return list(arrangements.order_by().annotate(key=key).values("key")
                .annotate(value=amount).values_list("key", "value"))


def _by_service_type(arrangements, measure: str) -> list[tuple]:
    """An arrangement's spend (or its one critical arrangement) split evenly over its
    services; arrangements without a service count under NO_SERVICE."""
    through = Arrangement.services.through
    service_count = (through.objects.filter(arrangement_id=OuterRef("arrangement_id"))
                     .order_by().values("arrangement_id").annotate(n=Count("id")).values("n"))
    weight = (Cast("arrangement__annual_cost", FloatField()) if measure == "spend"
              else Value(1.0, output_field=FloatField()))
    rows = list(through.objects.filter(arrangement__in=arrangements).order_by()
                .annotate(n=Subquery(service_count))
                .values("service__service_type")
                .annotate(value=Sum(weight / Cast("n", FloatField())))
                .values_list("service__service_type", "value"))
    unserviced = arrangements.filter(services__isnull=True).aggregate(
        value=Sum("annual_cost") if measure == "spend" else Count("id"))["value"]
    if unserviced:
        rows.append((NO_SERVICE, unserviced))
    return rows


def currency_totals() -> dict[str, Decimal]:
    """Live spend per currency, largest first."""
    rows = (live_arrangements().filter(annual_cost__gt=0).order_by().values("currency")
            .annotate(total=Sum("annual_cost")).values_list("currency", "total"))
    return dict(sorted(rows, key=lambda row: -row[1]))


def concentration(*, dimension: str, measure: str, currency: str = MAIN_CURRENCY,
                  top: int | None = None, totals: dict | None = None) -> Concentration:
    """Shares and HHI of one dimension and measure over the live arrangements.

    `top` limits the labelled shares (the HHI always covers every group); `totals` (from
    currency_totals) saves its query when several figures are computed together.
    """
    if dimension not in DIMENSIONS or measure not in MEASURES:
        raise ValueError(f"Unknown dimension or measure: {dimension}, {measure}.")
    rows = sorted(((str(key), float(value)) for key, value in _grouped(dimension, measure,
                                                                          currency) if value),
                  key=lambda row: (-row[1], row[0]))
    hhi, percents = hhi_of(value for _key, value in rows)
    single = thresholds()["single_share"]
    kept = rows if top is None else rows[:top]
    labels = labels_for(dimension, [key for key, _value in kept])
    shares = [Share(key, labels.get(key, key), value, percent, percent > single)
              for (key, value), percent in zip(kept, percents, strict=False)]
    others = {}
    if measure == "spend":
        totals = currency_totals() if totals is None else totals
        others = {code: float(total) for code, total in totals.items() if code != currency}
    return Concentration(dimension, measure, currency if measure == "spend" else None,
                         sum(value for _key, value in rows), round(hhi, 1), hhi_level(hhi),
                         shares, others, len(rows))


def labels_for(dimension: str, keys: list[str]) -> dict[str, str]:
    """Readable names of group keys: provider names (one query), countries, service types."""
    if dimension in ("provider", "group"):
        ids = [int(key) for key in keys if key.isdigit()]
        return {str(pk): name for pk, name in
                Provider.objects.filter(pk__in=ids).values_list("pk", "name")}
    if dimension == "country":
        return {key: f"{countries.name(key) or key} ({key})" for key in keys}
    types = dict(OutsourcingType.choices)
    return {key: types.get(key, key) for key in keys}


def concentration_all(*, currency: str = MAIN_CURRENCY, top: int = 10) -> list[Concentration]:
    """Every dimension × measure: the concentration page and the snapshot command."""
    totals = currency_totals()
    return [concentration(dimension=dimension, measure=measure, currency=currency, top=top,
                          totals=totals)
            for measure in MEASURES for dimension in DIMENSIONS]
