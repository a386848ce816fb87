"""The figures behind provider scorecards, aggregated in SQL: one GROUP BY over period
results, one over open findings, one query for the latest two reviews per provider; the
score itself is the pure `scorecard.scorecard` over them (scorecard.py)."""

from datetime import date

from django.apps import apps
from django.db.models import Avg, Case, Count, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.urls import reverse
from django.utils import timezone

from tether.performance.choices import LevelKind, Outcome
from tether.performance.models import PeriodResult
from tether.registry.models import Provider
from tether.reviews.dates import months_after
from tether.reviews.models import Review
from tether.reviews.scorecard import SEVERITY_POINTS, WINDOW_MONTHS, Figures, scorecard

CLOSED = "closed"


def window_start(today: date | None = None) -> date:
    """The first day of the twelve months a scorecard covers."""
    today = today or timezone.localdate()
    return months_after(today, -WINDOW_MONTHS)


def finding_model():
    """The oversight app's Finding model (it may not be installed yet: then no findings)."""
    try:
        return apps.get_model("oversight", "Finding")
    except LookupError:
        return None


def _period_figures(provider_filter: Q, start: date) -> dict[int, dict]:
    assessed = Q(outcome__in=(Outcome.MET, Outcome.BREACHED))
    sla, kpi = Q(service_level__kind=LevelKind.SLA), Q(service_level__kind=LevelKind.KPI)
    met = Q(outcome=Outcome.MET)
    rows = (PeriodResult.objects.filter(provider_filter, period_start__gte=start)
            .order_by().values("service_level__arrangement__provider")
            .annotate(sla_assessed=Count("pk", filter=assessed & sla),
                      sla_met=Count("pk", filter=met & sla),
                      sla_mean_attainment=Avg("attainment", filter=assessed & sla),
                      kpi_assessed=Count("pk", filter=assessed & kpi),
                      kpi_met=Count("pk", filter=met & kpi)))
    return {row.pop("service_level__arrangement__provider"): row for row in rows}


def _finding_figures(provider_ids_filter: dict) -> dict[int, dict]:
    finding = finding_model()
    if finding is None:
        return {}
    points = Case(*(When(severity=severity, then=Value(value))
                    for severity, value in SEVERITY_POINTS.items()),
                  default=Value(0), output_field=IntegerField())
    rows = (finding.objects.filter(**provider_ids_filter).exclude(status=CLOSED).order_by()
            .values("provider").annotate(open_findings=Count("pk"), finding_points=Sum(points)))
    return {row.pop("provider"): row for row in rows}


def _latest_rating(offset: int, start: date) -> Subquery:
    return Subquery(Review.objects.filter(arrangement__provider=OuterRef("pk"),
                                          overall_rating__isnull=False, held_on__gte=start)
                    .order_by("-held_on", "-id").values("overall_rating")[offset:offset + 1])


def provider_figures(providers, *, today: date | None = None) -> dict[int, Figures]:
    """Figures per provider of the `providers` queryset (already restricted by the caller);
    three queries whatever the number of providers."""
    start = window_start(today)
    rows = providers.order_by().annotate(
        latest_rating=_latest_rating(0, start), previous_rating=_latest_rating(1, start),
    ).values_list("pk", "latest_rating", "previous_rating")
    ratings = {pk: (latest, previous) for pk, latest, previous in rows}
    ids = providers.order_by().values("pk")
    periods = _period_figures(Q(service_level__arrangement__provider__in=ids), start)
    findings = _finding_figures({"provider__in": ids})
    return {pk: Figures(**periods.get(pk, {}), **findings.get(pk, {}),
                        latest_rating=latest, previous_rating=previous)
            for pk, (latest, previous) in ratings.items()}


def provider_scorecard(provider, *, today: date | None = None):
    figures = provider_figures(Provider.objects.filter(pk=provider.pk), today=today)
    return scorecard(figures.get(provider.pk, Figures()))


def scorecard_rows(providers, *, today: date | None = None) -> list:
    """A RankingRow (unranked) per provider of the queryset, by name; four queries."""
    names = dict(providers.order_by().values_list("pk", "name"))
    figures = provider_figures(providers, today=today)
    rows = [RankingRow(pk, names[pk], figures[pk], scorecard(figures[pk])) for pk in names]
    return sorted(rows, key=lambda row: row.name)


def scorecard_ranking(*, user, today: date | None = None, search: str = "") -> list:
    """Providers the user may see with their scorecard, best score first (no data last)."""
    providers = Provider.objects.restrict(user)
    if search:
        providers = providers.filter(name__icontains=search)
    rows = scorecard_rows(providers, today=today)
    rows.sort(key=lambda row: (row.card.score is None, -(row.card.score or 0), row.name))
    for position, row in enumerate(rows, start=1):
        row.rank = position if row.card.score is not None else None
    return rows


class RankingRow:
    """A provider in the ranking, as the table, the export and the API read it."""

    def __init__(self, pk, name, figures: Figures, card):
        self.pk, self.name, self.figures, self.card = pk, name, figures, card
        self.rank = None
        self.score = card.score
        self.band = card.band[0]
        values = {c.code: c.value for c in card.components}
        self.sla_share, self.kpi_share = values["sla"], values["kpi"]
        self.review_component, self.findings_component = values["review"], values["findings"]
        self.sla_mean_attainment = figures.sla_mean_attainment
        self.latest_rating = figures.latest_rating
        self.trend = card.trend
        self.open_findings = figures.open_findings
        self.finding_points = figures.finding_points

    def get_absolute_url(self):
        return reverse("reviews:provider_scorecard", args=[self.pk])
