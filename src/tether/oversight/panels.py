"""The oversight app's cards on other pages: a provider's and an arrangement's open findings,
active incidents and overdue actions, and the home dashboard's overdue actions and open
incidents. Registered here; the register knows nothing of them. Each costs a few queries."""

from django.db.models import Count, Q
from django.urls import reverse

from tether.core.views.generic import Panel, contribute_dashboard, contribute_panels
from tether.oversight import selectors, tables
from tether.oversight.choices import ACTIVE_INCIDENT_STATUSES
from tether.oversight.models import CorrectiveAction, Finding, Incident

ROWS = 5


def _summary_panel(request, *, field: str, obj, counts: dict) -> list[Panel]:
    user = request.user
    # The counts say whether there is anything to list: a quiet provider costs no list query.
    findings = list(selectors.finding_list(user=user).filter(**{field: obj})
                    .filter(selectors.open_findings_q()).order_by("due_date", "pk")[:ROWS]
                    ) if counts["open_findings"] else []
    incidents = list(selectors.active_incidents(user=user).filter(**{field: obj})[:ROWS]
                     ) if counts["active_incidents"] else []
    if not (findings or incidents or any(counts.values())):
        return []
    query = f"?{field}={obj.pk}"
    return [Panel("Oversight", template="oversight/panels/summary.html", context={
        "counts": counts,
        "findings_url": f"{reverse('oversight:finding_list')}{query}&is_open=true",
        "actions_url": f"{reverse('oversight:correctiveaction_list')}{query}&overdue=true",
        "incidents_url": f"{reverse('oversight:incident_list')}{query}&active=true",
        "findings": tables.FindingTable(findings, orderable=False,
                                        exclude=("provider", "arrangement", "owner",
                                                 "responded_at")) if findings else None,
        "incidents": tables.IncidentTable(incidents, orderable=False,
                                          exclude=("provider", "customers_affected",
                                                   "resolved_at")) if incidents else None,
    })]


@contribute_panels("registry.provider", order=40)
def provider_panels(request, provider) -> list[Panel]:
    if not request.user.can("view", Finding):
        return []
    counts = selectors.provider_oversight_counts([provider.pk])[provider.pk]
    return _summary_panel(request, field="provider", obj=provider, counts=counts)


@contribute_panels("registry.arrangement", order=40)
def arrangement_panels(request, arrangement) -> list[Panel]:
    user = request.user
    if not user.can("view", Finding):
        return []
    counts = Finding.objects.filter(arrangement=arrangement).aggregate(
        open_findings=Count("pk", filter=selectors.open_findings_q()),
        overdue_findings=Count("pk", filter=selectors.overdue_findings_q()))
    counts |= {
        "overdue_actions": CorrectiveAction.objects.filter(selectors.overdue_actions_q()).filter(
            Q(finding__arrangement=arrangement) | Q(incident__arrangement=arrangement)).count(),
        "active_incidents": Incident.objects.filter(
            arrangement=arrangement, status__in=ACTIVE_INCIDENT_STATUSES).count(),
    }
    return _summary_panel(request, field="arrangement", obj=arrangement, counts=counts)


@contribute_dashboard(order=40)
def dashboard_panels(request) -> list[Panel]:
    user = request.user
    if not user.can("view", CorrectiveAction):
        return []
    overdue = selectors.overdue_actions(user=user)
    incidents = selectors.active_incidents(user=user)
    first = list(overdue[:ROWS])
    incident_counts = incidents.order_by().aggregate(
        n=Count("pk"), major=Count("pk", filter=Q(is_major=True)))
    return [Panel("Oversight", template="oversight/panels/dashboard.html", context={
        "overdue": first,
        "overdue_count": len(first) if len(first) < ROWS else overdue.count(),
        "overdue_url": reverse("oversight:overdue_actions"),
        "incident_count": incident_counts["n"],
        "major_count": incident_counts["major"],
        "incidents_url": f"{reverse('oversight:incident_list')}?active=true",
    })]
