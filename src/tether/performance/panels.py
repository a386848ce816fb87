"""The performance app's cards on the register's pages (an arrangement's SLAs and KPIs, a
provider's attainment) and on the home dashboard. Registered here; the register knows
nothing of them. Each card costs a query or two."""

from django.urls import reverse
from django.utils import timezone

from tether.core.views.generic import Panel, add_link, contribute_dashboard, contribute_panels
from tether.performance import charts, selectors, tables
from tether.performance.models import ServiceLevel

ROWS = selectors.PANEL_ROWS
HOME_WORST = 5


@contribute_panels("registry.arrangement", order=40)
def arrangement_panels(request, arrangement) -> list[Panel]:
    user = request.user
    if not user.can("view", ServiceLevel):
        return []
    levels = selectors.arrangement_levels(user=user, arrangement=arrangement)
    add_url = add_link(request, ServiceLevel, "performance:servicelevel_add",
                       arrangement=arrangement.pk)
    if not levels and add_url is None:
        return []
    total = (len(levels) if len(levels) <= ROWS else ServiceLevel.objects.restrict(user)
             .filter(arrangement=arrangement).count())
    series = selectors.recent_results_by_level([level.pk for level in levels[:ROWS]])
    rows = []
    for level in levels[:ROWS]:
        results = series[level.pk]
        rows.append({"level": level, "last": results[-1] if results else None,
                     "target": tables.target_text(level),
                     "sparkline": charts.sparkline_svg(
                         results, title=f"{level.reference}: attainment per period")})
    return [Panel("SLAs and KPIs", template="performance/panels/levels.html", total=total,
                  more_url=f"{reverse('performance:servicelevel_list')}?arrangement="
                           f"{arrangement.pk}",
                  context={"rows": rows, "add_url": add_url})]


@contribute_panels("registry.provider", order=40)
def provider_panels(request, provider) -> list[Panel]:
    user = request.user
    if not user.can("view", ServiceLevel):
        return []
    months = selectors.provider_attainment(user=user, provider=provider)
    if not months:
        return []
    breached = sum(row["breached"] for row in months)
    return [Panel("SLA attainment", template="performance/panels/provider.html", context={
        "chart": charts.month_bars_svg(
            [(row["period_start"], row["attainment"]) for row in months],
            title="Mean attainment of the provider's service levels per month (100 % = on "
                  "target)", fill=charts.BLUE, reference=100.0, unit=" %"),
        "breached": breached, "results": sum(row["results"] for row in months),
        "breaches_url": f"{reverse('performance:breaches')}?provider={provider.pk}"})]


@contribute_dashboard(order=40)
def dashboard_card(request) -> list[Panel]:
    user = request.user
    if not user.can("view", ServiceLevel):
        return []
    today = timezone.localdate()
    this_month = selectors.month_start(today)
    return [Panel("Worst SLAs and KPIs", template="performance/panels/home.html",
                  more_url=reverse("performance:dashboard"), context={
                      "worst": selectors.worst_results(user=user, limit=HOME_WORST,
                                                       today=today),
                      "breaches": selectors.breaches_in_month(user=user, month=this_month),
                      "month": this_month,
                      "breaches_url": f"{reverse('performance:breaches')}?period_from="
                                      f"{this_month:%Y-%m}"})]
