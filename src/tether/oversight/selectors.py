"""Reads of the oversight app, and what "open" and "overdue" mean, stated once.

- A finding is open unless it is closed; it is overdue when open and its due date has passed.
- A corrective action is pending while open or in progress; overdue when pending and its due
  date has passed (an action without a due date is never overdue).
- An incident is active while open or contained.
Every function takes the user and reads through `restrict`, except those named `*_of_provider`
for the portal, which the caller has scoped to the viewer's provider.
"""

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tether.oversight.choices import (
    ACTIVE_INCIDENT_STATUSES,
    PENDING_ACTION_STATUSES,
    AuditStatus,
    FindingStatus,
)
from tether.oversight.models import Audit, CorrectiveAction, Finding, Incident, IncidentEvent

PANEL_ROWS = 10


def open_findings_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status": FindingStatus.CLOSED})


def overdue_actions_q(today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(status__in=PENDING_ACTION_STATUSES, due_date__lt=today)


def overdue_findings_q(today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return open_findings_q() & Q(due_date__lt=today)


def audit_list(*, user) -> QuerySet:
    return Audit.objects.restrict(user).select_related("provider", "lead", "report").annotate(
        finding_count=Count("findings")).order_by("-planned_on", "-id")


def finding_list(*, user) -> QuerySet:
    return Finding.objects.restrict(user).select_related(
        "provider", "arrangement", "audit", "incident", "owner")


def action_list(*, user) -> QuerySet:
    return CorrectiveAction.objects.restrict(user).select_related(
        "provider", "finding", "incident", "owner")


def incident_list(*, user) -> QuerySet:
    return Incident.objects.restrict(user).select_related("provider", "arrangement")


def overdue_actions(*, user, today: date | None = None) -> QuerySet:
    """Pending corrective actions past their due date, the longest overdue first."""
    return action_list(user=user).filter(overdue_actions_q(today)).order_by("due_date", "pk")


def active_incidents(*, user) -> QuerySet:
    return incident_list(user=user).filter(status__in=ACTIVE_INCIDENT_STATUSES)


def audit_findings(*, user, audit: Audit) -> list:
    return list(finding_list(user=user).filter(audit=audit).order_by("-raised_on", "pk"))


def origin_actions(*, user, finding: Finding | None = None,
                   incident: Incident | None = None) -> list:
    actions = action_list(user=user).prefetch_related("evidence")
    actions = actions.filter(finding=finding) if finding is not None else actions.filter(
        incident=incident)
    return list(actions.order_by("due_date", "pk"))


def incident_timeline(*, user, incident: Incident) -> list:
    return list(IncidentEvent.objects.restrict(user).filter(incident=incident)
                .select_related("author").order_by("at", "pk"))


def provider_oversight_counts(provider_ids, *, today: date | None = None) -> dict[int, dict]:
    """Per provider: open findings, overdue findings, overdue actions, active incidents.

    Unrestricted (the caller has checked what its user may see); three grouped queries.
    """
    ids = list(dict.fromkeys(provider_ids))
    counts = {pk: {"open_findings": 0, "overdue_findings": 0, "overdue_actions": 0,
                   "active_incidents": 0} for pk in ids}
    if not ids:
        return counts
    today = today or timezone.localdate()
    for row in (Finding.objects.filter(provider__in=ids).filter(open_findings_q())
                .order_by().values("provider")
                .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)))):
        counts[row["provider"]].update(open_findings=row["n"], overdue_findings=row["late"])
    for provider_id, n in (CorrectiveAction.objects.filter(provider__in=ids)
                           .filter(overdue_actions_q(today)).order_by()
                           .values_list("provider").annotate(n=Count("pk"))):
        counts[provider_id]["overdue_actions"] = n
    for provider_id, n in (Incident.objects.filter(provider__in=ids,
                                                   status__in=ACTIVE_INCIDENT_STATUSES)
                           .order_by().values_list("provider").annotate(n=Count("pk"))):
        counts[provider_id]["active_incidents"] = n
    return counts


# --- the portal: the viewer's provider only --------------------------------------------------

def findings_of_provider(provider) -> QuerySet:
    return Finding.objects.filter(provider=provider).select_related("arrangement", "audit")


def actions_of_provider(provider) -> QuerySet:
    return CorrectiveAction.objects.filter(provider=provider).select_related(
        "finding", "incident")


def incidents_of_provider(provider) -> QuerySet:
    return Incident.objects.filter(provider=provider).select_related("arrangement")


def audits_of_provider(provider) -> QuerySet:
    """Completed audits only: plans and audits under way are not shared with the provider."""
    return Audit.objects.filter(provider=provider, status=AuditStatus.COMPLETED).annotate(
        finding_count=Count("findings")).order_by("-completed_on", "-id")
