"""The continuity app's cards on the register's pages: an arrangement's exit plan, an activity's
in-house capabilities, a service's alternatives. Registered here; the register knows nothing
of them. Each card costs one or two queries."""


from django.urls import reverse

from tether.continuity import selectors, tables
from tether.continuity.models import ExitPlan, InHouseCapability, ServiceAlternative
from tether.core.views.generic import Panel, add_link, contribute_panels
from tether.registry.choices import Sourcing

ROWS = selectors.PANEL_ROWS



@contribute_panels("registry.arrangement", order=30)
def arrangement_panels(request, arrangement) -> list[Panel]:
    user = request.user
    if not user.can("view", ExitPlan):
        return []
    plan = selectors.exit_plan_list(user=user).filter(arrangement=arrangement).first()
    if plan is not None:
        return [Panel("Exit plan", template="continuity/panels/exit_plan.html", context={
            "plan": plan, "badge": tables.readiness_badge(plan.readiness)})]
    if not (arrangement.is_critical and arrangement.status in selectors.LIVE_STATUSES):
        return []
    return [Panel("Exit plan", template="continuity/panels/exit_plan.html", context={
        "plan": None, "badge": tables.readiness_badge(selectors.MISSING),
        "add_url": add_link(request, ExitPlan, "continuity:exitplan_add",
                            arrangement=arrangement.pk)})]


@contribute_panels("registry.activity", order=30)
def activity_panels(request, activity) -> list[Panel]:
    user = request.user
    if not user.can("view", InHouseCapability):
        return []
    capabilities = list(selectors.activity_capabilities(user=user, activity=activity)[:ROWS + 1])
    outsourced = activity.sourcing != Sourcing.IN_HOUSE
    if not capabilities and not outsourced:
        return []
    total = (len(capabilities) if len(capabilities) <= ROWS
             else selectors.activity_capabilities(user=user, activity=activity).count())
    flag = ("No in-house capability recorded: could the company take this work back?"
            if outsourced and not capabilities else "")
    return [Panel("In-house capability", template="continuity/panels/table.html", total=total,
                  more_url=f"{reverse('continuity:inhousecapability_list')}?activity="
                           f"{activity.pk}",
                  context={
                      "table": tables.InHouseCapabilityTable(
                          capabilities[:ROWS], orderable=False, exclude=("activity",)),
                      "flag": flag, "add_label": "Record a capability",
                      "add_url": add_link(request, InHouseCapability,
                                          "continuity:inhousecapability_add",
                                          activity=activity.pk)})]


@contribute_panels("registry.service", order=30)
def service_panels(request, service) -> list[Panel]:
    user = request.user
    if not user.can("view", ServiceAlternative):
        return []
    alternatives = list(selectors.service_alternatives(user=user, service=service)[:ROWS + 1])
    total = (len(alternatives) if len(alternatives) <= ROWS
             else selectors.service_alternatives(user=user, service=service).count())
    return [Panel("Alternatives", template="continuity/panels/table.html", total=total,
                  more_url=f"{reverse('continuity:servicealternative_list')}?service="
                           f"{service.pk}",
                  context={
                      "table": tables.ServiceAlternativeTable(
                          alternatives[:ROWS], orderable=False, exclude=("service",)),
                      "flag": "" if alternatives else "No alternative recorded: the service "
                                                      "cannot be switched quickly.",
                      "add_label": "Record an alternative",
                      "add_url": add_link(request, ServiceAlternative,
                                          "continuity:servicealternative_add",
                                          service=service.pk)})]
