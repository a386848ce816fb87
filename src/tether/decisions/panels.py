"""The decisions app's card on an activity's page: its keep-or-outsource cases. Registered
here; the register knows nothing of it. One query for the rows, a count only when needed."""

from django.urls import reverse

from tether.core.views.generic import Panel, contribute_panels
from tether.decisions import selectors, tables
from tether.decisions.models import DecisionCase
from tether.decisions.recommend import core_competency_warning


@contribute_panels("registry.activity", order=40)
def activity_panels(request, activity) -> list[Panel]:
    user = request.user
    if not user.can("view", DecisionCase):
        return []
    cases = selectors.case_list(user=user).filter(activity=activity)
    rows = list(cases.order_by("-created")[:selectors.PANEL_ROWS + 1])
    total = len(rows) if len(rows) <= selectors.PANEL_ROWS else cases.count()
    add_url = (f"{reverse('decisions:decisioncase_add')}?activity={activity.pk}"
               if user.can("add", DecisionCase) else None)
    return [Panel("Keep or outsource", template="decisions/panels/activity_cases.html",
                  total=total, more_url=f"{reverse('decisions:decisioncase_list')}"
                                        f"?activity={activity.pk}",
                  context={"table": tables.DecisionCaseTable(
                      rows[:selectors.PANEL_ROWS], orderable=False, exclude=("activity",)),
                      "add_url": add_url,
                      "core_warning": core_competency_warning(activity)})]
