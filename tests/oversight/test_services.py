"""The oversight services and rules: constraints, closing, overdue, signals, the demo."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import ArrangementFactory, ProviderFactory
from tests.oversight.factories import (
    AuditFactory,
    CorrectiveActionFactory,
    FindingFactory,
    IncidentFactory,
)
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.core.signals import provider_evidence_changed
from tether.oversight import selectors, services
from tether.oversight.demo import oversight_demo_load
from tether.oversight.models import Audit, CorrectiveAction, Finding, Incident, IncidentEvent

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def entries(obj) -> list[tuple[str, str]]:
    return list(AuditEntry.objects.filter(object_id=str(obj.pk),
                                          content_type__model=obj._meta.model_name)
                .order_by("pk").values_list("action", "source"))


@pytest.fixture
def officer(users):
    return users[Role.RISK_OFFICER]


@pytest.fixture
def received():
    """The provider ids announced through provider_evidence_changed."""
    calls = []

    def listener(sender, provider_ids, reason, **kwargs):
        calls.append((tuple(provider_ids), reason))

    provider_evidence_changed.connect(listener)
    yield calls
    provider_evidence_changed.disconnect(listener)


# --- constraints ---------------------------------------------------------------------------

def test_action_with_both_or_neither_origin_is_refused_by_the_database():
    finding = FindingFactory()
    incident = IncidentFactory(provider=finding.provider)
    for origin in ({"finding": finding, "incident": incident},
                   {"finding": None, "incident": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CorrectiveAction.objects.create(provider=finding.provider, description="x",
                                            **origin)


def test_dates_out_of_order_are_refused_by_the_database():
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(started_at=now, detected_at=now, resolved_at=now - timedelta(hours=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditFactory(started_on=TODAY(), completed_on=TODAY() - timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(financial_impact=-1)


def test_finding_of_another_providers_arrangement_or_audit_is_invalid():
    finding = FindingFactory.build(provider=ProviderFactory(),
                                   arrangement=ArrangementFactory(),
                                   audit=AuditFactory())
    with pytest.raises(ValidationError) as error:
        finding.full_clean()
    assert set(error.value.message_dict) >= {"arrangement", "audit"}


# --- closing and overdue -------------------------------------------------------------------

def test_finding_closes_only_when_its_actions_are_done_or_cancelled(
        officer, received, django_capture_on_commit_callbacks):
    finding = FindingFactory()
    first = CorrectiveActionFactory(finding=finding)
    second = CorrectiveActionFactory(finding=finding)
    with pytest.raises(ValidationError, match="2 corrective action"):
        services.finding_close(finding, actor=officer)
    services.action_update(first, actor=officer, data={"status": "done"})
    services.action_update(second, actor=officer, data={"status": "cancelled"})
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_close(finding, actor=officer, note="Verified on site.")
    finding.refresh_from_db()
    first.refresh_from_db()
    assert (finding.status, finding.closed_on, finding.closure_note) == (
        "closed", TODAY(), "Verified on site.")
    assert first.completed_on == TODAY()
    assert received == [((finding.provider_id,), "finding")]
    assert entries(finding)[-1] == ("update", "web")


def test_closing_through_an_update_obeys_the_same_rule_and_reopening_clears_the_date(officer):
    finding = FindingFactory()
    CorrectiveActionFactory(finding=finding)
    with pytest.raises(ValidationError):
        services.finding_update(finding, actor=officer, data={"status": "closed"})
    finding.refresh_from_db()
    assert finding.status == "open"
    finding.actions.update(status="done")
    services.finding_update(finding, actor=officer, data={"status": "closed"})
    assert finding.closed_on == TODAY()
    services.finding_update(finding, actor=officer, data={"status": "in_progress"})
    finding.refresh_from_db()
    assert finding.closed_on is None


def test_a_closed_finding_takes_no_new_action(officer):
    finding = FindingFactory(status="closed", closed_on=TODAY())
    with pytest.raises(ValidationError, match="closed"):
        services.action_create(actor=officer, data={"finding": finding, "description": "x"})


def test_action_takes_its_provider_from_its_origin_and_stamps_completion(officer):
    incident = IncidentFactory()
    action = services.action_create(actor=officer, data={
        "incident": incident, "description": "Fail over quarterly"})
    assert action.provider_id == incident.provider_id
    services.action_update(action, actor=officer, data={"status": "done"})
    assert action.completed_on == TODAY()
    services.action_update(action, actor=officer, data={"status": "in_progress"})
    assert action.completed_on is None
    assert [a for a, _s in entries(action)] == ["create", "update", "update"]


def test_overdue_means_pending_and_past_due():
    yesterday, tomorrow = TODAY() - timedelta(days=1), TODAY() + timedelta(days=1)
    late = CorrectiveActionFactory(due_date=yesterday)
    late_in_progress = CorrectiveActionFactory(due_date=yesterday, status="in_progress")
    CorrectiveActionFactory(due_date=yesterday, status="done")
    CorrectiveActionFactory(due_date=yesterday, status="cancelled")
    CorrectiveActionFactory(due_date=TODAY())
    CorrectiveActionFactory(due_date=tomorrow)
    CorrectiveActionFactory(due_date=None)
    overdue = set(CorrectiveAction.objects.filter(selectors.overdue_actions_q()))
    assert overdue == {late, late_in_progress}
    assert late.is_overdue and not CorrectiveActionFactory(due_date=None).is_overdue
    late_finding = FindingFactory(due_date=yesterday, raised_on=yesterday)
    FindingFactory(due_date=yesterday, raised_on=yesterday, status="closed",
                   closed_on=TODAY())
    assert list(Finding.objects.filter(selectors.overdue_findings_q())) == [late_finding]


def test_provider_counts_for_other_apps(officer):
    finding = FindingFactory(due_date=TODAY() - timedelta(days=1),
                             raised_on=TODAY() - timedelta(days=9))
    provider = finding.provider
    FindingFactory(provider=provider)
    FindingFactory(provider=provider, status="closed", closed_on=TODAY())
    CorrectiveActionFactory(finding=finding, due_date=TODAY() - timedelta(days=2))
    IncidentFactory(provider=provider)
    IncidentFactory(provider=provider, status="resolved", resolved_at=timezone.now())
    other = ProviderFactory()
    counts = selectors.provider_oversight_counts([provider.pk, other.pk])
    assert counts[provider.pk] == {"open_findings": 2, "overdue_findings": 1,
                                   "overdue_actions": 1, "active_incidents": 1}
    assert counts[other.pk] == {"open_findings": 0, "overdue_findings": 0,
                                "overdue_actions": 0, "active_incidents": 0}


# --- signals -------------------------------------------------------------------------------

def test_finding_and_incident_writes_announce_the_provider_after_commit(
        officer, received, django_capture_on_commit_callbacks):
    provider, moved_to = ProviderFactory(), ProviderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        finding = services.finding_create(actor=officer, data={
            "provider": provider, "title": "Weak passwords", "severity": "medium"})
    assert received == [((provider.pk,), "finding")]
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_update(finding, actor=officer, data={"provider": moved_to})
    assert received[-1] == (tuple(sorted((provider.pk, moved_to.pk))), "finding")
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.incident_create(actor=officer, data={
            "provider": provider, "kind": "outage", "severity": "high", "title": "Down"})
        services.incident_update(incident, actor=officer, data={"status": "contained"})
    assert received[-2:] == [((provider.pk,), "incident"), ((provider.pk,), "incident")]
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_delete(incident, actor=officer)
        services.finding_delete(finding, actor=officer)
    assert received[-2:] == [((provider.pk,), "incident"), ((moved_to.pk,), "finding")]


def test_nothing_is_announced_when_the_write_fails(officer, received,
                                                   django_capture_on_commit_callbacks):
    finding = FindingFactory()
    CorrectiveActionFactory(finding=finding)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.finding_close(finding, actor=officer)
    assert received == []


# --- deletion ------------------------------------------------------------------------------

def test_deleting_a_finding_removes_its_actions_each_audited(officer):
    action = CorrectiveActionFactory()
    finding = action.finding
    services.finding_delete(finding, actor=officer)
    assert not Finding.objects.exists() and not CorrectiveAction.objects.exists()
    assert entries(action)[-1] == ("delete", "web")


def test_audit_and_incident_cited_by_findings_are_kept(officer):
    audit = AuditFactory()
    incident = IncidentFactory(provider=audit.provider)
    FindingFactory(provider=audit.provider, audit=audit, incident=incident)
    with pytest.raises(ValidationError, match="findings"):
        services.audit_delete(audit, actor=officer)
    with pytest.raises(ValidationError, match="Findings cite"):
        services.incident_delete(incident, actor=officer)
    assert Audit.objects.exists() and Incident.objects.exists()


def test_completed_audit_gets_its_completion_day(officer):
    audit = services.audit_create(actor=officer, data={
        "kind": "internal", "title": "Audit", "provider": ProviderFactory(), "scope": "All",
        "status": "completed", "conclusion": "satisfactory"})
    assert audit.completed_on == TODAY()


# --- the provider's side -------------------------------------------------------------------

def test_only_the_providers_own_contact_answers_an_open_finding(users, provider_a,
                                                                provider_b):
    finding = FindingFactory(provider=provider_a)
    for intruder in (users["contact_b"], users[Role.ADMIN]):
        with pytest.raises(PermissionDenied):
            services.finding_respond(finding, actor=intruder, response="Fixed")
    with pytest.raises(ValidationError):
        services.finding_respond(finding, actor=users["contact_a"], response="   ")
    services.finding_respond(finding, actor=users["contact_a"], response="  Fixed it.  ")
    finding.refresh_from_db()
    assert finding.provider_response == "Fixed it." and finding.responded_at is not None
    assert entries(finding)[-1] == ("update", "portal")
    finding.status = "closed"
    with pytest.raises(ValidationError, match="closed"):
        services.finding_respond(finding, actor=users["contact_a"], response="More")


def test_contact_adds_timeline_updates_to_own_incidents_only(users, provider_a, provider_b):
    own, foreign = IncidentFactory(provider=provider_a), IncidentFactory(provider=provider_b)
    event = services.incident_event_create(actor=users["contact_a"], source="portal", data={
        "incident": own, "description": "Root cause found", "at": timezone.now()})
    assert event.author == users["contact_a"]
    with pytest.raises(PermissionDenied):
        services.incident_event_create(actor=users["contact_a"], data={
            "incident": foreign, "description": "x", "at": timezone.now()})
    assert IncidentEvent.objects.count() == 1


# --- demo ----------------------------------------------------------------------------------

def test_demo_tells_its_story_once(users):
    for number in range(3):
        ArrangementFactory(is_critical=True, criticality_reason="Payments",
                           provider=ProviderFactory(name=f"Demo provider {number}"))
    counts = oversight_demo_load()
    assert counts["audits"] == 4 and counts["incidents"] == 5
    assert counts["findings"] >= 5 and counts["corrective actions"] >= 8
    assert CorrectiveAction.objects.filter(selectors.overdue_actions_q()).exists()
    assert Finding.objects.filter(status="closed").exists()
    assert Incident.objects.filter(kind="data_breach").exists()
    outage = Incident.objects.get(kind="outage")
    assert outage.events.count() >= 3
    assert set(AuditEntry.objects.filter(content_type__model="finding")
               .values_list("source", flat=True)) == {"demo"}
    assert oversight_demo_load() == {}
    assert Audit.objects.count() == 4
