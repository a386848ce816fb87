"""The contracts API: the library (administrators write), clause checks through the services,
and the read-only gaps list."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.contracts.factories import ArrangementClauseFactory, ClauseRequirementFactory
from tests.factories import ArrangementFactory
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.core.models import AuditEntry
from tether.core.roles import INTERNAL_ROLES, Role

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_requirements_are_read_by_all_and_written_by_the_administrator(role, users):
    client = api_for(users[role])
    assert client.get("/api/contracts/requirements/").status_code == 200
    response = client.post("/api/contracts/requirements/", {
        "code": "OWN_ESG", "title": "Code of conduct", "requirement": "Labour standards.",
        "sources": "Policy §4", "applies_to": "critical"}, format="json")
    assert response.status_code == (201 if role == Role.ADMIN else 403)
    if role == Role.ADMIN:
        assert response.json()["is_builtin"] is False
        assert response.json()["source_list"] == ["Policy §4"]


def test_builtin_requirement_can_be_deactivated_not_deleted(users):
    client = api_for(users[Role.ADMIN])
    builtin = ClauseRequirement.objects.get(code="TLPT")
    response = client.patch(f"/api/contracts/requirements/{builtin.pk}/",
                            {"is_active": False}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.delete(f"/api/contracts/requirements/{builtin.pk}/").status_code == 409
    assert client.patch(f"/api/contracts/requirements/{builtin.pk}/", {"code": "X_Y"},
                        format="json").status_code == 400
    assert ClauseRequirement.objects.filter(pk=builtin.pk).exists()
    own = ClauseRequirementFactory()
    assert client.delete(f"/api/contracts/requirements/{own.pk}/").status_code == 204


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_clause_checks_are_written_by_the_contract_roles(role, users):
    arrangement = ArrangementFactory()
    requirement = ClauseRequirement.objects.get(code="TERMINATION")
    response = api_for(users[role]).post("/api/contracts/clause-checks/", {
        "arrangement": arrangement.pk, "requirement": requirement.pk, "status": "present",
        "location": "MSA §20"}, format="json")
    writes = role in (Role.ADMIN, Role.VENDOR_MANAGER, Role.RISK_OFFICER)
    assert response.status_code == (201 if writes else 403)
    if writes:
        body = response.json()
        assert body["checked_by"] == users[role].pk
        assert AuditEntry.objects.get(object_id=str(body["id"]), action="create").source == "api"


@pytest.mark.parametrize("body, field", [
    ({"status": "not_applicable"}, "reason"),
    ({"status": "present", "reason": 5}, "reason"),
    ({"status": "maybe"}, "status"),
    ({"status": "present", "checked_on": "26/11/2026"}, "checked_on"),
    ({"status": "present", "arrangement": 2**70}, "arrangement"),
])
def test_malformed_clause_checks_are_refused_naming_the_field(body, field, users):
    arrangement = ArrangementFactory()
    requirement = ClauseRequirement.objects.get(code="TERMINATION")
    response = api_for(users[Role.VENDOR_MANAGER]).post("/api/contracts/clause-checks/", {
        "arrangement": arrangement.pk, "requirement": requirement.pk, **body}, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not ArrangementClause.objects.exists()


def test_a_second_check_of_the_same_clause_is_refused_and_a_check_cannot_move(users):
    check = ArrangementClauseFactory()
    client = api_for(users[Role.RISK_OFFICER])
    response = client.post("/api/contracts/clause-checks/", {
        "arrangement": check.arrangement_id, "requirement": check.requirement_id,
        "status": "missing"}, format="json")
    assert response.status_code == 400
    other = ArrangementFactory()
    response = client.patch(f"/api/contracts/clause-checks/{check.pk}/",
                            {"arrangement": other.pk}, format="json")
    assert response.status_code == 400 and "arrangement" in response.json()


def test_gaps_list_is_read_only_filterable_and_puts_critical_gaps_first(users):
    critical = ArrangementFactory(is_critical=True, reference="CRIT")
    ArrangementFactory(reference="PLAIN")
    client = api_for(users[Role.EXECUTIVE])
    response = client.get("/api/contracts/gaps/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["reference"] == "CRIT" and results[0]["clause_gaps"] == \
        ClauseRequirement.objects.count()
    filtered = client.get("/api/contracts/gaps/?is_critical=false").json()["results"]
    assert [row["reference"] for row in filtered] == ["PLAIN"]
    assert client.get("/api/contracts/gaps/?is_critical=perhaps").status_code == 400
    assert client.get(f"/api/contracts/gaps/?clause={2**70}").status_code == 400
    assert client.get("/api/contracts/gaps/?clause=1;DROP").status_code == 400
    assert client.get(f"/api/contracts/gaps/{critical.pk}/").json()["clauses_missing"] > 0
    assert client.post("/api/contracts/gaps/", {}, format="json").status_code in (403, 405)


@pytest.mark.parametrize("contact", ["contact_a", "contact_b"])
def test_provider_contacts_get_nothing_from_the_contracts_api(contact, users):
    ArrangementClauseFactory(arrangement=ArrangementFactory(provider=users[contact].provider))
    client = api_for(users[contact])
    for url in ("/api/contracts/requirements/", "/api/contracts/clause-checks/",
                "/api/contracts/gaps/"):
        assert client.get(url).status_code == 403, url


def test_changing_what_a_check_says_records_who_checked_it(users):
    check = ArrangementClauseFactory(status="missing", checked_by=users[Role.ADMIN])
    manager = users[Role.VENDOR_MANAGER]
    response = api_for(manager).patch(f"/api/contracts/clause-checks/{check.pk}/",
                                      {"status": "present", "location": "MSA §3"},
                                      format="json")
    assert response.status_code == 200 and response.json()["checked_by"] == manager.pk
    assert AuditEntry.objects.get(object_id=str(check.pk), action="update").actor == manager
