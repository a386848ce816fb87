"""The risk API: CRUD through the services, read-only scores, the methodology, imports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import ArrangementFactory
from tests.risk.factories import ControlFactory, IntakeFactory, RiskFactory, category
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.risk.engine import methodology_current, providers_rescore
from tether.risk.models import (
    ArrangementIntake,
    CountryRisk,
    Methodology,
    ProviderScore,
    Risk,
    RiskCategory,
)

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def officer(users):
    return api_for(users[Role.RISK_OFFICER])


def test_risk_created_through_the_service_with_derived_ratings(officer, provider_a,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post("/api/risk/risks/", {
            "title": "Outage of the hosting", "category": category().pk,
            "provider": provider_a.pk, "inherent_likelihood": 3, "inherent_impact": 5,
            "treatment": "transfer", "treatment_notes": "Cyber insurance"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["inherent_rating"], body["residual_rating"], body["above_appetite"]) == (
        "high", "high", True)
    assert AuditEntry.objects.get(object_id=str(body["id"]), action="create").source == "api"
    assert ProviderScore.objects.filter(provider=provider_a).exists()


@pytest.mark.parametrize("data, field", [
    ({"inherent_likelihood": 6}, "inherent_likelihood"),
    ({"residual_impact": 9}, "residual_impact"),
    ({"provider": None}, "non_field_errors"),
])
def test_invalid_risk_is_refused_with_the_field(officer, provider_a, data, field):
    payload = {"title": "x", "category": category().pk, "provider": provider_a.pk,
               "inherent_likelihood": 3, "inherent_impact": 3, **data}
    response = officer.post("/api/risk/risks/", payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Risk.objects.exists()


def test_risk_on_two_subjects_is_refused(officer, provider_a):
    arrangement = ArrangementFactory()
    response = officer.post("/api/risk/risks/", {
        "title": "x", "category": category().pk, "provider": provider_a.pk,
        "arrangement": arrangement.pk, "inherent_likelihood": 3, "inherent_impact": 3},
        format="json")
    assert response.status_code == 400
    assert "exactly one" in str(response.json())


def test_control_lowers_the_risk_through_the_api(officer):
    risk = RiskFactory(inherent_likelihood=4, inherent_impact=4)
    response = officer.post("/api/risk/controls/", {
        "risk": risk.pk, "title": "Second data centre", "status": "implemented",
        "likelihood_reduction": 2}, format="json")
    assert response.status_code == 201
    risk = officer.get(f"/api/risk/risks/{risk.pk}/").json()
    assert (risk["effective_likelihood"], risk["residual_rating"]) == (2, "medium")


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, Role.VENDOR_MANAGER])
def test_read_only_roles_read_but_cannot_write(role, users, provider_a):
    client = api_for(users[role])
    risk = RiskFactory()
    assert client.get("/api/risk/risks/").status_code == 200
    assert client.get("/api/risk/provider-scores/").status_code == 200
    assert client.post("/api/risk/risks/", {"title": "x"}, format="json").status_code == 403
    assert client.delete(f"/api/risk/risks/{risk.pk}/").status_code == 403
    assert client.post("/api/risk/country-risks/", {}, format="json").status_code == 403
    assert client.post("/api/risk/methodologies/", {}, format="json").status_code == 403
    assert Risk.objects.count() == 1


def test_provider_contacts_get_nothing(users):
    client = api_for(users["contact_a"])
    for url in ("/api/risk/risks/", "/api/risk/provider-scores/",
                "/api/risk/methodologies/current/"):
        assert client.get(url).status_code == 403


def test_heat_map_counts_like_the_page(officer, provider_a):
    RiskFactory.create_batch(2, provider=provider_a, inherent_likelihood=4, inherent_impact=5)
    RiskFactory(provider=provider_a, inherent_likelihood=1, inherent_impact=2)
    from tether.risk.engine import risks_rerate
    from tether.risk.methodology import MethodologyConfig

    risks_rerate(MethodologyConfig(methodology_current().config))
    body = officer.get("/api/risk/risks/heat-map/", {"basis": "inherent"}).json()
    cells = {(c["likelihood"], c["impact"]): c for c in body["cells"]}
    assert body["total"] == 3 and len(cells) == 25
    assert cells[(4, 5)]["count"] == 2 and cells[(4, 5)]["rating"] == "critical"
    assert cells[(1, 2)]["count"] == 1
    assert body["likelihood"][0] == {"level": 1, "label": "Rare"}
    filtered = officer.get("/api/risk/risks/heat-map/", {"inherent_likelihood": 1}).json()
    assert filtered["total"] == 1
    assert officer.get("/api/risk/risks/heat-map/", {"basis": "x"}).status_code == 400


def test_provider_scores_are_read_only_and_explained(officer, provider_a):
    IntakeFactory(arrangement=ArrangementFactory(provider=provider_a))
    providers_rescore(methodology=methodology_current())
    body = officer.get("/api/risk/provider-scores/", {"provider": provider_a.pk}).json()
    score = body["results"][0]
    assert score["provider_name"] == provider_a.name and score["methodology_version"] == 1
    assert [i["input"] for i in score["explanation"]["inputs"]] == [
        "inherent", "risks", "questionnaire", "location", "performance", "oversight"]
    assert score["explanation"]["driver"]["factors"][0]["factor"] == "criticality"
    assert officer.post("/api/risk/provider-scores/", {}, format="json").status_code == 405
    assert officer.delete(f"/api/risk/provider-scores/{score['id']}/").status_code == 405


def test_methodology_publish_is_the_administrators(users, django_capture_on_commit_callbacks):
    config = methodology_current().config
    config["appetite"]["default"] = "low"
    payload = {"name": "Stricter", "change_note": "Lower appetite", "config": config}
    assert api_for(users[Role.RISK_OFFICER]).post(
        "/api/risk/methodologies/", payload, format="json").status_code == 403
    admin = api_for(users[Role.ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/api/risk/methodologies/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["methodology"]["version"] == 2 and body["methodology"]["is_current"]
    assert body["job"]
    current = admin.get("/api/risk/methodologies/current/").json()
    assert current["version"] == 2 and current["config"]["appetite"]["default"] == "low"
    assert [m["version"] for m in admin.get("/api/risk/methodologies/").json()["results"]] == [
        2, 1]


def test_invalid_methodology_lists_every_problem(users):
    config = methodology_current().config
    config["matrix"] = config["matrix"][:3]
    config["provider_appetite"] = "unheard of"
    response = api_for(users[Role.ADMIN]).post("/api/risk/methodologies/", {
        "name": "Broken", "change_note": "x", "config": config}, format="json")
    assert response.status_code == 400
    messages = response.json()["config"]
    assert any("one row per likelihood level" in m for m in messages)
    assert any("provider appetite" in m for m in messages)
    assert Methodology.objects.count() == 1


def test_category_code_cannot_change(users):
    admin = api_for(users[Role.ADMIN])
    financial = category("financial")
    response = admin.patch(f"/api/risk/categories/{financial.pk}/", {"code": "money"},
                           format="json")
    assert response.status_code == 400
    response = admin.patch(f"/api/risk/categories/{financial.pk}/", {"name": "Money"},
                           format="json")
    assert response.status_code == 200
    assert RiskCategory.objects.get(pk=financial.pk).code == "financial"


def test_country_risk_import_through_the_api(officer, users):
    described = officer.get("/api/risk/country-risks/import/").json()
    assert described["required"] == ["country", "political", "economic", "legal"]
    bad = SimpleUploadedFile("r.csv", b"country,political,economic,legal\nFR,7,1,1\n")
    response = officer.post("/api/risk/country-risks/import/", {"file": bad},
                            format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 2, "column": "political",
                                          "message": "7 is out of range: ratings run from 1 "
                                                     "(low) to 5 (high)."}]
    good = SimpleUploadedFile("r.csv", b"country,political,economic,legal\nFR,2,1,1\n")
    response = officer.post("/api/risk/country-risks/import/", {"file": good},
                            format="multipart")
    assert response.status_code == 200 and response.json()["created"] == 1
    assert CountryRisk.objects.get().political == 2
    auditor = api_for(users[Role.AUDITOR])
    good.seek(0)
    assert auditor.post("/api/risk/country-risks/import/", {"file": good},
                        format="multipart").status_code == 403


def test_country_risk_crud(officer):
    response = officer.post("/api/risk/country-risks/", {
        "country": "PT", "political": 2, "economic": 3, "legal": 2}, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert officer.post("/api/risk/country-risks/", {
        "country": "PT", "political": 2, "economic": 3, "legal": 2},
        format="json").status_code == 400  # one rating per country
    assert officer.patch(f"/api/risk/country-risks/{pk}/", {"legal": 6},
                         format="json").status_code == 400
    assert officer.delete(f"/api/risk/country-risks/{pk}/").status_code == 204


def test_intake_through_the_api_rescores(officer, django_capture_on_commit_callbacks):
    arrangement = ArrangementFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post("/api/risk/intakes/", {
            "arrangement": arrangement.pk, "criticality": 4, "data_sensitivity": 3,
            "system_access": 2}, format="json")
    assert response.status_code == 201, response.json()
    intake = officer.get(f"/api/risk/intakes/{response.json()['id']}/").json()
    assert intake["tier"] is not None and intake["explanation"]["assumed"] is False
    assert ArrangementIntake.objects.get().tier == intake["tier"]
    assert ProviderScore.objects.get(provider=arrangement.provider).tier == intake["tier"]


def test_controls_filter_by_risk(officer):
    control = ControlFactory()
    ControlFactory()
    body = officer.get("/api/risk/controls/", {"risk": control.risk_id}).json()
    assert [c["id"] for c in body["results"]] == [control.pk]
