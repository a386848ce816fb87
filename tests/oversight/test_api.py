"""The oversight API: CRUD through the services by role, strict input, the contacts' own
findings endpoint and their isolation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import ArrangementFactory, ProviderFactory, make_document
from tests.oversight.factories import (
    CorrectiveActionFactory,
    FindingFactory,
    IncidentFactory,
    oversight_objects,
)
from tether.core.models import AuditEntry
from tether.core.roles import INTERNAL_ROLES, Role
from tether.oversight.models import Finding, Incident, IncidentEvent

pytestmark = pytest.mark.django_db
ENDPOINTS = ("audits", "findings", "actions", "incidents", "incident-events")
WRITERS = {Role.ADMIN, Role.VENDOR_MANAGER, Role.RISK_OFFICER, Role.SECURITY_OFFICER}


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def officer(users):
    return api_for(users[Role.SECURITY_OFFICER])


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_every_internal_role_reads_and_only_writers_create(role, users, provider_b):
    oversight_objects(provider_b)
    client = api_for(users[role])
    for endpoint in ENDPOINTS:
        response = client.get(f"/api/oversight/{endpoint}/")
        assert response.status_code == 200 and response.json()["count"] == 1, endpoint
    response = client.post("/api/oversight/incidents/", {
        "provider": provider_b.pk, "kind": "outage", "severity": "low", "title": "Blip"},
        format="json")
    assert response.status_code == (201 if role in WRITERS else 403)


def test_contacts_are_refused_by_the_internal_endpoints(users, provider_a):
    oversight_objects(provider_a)
    client = api_for(users["contact_a"])
    for endpoint in ENDPOINTS:
        assert client.get(f"/api/oversight/{endpoint}/").status_code == 403


def test_incident_created_and_updated_through_the_service_audited(officer, users):
    provider = ProviderFactory()
    arrangement = ArrangementFactory(provider=provider)
    response = officer.post("/api/oversight/incidents/", {
        "provider": provider.pk, "arrangement": arrangement.pk, "kind": "data_breach",
        "severity": "critical", "title": "Leak", "customers_affected": 120,
        "financial_impact": "25000.00", "is_major": True}, format="json")
    assert response.status_code == 201, response.json()
    incident = Incident.objects.get()
    assert AuditEntry.objects.get(object_id=str(incident.pk), action="create",
                                  content_type__model="incident").source == "api"
    response = officer.patch(f"/api/oversight/incidents/{incident.pk}/",
                             {"status": "resolved"}, format="json")
    assert response.status_code == 400 and "resolved_at" in response.json()
    started = timezone.now() - timedelta(hours=2)
    response = officer.patch(f"/api/oversight/incidents/{incident.pk}/", {
        "status": "resolved", "started_at": started.isoformat(),
        "detected_at": started.isoformat(),
        "resolved_at": (started - timedelta(hours=1)).isoformat()}, format="json")
    assert response.status_code == 400  # resolved before it started
    incident.refresh_from_db()
    assert incident.status == "open"


def test_action_needs_exactly_one_origin_and_closing_rules_hold(officer):
    finding = FindingFactory()
    incident = IncidentFactory(provider=finding.provider)
    both = officer.post("/api/oversight/actions/", {
        "finding": finding.pk, "incident": incident.pk, "description": "x"}, format="json")
    neither = officer.post("/api/oversight/actions/", {"description": "x"}, format="json")
    assert both.status_code == neither.status_code == 400
    created = officer.post("/api/oversight/actions/", {
        "finding": finding.pk, "description": "Patch servers",
        "due_date": str(timezone.localdate() - timedelta(days=1))}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["provider"] == finding.provider_id and body["is_overdue"] is True
    response = officer.patch(f"/api/oversight/findings/{finding.pk}/", {"status": "closed"},
                             format="json")
    assert response.status_code == 400 and "status" in response.json()
    officer.patch(f"/api/oversight/actions/{body['id']}/", {"status": "done"}, format="json")
    response = officer.patch(f"/api/oversight/findings/{finding.pk}/", {"status": "closed"},
                             format="json")
    assert response.status_code == 200 and response.json()["closed_on"] == str(
        timezone.localdate())
    moved = officer.patch(f"/api/oversight/actions/{body['id']}/",
                          {"incident": incident.pk}, format="json")
    assert moved.status_code == 400


def test_evidence_of_another_provider_is_refused(officer, users):
    action = CorrectiveActionFactory()
    foreign = make_document(actor=users[Role.ADMIN], attached_to=ProviderFactory())
    own = make_document(actor=users[Role.ADMIN], attached_to=action.provider)
    bad = officer.patch(f"/api/oversight/actions/{action.pk}/", {"evidence": [foreign.pk]},
                        format="json")
    assert bad.status_code == 400 and "evidence" in bad.json()
    good = officer.patch(f"/api/oversight/actions/{action.pk}/", {"evidence": [own.pk]},
                         format="json")
    assert good.status_code == 200 and good.json()["evidence"] == [own.pk]


@pytest.mark.parametrize("body", [
    {"title": 5, "severity": "low"},
    {"title": "x", "severity": "catastrophic"},
    {"title": "x" * 300, "severity": "low"},
    {"title": "x", "severity": "low", "due_date": "20250101"},
    {"title": "x", "severity": "low", "provider": 1.5},
    {"title": "x", "severity": "low", "provider": 2**70},
    {"title": "x", "severity": "low", "raised_on": "2026-01-10", "due_date": "2026-01-01"},
])
def test_hostile_finding_input_is_refused_and_nothing_stored(body, officer):
    provider = ProviderFactory()
    response = officer.post("/api/oversight/findings/", {"provider": provider.pk, **body},
                            format="json")
    assert response.status_code == 400
    assert not Finding.objects.exists()


def test_filters_refuse_values_they_do_not_understand(officer):
    FindingFactory()
    assert officer.get("/api/oversight/findings/?overdue=maybe").status_code == 400
    assert officer.get("/api/oversight/findings/?severity=huge").status_code == 400
    assert officer.get("/api/oversight/actions/?overdue=false").json()["count"] == 0


def test_actions_filter_by_the_contract_of_their_finding_or_incident(officer):
    arrangement = ArrangementFactory()
    by_finding = CorrectiveActionFactory(finding=FindingFactory(
        provider=arrangement.provider, arrangement=arrangement))
    by_incident = CorrectiveActionFactory(finding=None, incident=IncidentFactory(
        provider=arrangement.provider, arrangement=arrangement))
    CorrectiveActionFactory()
    rows = officer.get(f"/api/oversight/actions/?arrangement={arrangement.pk}").json()
    assert {row["id"] for row in rows["results"]} == {by_finding.pk, by_incident.pk}


def test_timeline_entry_is_signed_by_its_author(officer, users):
    incident = IncidentFactory()
    response = officer.post("/api/oversight/incident-events/", {
        "incident": incident.pk, "at": timezone.now().isoformat(),
        "description": "Provider confirms root cause", "author": users[Role.ADMIN].pk},
        format="json")
    assert response.status_code == 201, response.json()
    assert IncidentEvent.objects.get().author == users[Role.SECURITY_OFFICER]


# --- the contacts' findings ------------------------------------------------------------------

def test_contact_lists_reads_and_answers_own_findings_only(users, provider_a, provider_b):
    own = FindingFactory(provider=provider_a, title="Own finding")
    foreign = FindingFactory(provider=provider_b, title="Foreign finding")
    client = api_for(users["contact_a"])
    listed = client.get("/api/oversight/portal/findings/").json()
    assert [row["id"] for row in listed["results"]] == [own.pk]
    assert "owner" not in listed["results"][0]
    assert client.get(f"/api/oversight/portal/findings/{foreign.pk}/").status_code == 404
    refused = client.post(f"/api/oversight/portal/findings/{foreign.pk}/respond/",
                          {"provider_response": "Hijack"}, format="json")
    assert refused.status_code == 404
    answered = client.post(f"/api/oversight/portal/findings/{own.pk}/respond/",
                           {"provider_response": "Access reviews now monthly."},
                           format="json")
    assert answered.status_code == 200, answered.json()
    assert answered.json()["provider_response"] == "Access reviews now monthly."
    foreign.refresh_from_db()
    assert foreign.provider_response == ""


def test_contact_answer_must_be_text(users, provider_a):
    finding = FindingFactory(provider=provider_a)
    client = api_for(users["contact_a"])
    for body in ({"provider_response": 42}, {"provider_response": "   "}, {}):
        response = client.post(f"/api/oversight/portal/findings/{finding.pk}/respond/", body,
                               format="json")
        assert response.status_code == 400, body
    finding.refresh_from_db()
    assert finding.responded_at is None


def test_internal_users_do_not_use_the_contacts_endpoint(users, provider_a):
    FindingFactory(provider=provider_a)
    for role in INTERNAL_ROLES:
        assert api_for(users[role]).get("/api/oversight/portal/findings/").status_code == 403


def test_schema_names_every_oversight_operation(officer):
    schema = officer.get("/api/schema/?format=json").json()
    paths = [p for p in schema["paths"] if p.startswith("/api/oversight/")]
    assert "/api/oversight/portal/findings/{id}/respond/" in paths
    assert {"/api/oversight/audits/", "/api/oversight/actions/{id}/",
            "/api/oversight/incident-events/"} <= set(paths)
