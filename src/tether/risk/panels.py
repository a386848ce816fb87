"""The risk app's cards on the register's pages: a provider's score and risks, an arrangement's
intake and tier, an activity's risks. Registered here; the register knows nothing of them.

Each card costs one or two queries: the register's detail pages carry several apps' panels.
"""

from django.urls import reverse

from tether.core.views.generic import Panel, contribute_panels
from tether.risk import selectors, tables
from tether.risk.charts import Point, score_chart_svg
from tether.risk.methodology import MethodologyConfig
from tether.risk.models import ArrangementIntake, ProviderScore, Risk

ROWS = selectors.PANEL_ROWS
CHART_POINTS = 60


def _risks_panel(request, risks, *, more: str, add: str, config=None, exclude=()) -> Panel:
    """The first risks and a link to all of them. One query for the rows; a count only when
    there are more than the panel shows; the methodology only if a row needs its colors."""
    rows = list(risks.order_by("-above_appetite", "title")[:ROWS + 1])
    total = len(rows) if len(rows) <= ROWS else risks.count()
    if config is None and rows:
        config = selectors.current_config(request)
    table = tables.RiskTable(rows[:ROWS], orderable=False, config=config,
                             exclude=("treatment", "owner", "status", *exclude))
    add_url = f"{reverse('risk:risk_add')}?{add}" if request.user.can("add", Risk) else None
    return Panel("Risks", template="risk/panels/risks.html", total=total,
                 more_url=f"{reverse('risk:risk_list')}?{more}",
                 context={"table": table, "add_url": add_url})


@contribute_panels("registry.provider", order=10)
def provider_panels(request, provider) -> list[Panel]:
    user = request.user
    panels, config = [], None
    if user.can("view", ProviderScore):
        # The history's latest row is the current score (a row is added whenever a figure or
        # the methodology changes), so one query gives the card, the chart and the colors.
        history = selectors.score_history(user=user, provider_id=provider.pk,
                                          limit=CHART_POINTS)
        card = {"explain_url": reverse("risk:provider_explain", args=[provider.pk]),
                "trend_url": reverse("risk:provider_trend", args=[provider.pk])}
        if history:
            latest = history[-1]
            config = MethodologyConfig(latest.methodology.config)
            inherent_rating = config.score_rating(latest.inherent_score)
            card.update({
                "score": latest, "config": config, "inherent_rating": inherent_rating,
                "above_appetite": config.exceeds(latest.residual_rating,
                                                 config.provider_appetite),
                "tier": selectors.tier_of(config, latest.tier),
                "chart": score_chart_svg(
                    [Point(row.computed_at, float(row.inherent_score),
                           float(row.residual_score), row.methodology.version)
                     for row in history], config, width=560, height=200,
                    title=f"Risk score of {provider} over time") if len(history) > 1 else None,
            })
        panels.append(Panel("Risk score", template="risk/panels/provider_score.html",
                            context=card))
    if user.can("view", Risk):
        panels.append(_risks_panel(
            request, selectors.provider_risks(user=user, provider_id=provider.pk),
            more=f"provider={provider.pk}", add=f"provider={provider.pk}", config=config))
    return panels


@contribute_panels("registry.arrangement", order=10)
def arrangement_panels(request, arrangement) -> list[Panel]:
    user = request.user
    panels = []
    if user.can("view", ArrangementIntake):
        intake = ArrangementIntake.objects.restrict(user).filter(
            arrangement=arrangement).first()
        tier = None
        if intake is not None and intake.tier is not None:
            tier = selectors.tier_of(selectors.current_config(request), intake.tier)
        panels.append(Panel("Inherent risk and tier", template="risk/panels/intake.html",
                            context={
            "intake": intake, "tier": tier,
            "add_url": (f"{reverse('risk:arrangementintake_add')}?arrangement={arrangement.pk}"
                        if intake is None and user.can("add", ArrangementIntake) else None),
            "explain_url": reverse("risk:provider_explain", args=[arrangement.provider_id]),
        }))
    if user.can("view", Risk):
        panels.append(_risks_panel(
            request, selectors.risk_list(user=user).filter(arrangement=arrangement),
            more=f"arrangement={arrangement.pk}", add=f"arrangement={arrangement.pk}",
            exclude=("subject",)))
    return panels


@contribute_panels("registry.activity", order=10)
def activity_panels(request, activity) -> list[Panel]:
    if not request.user.can("view", Risk):
        return []
    return [_risks_panel(request, selectors.risk_list(user=request.user).filter(activity=activity),
                         more=f"activity={activity.pk}", add=f"activity={activity.pk}",
                         exclude=("subject",))]
