"""The decisions API: CRUD through the services, `simulate` and `decide`, what a decision
keeps, and who may write."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.decisions.factories import DecisionCaseFactory, DecisionOptionFactory, decided_case
from tests.factories import ActivityFactory
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.decisions.choices import OptionKind
from tether.decisions.models import DecisionActual, DecisionCase, DecisionOption

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def manager(users):
    return api_for(users[Role.VENDOR_MANAGER])


def option_body(case_id, **changes) -> dict:
    body = {"case": case_id, "name": "Offer", "kind": "outsource", "fee_low": "900.00",
            "fee_mode": "1000.00", "fee_high": "1200.00", "escalation_percent": "2.00"}
    body.update(changes)
    return body


def test_case_options_simulation_and_decision_through_the_api(manager):
    activity = ActivityFactory()
    response = manager.post("/api/decisions/cases/", {
        "activity": activity.pk, "title": "Keep or outsource?", "horizon_years": 5,
        "currency": "EUR", "discount_rate": "0.0500", "risk_cost_share": "0.2000"},
        format="json")
    assert response.status_code == 201, response.json()
    case_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    assert manager.post("/api/decisions/options/", option_body(case_id, kind="in_house",
                                                               name="Keep"),
                        format="json").status_code == 201
    response = manager.post("/api/decisions/options/", option_body(case_id), format="json")
    assert response.status_code == 201
    offer = response.json()["id"]
    response = manager.post(f"/api/decisions/cases/{case_id}/simulate/",
                            {"runs": 5000, "seed": 99}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["simulation_runs"] == 5000 and body["simulation_seed"] == 99
    assert len(body["simulation"]["comparisons"]) == 1
    again = manager.post(f"/api/decisions/cases/{case_id}/simulate/",
                         {"runs": 5000, "seed": 99}, format="json").json()
    assert again["simulation"]["options"] == body["simulation"]["options"]
    response = manager.post(f"/api/decisions/cases/{case_id}/decide/", {
        "chosen_option": offer, "recommendation": "Outsource.", "reasons": "Cheaper."},
        format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "decided" and response.json()["chosen_option"] == offer
    case_type = ContentType.objects.get_for_model(DecisionCase)
    assert AuditEntry.objects.filter(source="api", object_id=str(case_id),
                                     content_type=case_type).count() == 4  # create, 2 runs, decide


def test_api_refuses_an_unordered_range_with_the_rule(manager):
    case = DecisionCaseFactory()
    response = manager.post("/api/decisions/options/",
                            option_body(case.pk, fee_low="1300.00"), format="json")
    assert response.status_code == 400
    assert "the high value (1200.00) is below the low value (1300.00)" in str(response.json())


def test_api_refuses_a_horizon_beyond_fifteen_years(manager):
    case = DecisionCaseFactory()
    response = manager.patch(f"/api/decisions/cases/{case.pk}/", {"horizon_years": 16},
                             format="json")
    assert response.status_code == 400 and "horizon_years" in response.json()


def test_decided_case_keeps_its_options_and_assumptions_through_the_api(manager):
    case = decided_case()
    option = case.options.first()
    response = manager.patch(f"/api/decisions/options/{option.pk}/", {"name": "Renamed"},
                             format="json")
    assert response.status_code == 400 and "Open a new case" in str(response.json())
    response = manager.post("/api/decisions/options/", option_body(case.pk, name="Late"),
                            format="json")
    assert response.status_code == 400
    response = manager.delete(f"/api/decisions/options/{option.pk}/")
    assert response.status_code == 409 and "Open a new case" in response.json()["detail"]
    assert manager.delete(f"/api/decisions/cases/{case.pk}/").status_code == 409
    response = manager.patch(f"/api/decisions/cases/{case.pk}/", {"discount_rate": "0.2000"},
                             format="json")
    assert response.status_code == 400
    assert manager.post(f"/api/decisions/cases/{case.pk}/simulate/", {},
                        format="json").status_code == 400
    assert DecisionOption.objects.get(pk=option.pk).name == option.name


def test_decide_needs_an_option_of_the_case(manager):
    case = DecisionCaseFactory()
    DecisionOptionFactory(case=case, kind=OptionKind.IN_HOUSE)
    manager.post(f"/api/decisions/cases/{case.pk}/simulate/", {"runs": 100}, format="json")
    response = manager.post(f"/api/decisions/cases/{case.pk}/decide/", {
        "chosen_option": DecisionOptionFactory().pk, "recommendation": "Go."}, format="json")
    assert response.status_code == 400 and "chosen_option" in response.json()


def test_actuals_through_the_api(manager):
    case = decided_case()
    response = manager.post("/api/decisions/actuals/", {
        "case": case.pk, "year": 1, "actual_cost": "1250.00", "sla_attainment": "97.50"},
        format="json")
    assert response.status_code == 201
    assert DecisionActual.objects.get(case=case).sla_attainment == 97.5
    response = manager.post("/api/decisions/actuals/", {
        "case": case.pk, "year": 1, "actual_cost": "1.00"}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, Role.SECURITY_OFFICER])
def test_readers_read_but_cannot_write(role, users):
    client = api_for(users[role])
    case = DecisionCaseFactory()
    DecisionOptionFactory(case=case)
    assert client.get("/api/decisions/cases/").status_code == 200
    assert client.get(f"/api/decisions/cases/{case.pk}/").status_code == 200
    assert client.post(f"/api/decisions/cases/{case.pk}/simulate/", {},
                       format="json").status_code == 403
    assert client.delete(f"/api/decisions/cases/{case.pk}/").status_code == 403
    assert client.post("/api/decisions/options/", option_body(case.pk),
                       format="json").status_code == 403
    assert DecisionCase.objects.get(pk=case.pk).simulation is None


def test_provider_contacts_get_nothing(users):
    client = api_for(users["contact_a"])
    assert client.get("/api/decisions/cases/").status_code == 403


def test_case_list_filters_and_query_count(manager):
    cases = [DecisionCaseFactory() for _ in range(5)]
    decided = decided_case()
    with CaptureQueriesContext(connection) as queries:
        response = manager.get("/api/decisions/cases/?status=decided")
    assert [c["id"] for c in response.json()["results"]] == [decided.pk]
    assert len(queries) <= 10
    response = manager.get(f"/api/decisions/cases/?activity={cases[0].activity_id}")
    assert [c["id"] for c in response.json()["results"]] == [cases[0].pk]
