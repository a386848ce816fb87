"""The contracts app's cards: the clause checklist's summary on an arrangement's page, and the
clause gaps on the home dashboard. Registered here; the register knows nothing of them."""

from django.urls import reverse

from tether.contracts import selectors
from tether.contracts.models import ArrangementClause
from tether.core.views.generic import Panel, contribute_dashboard, contribute_panels

LACKING_SHOWN = 4


@contribute_panels("registry.arrangement", order=25)
def arrangement_panels(request, arrangement) -> list[Panel]:
    if not request.user.can("view", ArrangementClause):
        return []
    rows = selectors.arrangement_checklist(arrangement)
    if not rows:
        return []
    lacking = [row.requirement.title for row in rows
               if row.state not in ("present", "not_applicable")]
    return [Panel("Contract clauses", template="contracts/panels/clauses.html", context={
        "summary": selectors.summarise(rows), "missing_titles": lacking[:LACKING_SHOWN],
        "more": max(0, len(lacking) - LACKING_SHOWN),
        "url": reverse("contracts:checklist", args=[arrangement.pk])})]


@contribute_dashboard(order=40)
def dashboard_panels(request) -> list[Panel]:
    if not request.user.can("view", ArrangementClause):
        return []
    figures = selectors.dashboard_figures(user=request.user)
    return [Panel("Contract clause gaps", template="contracts/panels/dashboard.html",
                  more_url=reverse("contracts:gaps"), context={
                      **figures, "url": f"{reverse('contracts:gaps')}?is_critical=true"
                                        "&status=active&status=draft&has_gaps=true"})]
