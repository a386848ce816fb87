"""Writes of the oversight app: each one transaction with its audit record.

Rules stated here:
- a finding closes only when every corrective action of it is done or cancelled; closing
  stamps `closed_on`, reopening clears it; a closed finding takes no new action;
- an action marked done stamps `completed_on`; its provider is its finding's or incident's;
- every create, change or removal of a finding or an incident moves its provider's risk, so
  it announces `provider_evidence_changed` after commit (the risk app rescores).
Provider contacts answer their own provider's findings, attach evidence to their actions and
add updates to their incidents' timelines; nothing else.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tether.core.services import (
    DeletionRefused,
    ModelServices,
    object_create,
    object_delete,
    object_update,
)
from tether.core.signals import announce_provider_evidence
from tether.documents import storage
from tether.documents.services import document_upload
from tether.oversight.choices import (
    PENDING_ACTION_STATUSES,
    ActionStatus,
    AuditStatus,
    FindingStatus,
)
from tether.oversight.models import Audit, CorrectiveAction, Finding, Incident, IncidentEvent

MAX_RESPONSE_LENGTH = 20_000


def _announce(provider_ids, reason: str) -> None:
    announce_provider_evidence(provider_ids, reason)


def _own_provider_only(actor, provider_id: int, what: str) -> None:
    if actor is None or actor.is_internal or actor.provider_id != provider_id:
        raise PermissionDenied(f"Only the provider's own contacts {what}.")


# --- audits --------------------------------------------------------------------------------

def _audit_data(audit: Audit, data: dict) -> dict:
    """A completed audit without a completion day is completed today (or when it started)."""
    data = dict(data)
    status = data.get("status", audit.status)
    if status == AuditStatus.COMPLETED and not data.get("completed_on", audit.completed_on):
        started = data.get("started_on", audit.started_on)
        data["completed_on"] = max(filter(None, (timezone.localdate(), started)))
    return data


@transaction.atomic
def audit_create(*, actor, data: dict, source: str = "web") -> Audit:
    """Plan or record an audit of a provider."""
    return object_create(Audit, actor=actor, data=_audit_data(Audit(), data), source=source)


@transaction.atomic
def audit_update(audit: Audit, *, actor, data: dict, source: str = "web") -> Audit:
    """Change an audit (its dates, status, conclusion)."""
    return object_update(audit, actor=actor, data=_audit_data(audit, data), source=source)


@transaction.atomic
def audit_delete(audit: Audit, *, actor, source: str = "web") -> None:
    """Remove an audit; one with findings is kept (remove or move its findings first)."""
    if audit.findings.exists():
        raise DeletionRefused(f"“{audit}” has findings: remove them first, or keep the audit.")
    object_delete(audit, actor=actor, source=source)


AUDIT = ModelServices(audit_create, audit_update, audit_delete)


# --- findings ------------------------------------------------------------------------------

def pending_actions(finding: Finding):
    return finding.actions.filter(status__in=PENDING_ACTION_STATUSES)


def _check_closable(finding: Finding) -> None:
    pending = pending_actions(finding).count() if finding.pk else 0
    if pending:
        raise ValidationError({"status": (
            f"The finding still has {pending} corrective action(s) open: mark them done or "
            "cancelled before closing it.")})


def _finding_status_data(finding: Finding, data: dict) -> dict:
    """Stamp or clear `closed_on` as the status closes or reopens the finding."""
    data = dict(data)
    status = data.get("status", finding.status)
    if status == FindingStatus.CLOSED:
        _check_closable(finding)
        if finding.closed_on is None or finding.status != FindingStatus.CLOSED:
            data["closed_on"] = max(timezone.localdate(),
                                    data.get("raised_on") or finding.raised_on)
    elif finding.closed_on is not None or finding.pk is None:
        data["closed_on"] = None
    return data


@transaction.atomic
def finding_create(*, actor, data: dict, source: str = "web") -> Finding:
    """Record a finding against a provider (from an audit, an incident or a review)."""
    finding = object_create(Finding, actor=actor, data=_finding_status_data(Finding(), data),
                            source=source)
    _announce([finding.provider_id], "finding")
    return finding


@transaction.atomic
def finding_update(finding: Finding, *, actor, data: dict, source: str = "web") -> Finding:
    """Change a finding; closing it needs every action done or cancelled."""
    before_provider = finding.provider_id
    finding = object_update(finding, actor=actor, data=_finding_status_data(finding, data),
                            source=source)
    _announce([before_provider, finding.provider_id], "finding")
    return finding


@transaction.atomic
def finding_close(finding: Finding, *, actor, note: str = "", source: str = "web") -> Finding:
    """Close a finding whose actions are all done or cancelled, with a closing note."""
    if finding.status == FindingStatus.CLOSED:
        raise ValidationError("The finding is already closed.")
    data = {"status": FindingStatus.CLOSED}
    if note.strip():
        data["closure_note"] = note.strip()
    return finding_update(finding, actor=actor, data=data, source=source)


@transaction.atomic
def finding_delete(finding: Finding, *, actor, source: str = "web") -> None:
    """Remove a finding with its corrective actions, each kept in the audit trail."""
    provider_id = finding.provider_id
    for action in finding.actions.all():
        object_delete(action, actor=actor, source=source)
    object_delete(finding, actor=actor, source=source)
    _announce([provider_id], "finding")


FINDING = ModelServices(finding_create, finding_update, finding_delete)


@transaction.atomic
def finding_respond(finding: Finding, *, actor, response: str, source: str = "portal") -> Finding:
    """The provider's answer to a finding, by one of its own contacts, while it is open."""
    _own_provider_only(actor, finding.provider_id, "answer its findings")
    if finding.status == FindingStatus.CLOSED:
        raise ValidationError("This finding is closed: it takes no more answers.")
    text = (response or "").strip()
    if not text:
        raise ValidationError({"provider_response": "Write your answer to the finding."})
    if len(text) > MAX_RESPONSE_LENGTH:
        raise ValidationError({"provider_response": (
            f"The answer is {len(text):,} characters long; the limit is "
            f"{MAX_RESPONSE_LENGTH:,}.")})
    finding = object_update(finding, actor=actor, source=source, data={
        "provider_response": text, "responded_at": timezone.now()})
    _announce([finding.provider_id], "finding response")
    return finding


# --- corrective actions --------------------------------------------------------------------

def _action_data(action: CorrectiveAction, data: dict) -> dict:
    data = dict(data)
    finding = data.get("finding", action.finding if action.finding_id else None)
    incident = data.get("incident", action.incident if action.incident_id else None)
    if (finding is None) == (incident is None):
        raise ValidationError("A corrective action answers either one finding or one incident.")
    origin = finding or incident
    if finding is not None and finding.status == FindingStatus.CLOSED and (
            action.pk is None or data.get("status") in PENDING_ACTION_STATUSES):
        raise ValidationError({"finding": f"“{finding}” is closed: reopen it before adding or "
                                          "reopening actions."})
    data["provider"] = origin.provider
    status = data.get("status", action.status)
    if status == ActionStatus.DONE:
        if action.completed_on is None or action.status != ActionStatus.DONE:
            data["completed_on"] = timezone.localdate()
    elif action.completed_on is not None:
        data["completed_on"] = None
    return data


@transaction.atomic
def action_create(*, actor, data: dict, source: str = "web") -> CorrectiveAction:
    """Add a corrective action to a finding or an incident."""
    return object_create(CorrectiveAction, actor=actor,
                         data=_action_data(CorrectiveAction(), data), source=source)


@transaction.atomic
def action_update(action: CorrectiveAction, *, actor, data: dict,
                  source: str = "web") -> CorrectiveAction:
    """Change a corrective action; marking it done stamps the day."""
    return object_update(action, actor=actor, data=_action_data(action, data), source=source)


@transaction.atomic
def action_delete(action: CorrectiveAction, *, actor, source: str = "web") -> None:
    """Remove a corrective action."""
    object_delete(action, actor=actor, source=source)


ACTION = ModelServices(action_create, action_update, action_delete)


@transaction.atomic
def action_evidence_add(action: CorrectiveAction, *, actor, document,
                        source: str = "web") -> CorrectiveAction:
    """Name a document as evidence that an action was done (internal users or the provider's
    own contacts, on their own provider's documents)."""
    if actor is not None and not actor.is_internal:
        _own_provider_only(actor, action.provider_id, "add evidence to its actions")
    if document.provider_id not in (None, action.provider_id):
        raise ValidationError("The document concerns another provider.")
    evidence = [*action.evidence.values_list("pk", flat=True), document.pk]
    return object_update(action, actor=actor, data={"evidence": evidence}, source=source)


@transaction.atomic
def action_evidence_upload(action: CorrectiveAction, *, actor, upload_name: str, data: bytes,
                           metadata: dict, source: str = "portal") -> CorrectiveAction:
    """Store an uploaded file as evidence of an action: the document and the link, or
    neither."""
    if actor is not None and not actor.is_internal:
        _own_provider_only(actor, action.provider_id, "add evidence to its actions")
    if action.status == ActionStatus.CANCELLED:
        raise ValidationError("This action was cancelled: it needs no evidence.")
    document = document_upload(actor=actor, attached_to=action, upload_name=upload_name,
                               data=data, metadata=metadata, source=source)
    try:
        return action_evidence_add(action, actor=actor, document=document, source=source)
    except BaseException:
        # The transaction is rolled back, document row included: its file goes too.
        storage.delete_blob(document.blob_name)
        raise


# --- incidents -----------------------------------------------------------------------------

@transaction.atomic
def incident_create(*, actor, data: dict, source: str = "web") -> Incident:
    """Record an incident at a provider."""
    incident = object_create(Incident, actor=actor, data=data, source=source)
    _announce([incident.provider_id], "incident")
    return incident


@transaction.atomic
def incident_update(incident: Incident, *, actor, data: dict, source: str = "web") -> Incident:
    """Change an incident (its status, impact, root cause)."""
    before_provider = incident.provider_id
    incident = object_update(incident, actor=actor, data=data, source=source)
    _announce([before_provider, incident.provider_id], "incident")
    return incident


@transaction.atomic
def incident_delete(incident: Incident, *, actor, source: str = "web") -> None:
    """Remove an incident with its timeline and follow-up actions; one that findings cite is
    kept."""
    if incident.findings.exists():
        raise DeletionRefused(f"Findings cite “{incident}”: remove them first, or keep it.")
    provider_id = incident.provider_id
    for event in incident.events.all():
        object_delete(event, actor=actor, source=source)
    for action in incident.actions.all():
        object_delete(action, actor=actor, source=source)
    object_delete(incident, actor=actor, source=source)
    _announce([provider_id], "incident")


INCIDENT = ModelServices(incident_create, incident_update, incident_delete)


def _event_data(data: dict, actor) -> dict:
    data = dict(data)
    description = (data.get("description") or "").strip()
    if not description:
        raise ValidationError({"description": "Say what happened or was done."})
    data["description"] = description
    return data


@transaction.atomic
def incident_event_create(*, actor, data: dict, source: str = "web") -> IncidentEvent:
    """Add an entry to an incident's timeline, signed by its author."""
    incident = data.get("incident")
    if actor is not None and not actor.is_internal and incident is not None:
        _own_provider_only(actor, incident.provider_id, "update its incidents")
    data = {**_event_data(data, actor), "author": actor}
    return object_create(IncidentEvent, actor=actor, data=data, source=source)


@transaction.atomic
def incident_event_update(event: IncidentEvent, *, actor, data: dict,
                          source: str = "web") -> IncidentEvent:
    """Correct a timeline entry."""
    if "description" in data:
        data = _event_data(data, actor)
    return object_update(event, actor=actor, data=data, source=source)


@transaction.atomic
def incident_event_delete(event: IncidentEvent, *, actor, source: str = "web") -> None:
    """Remove a timeline entry."""
    object_delete(event, actor=actor, source=source)


INCIDENT_EVENT = ModelServices(incident_event_create, incident_event_update,
                               incident_event_delete)
