"""Reads of the risk app: what its pages, panels, exports and the API show, permission-filtered."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, Value, When

from tether.risk import engine
from tether.risk.methodology import MethodologyConfig, Tier
from tether.risk.models import (
    ArrangementIntake,
    Control,
    CountryRisk,
    Methodology,
    ProviderScore,
    ProviderScoreHistory,
    Risk,
)

PANEL_ROWS = 10
# Heat map bases: which pair of levels places a risk in the grid.
HEAT_MAP_FIELDS = {
    "residual": ("effective_likelihood", "effective_impact"),
    "inherent": ("inherent_likelihood", "inherent_impact"),
}


def current_config(request=None) -> MethodologyConfig:
    """The current methodology's configuration, read once per request."""
    cached = getattr(request, "_risk_config", None) if request is not None else None
    if cached is not None:
        return cached
    config = MethodologyConfig(engine.methodology_current().config)
    if request is not None:
        request._risk_config = config
    return config


def risk_list(*, user):
    return Risk.objects.restrict(user).select_related(
        "category", "provider", "arrangement", "activity", "owner")


def control_list(*, user):
    return Control.objects.restrict(user).select_related("risk", "owner")


def intake_list(*, user):
    return ArrangementIntake.objects.restrict(user).select_related(
        "arrangement", "arrangement__provider")


def country_risk_list(*, user):
    return CountryRisk.objects.restrict(user)


def methodology_list(*, user):
    return Methodology.objects.restrict(user).select_related("created_by")


def provider_score_list(*, user):
    return ProviderScore.objects.restrict(user).select_related("provider", "methodology")


def provider_risks(*, user, provider_id: int):
    """Open and closed risks of a provider: on the provider itself or on its arrangements."""
    return risk_list(user=user).filter(
        Q(provider_id=provider_id) | Q(arrangement__provider_id=provider_id))


def provider_score(*, user, provider_id: int) -> ProviderScore | None:
    return provider_score_list(user=user).filter(provider_id=provider_id).first()


def score_history(*, user, provider_id: int, limit: int = 500) -> list[ProviderScoreHistory]:
    """A provider's scores over time, oldest first (the latest `limit` of them)."""
    rows = list(
        ProviderScoreHistory.objects.restrict(user).filter(provider_id=provider_id)
        .select_related("methodology").order_by("-computed_at", "-id")[:limit]
    )
    rows.reverse()
    return rows


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    rating: str
    count: int = 0


@dataclass
class HeatMap:
    basis: str
    rows: list[tuple[int, str, list[HeatCell]]] = field(default_factory=list)  # top row first
    total: int = 0

    def cell(self, likelihood: int, impact: int) -> HeatCell:
        for level, _label, cells in self.rows:
            if level == likelihood:
                return cells[impact - 1]
        raise KeyError((likelihood, impact))


def heat_map(risks, *, config: MethodologyConfig, basis: str = "residual") -> HeatMap:
    """Risks per likelihood × impact cell, counted in SQL (one GROUP BY over the two levels).

    Levels above the scale (left from a larger earlier methodology) count in its top cell, as
    the engine rates them.
    """
    likelihood_field, impact_field = HEAT_MAP_FIELDS[basis]
    grid = HeatMap(basis)
    cells = {}
    for likelihood in reversed(config.likelihood_levels):
        row = [HeatCell(likelihood, impact, config.cell_rating(likelihood, impact))
               for impact in config.impact_levels]
        grid.rows.append((likelihood, config.likelihood_labels[likelihood], row))
        for cell in row:
            cells[(likelihood, cell.impact)] = cell
    groups = (risks.filter(**{f"{likelihood_field}__isnull": False,
                              f"{impact_field}__isnull": False})
              .order_by().values_list(likelihood_field, impact_field)
              .annotate(count=Count("pk")))
    for likelihood, impact, count in groups:
        key = (min(max(likelihood, 1), config.max_likelihood),
               min(max(impact, 1), config.max_impact))
        cells[key].count += count
        grid.total += count
    return grid


def tier_summary(scores, *, config: MethodologyConfig) -> list[tuple[Tier | None, int, int]]:
    """(tier, providers, of which above appetite) for each tier, counted in SQL."""
    counts = {
        tier: (total, above) for tier, total, above in
        scores.order_by().values_list("tier").annotate(
            total=Count("pk"), above=Count("pk", filter=Q(above_appetite=True)))
    }
    summary = [(tier, *counts.pop(tier.tier, (0, 0)))
               for tier in sorted(config.tiers, key=lambda t: t.tier)]
    if None in counts:
        summary.append((None, *counts.pop(None)))
    return summary


def tier_of(config: MethodologyConfig, number: int | None) -> Tier | None:
    """The methodology's description of a tier number (None if it has no such tier)."""
    return next((tier for tier in config.tiers if tier.tier == number), None)


def with_severity(risks, config: MethodologyConfig):
    """Risks annotated with the severity of their ratings, so the ratings sort by severity."""
    def severity(field_name):
        return Case(*(When(**{field_name: rating.code}, then=Value(rating.severity))
                      for rating in config.ratings), default=Value(-1),
                    output_field=IntegerField())

    return risks.annotate(inherent_severity=severity("inherent_rating"),
                          residual_severity=severity("residual_rating"))
