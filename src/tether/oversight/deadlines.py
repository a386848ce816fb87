"""Where the oversight app's deadlines come from: corrective actions and findings falling due.
Registered from `OversightConfig.ready()` with `core.deadlines.deadline_source`."""

from django.urls import reverse

from tether.core.deadlines import Deadline, deadline_source
from tether.oversight.choices import PENDING_ACTION_STATUSES, Severity
from tether.oversight.models import CorrectiveAction, Finding
from tether.oversight.selectors import open_findings_q

CRITICAL_SEVERITIES = (Severity.HIGH, Severity.CRITICAL)


def _rows(model, user):
    return model.objects.all() if user is None else model.objects.restrict(user)


def corrective_actions_due(*, user, start, end):
    """Corrective actions still to do whose due date falls between start and end."""
    actions = _rows(CorrectiveAction, user).filter(
        status__in=PENDING_ACTION_STATUSES, due_date__gte=start, due_date__lte=end,
    ).select_related("provider", "finding").order_by("due_date", "pk")
    for action in actions.iterator(chunk_size=2000):
        yield Deadline(
            day=action.due_date, kind="action_due", label="Corrective action due",
            title=f"{action.provider.name} · {action}",
            url=reverse("oversight:correctiveaction_detail", args=[action.pk]),
            key=f"action_due:correctiveaction:{action.pk}", provider_id=action.provider_id,
            owner_id=action.owner_id,
            critical=bool(action.finding_id and action.finding.severity in CRITICAL_SEVERITIES))


def findings_due(*, user, start, end):
    """Open findings whose due date falls between start and end."""
    findings = _rows(Finding, user).filter(open_findings_q()).filter(
        due_date__gte=start, due_date__lte=end,
    ).select_related("provider").order_by("due_date", "pk")
    for finding in findings.iterator(chunk_size=2000):
        yield Deadline(
            day=finding.due_date, kind="finding_due", label="Finding due",
            title=f"{finding.provider.name} · {finding.title}",
            url=reverse("oversight:finding_detail", args=[finding.pk]),
            key=f"finding_due:finding:{finding.pk}", provider_id=finding.provider_id,
            owner_id=finding.owner_id, critical=finding.severity in CRITICAL_SEVERITIES)


def register() -> None:
    deadline_source("action_due", "Corrective action due",
                    model=CorrectiveAction)(corrective_actions_due)
    deadline_source("finding_due", "Finding due", model=Finding)(findings_due)
