"""The performance API: levels and bands through the services (audited, source "api"), results
read-only and filterable, one level's series and measurements, the credits owed."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import ArrangementFactory
from tests.performance.factories import CreditBandFactory, ServiceLevelFactory
from tether.core.models import AuditEntry
from tether.core.roles import INTERNAL_ROLES, Role
from tether.performance.models import CreditBand, ServiceLevel

pytestmark = pytest.mark.django_db
BASE = "/api/performance"


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def manager(users):
    return api_for(users[Role.VENDOR_MANAGER])


def test_level_created_through_the_service(manager):
    arrangement = ArrangementFactory(currency="EUR")
    response = manager.post(f"{BASE}/service-levels/", {
        "arrangement": arrangement.pk, "name": "Availability", "reference": "AV",
        "unit": "%", "target": 99.9, "currency": "EUR"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["direction"] == "higher" and body["aggregation"] == "mean"
    assert AuditEntry.objects.get(object_id=str(body["id"]), action="create",
                                  object_repr__startswith="AV").source == "api"


def test_level_rules_answer_400_with_the_field(manager):
    arrangement = ArrangementFactory(currency="EUR")
    response = manager.post(f"{BASE}/service-levels/", {
        "arrangement": arrangement.pk, "name": "P95", "reference": "P95", "target": 300,
        "direction": "lower", "aggregation": "percentile"}, format="json")
    assert response.status_code == 400 and "percentile" in response.json()
    response = manager.post(f"{BASE}/service-levels/", {
        "arrangement": arrangement.pk, "name": "Av", "reference": "AV", "target": 99,
        "currency": "USD"}, format="json")
    assert response.status_code == 400 and "currency" in response.json()
    response = manager.post(f"{BASE}/service-levels/", {
        "arrangement": arrangement.pk, "name": "Av", "reference": "AV", "target": "99"},
        format="json")
    assert response.status_code == 400 and "target" in response.json()
    assert not ServiceLevel.objects.exists()


def test_level_cannot_move_to_another_arrangement(manager):
    level = ServiceLevelFactory()
    response = manager.patch(f"{BASE}/service-levels/{level.pk}/",
                             {"arrangement": ArrangementFactory().pk}, format="json")
    assert response.status_code == 400


def test_band_crud_and_its_rules(manager):
    level = ServiceLevelFactory(target=99.5)
    refused = manager.post(f"{BASE}/credit-bands/", {
        "service_level": level.pk, "worse_than": 99.9, "credit_percent": "5"}, format="json")
    assert refused.status_code == 400 and "worse_than" in refused.json()
    created = manager.post(f"{BASE}/credit-bands/", {
        "service_level": level.pk, "worse_than": 99.0, "credit_percent": "5.00"}, format="json")
    assert created.status_code == 201, created.json()
    band_id = created.json()["id"]
    changed = manager.patch(f"{BASE}/credit-bands/{band_id}/", {"credit_percent": "7.50"},
                            format="json")
    assert changed.status_code == 200 and changed.json()["credit_percent"] == "7.50"
    assert manager.delete(f"{BASE}/credit-bands/{band_id}/").status_code == 204
    assert not CreditBand.objects.exists()


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_every_internal_role_reads_and_only_managers_write(role, users, picture):
    client = api_for(users[role])
    level = picture["availability"]
    for url in ("service-levels/", "credit-bands/", "results/", "credits-owed/",
                f"service-levels/{level.pk}/series/", f"service-levels/{level.pk}/measurements/"):
        assert client.get(f"{BASE}/{url}").status_code == 200, url
    response = client.patch(f"{BASE}/service-levels/{level.pk}/", {"name": "Uptime"},
                            format="json")
    assert response.status_code == (200 if role in (Role.ADMIN, Role.VENDOR_MANAGER) else 403)


@pytest.mark.parametrize("contact", ["contact_a", "contact_b"])
def test_provider_contacts_have_no_internal_api(contact, users, picture):
    client = api_for(users[contact])
    level = picture["availability"]
    for url in ("service-levels/", "results/", "credits-owed/",
                f"service-levels/{level.pk}/series/"):
        assert client.get(f"{BASE}/{url}").status_code == 403, url


def test_results_filter_by_outcome_provider_and_period(manager, picture, provider_a):
    breaches = manager.get(f"{BASE}/results/?outcome=breached").json()
    assert breaches["count"] == 7
    ours = manager.get(f"{BASE}/results/?outcome=breached&provider={provider_a.pk}").json()
    assert ours["count"] == 4
    assert {row["currency"] for row in ours["results"]} == {"EUR"}
    month = picture["last_month"]
    recent = manager.get(f"{BASE}/results/?period_from={month:%Y-%m}").json()
    assert recent["count"] == 3 and recent["results"][0]["period_start"] == f"{month}"
    assert manager.get(f"{BASE}/results/?period_from=last-year").status_code == 400
    assert manager.get(f"{BASE}/results/?outcome=awful").status_code == 400


def test_results_are_read_only(manager, picture):
    result = picture["availability"].results.first()
    assert manager.delete(f"{BASE}/results/{result.pk}/").status_code == 405
    assert manager.post(f"{BASE}/results/", {}, format="json").status_code == 405


def test_series_is_one_level_oldest_first_in_few_queries(manager, picture,
                                                         django_assert_max_num_queries):
    level = picture["response"]
    with django_assert_max_num_queries(4):  # token, user, the level, its results
        response = manager.get(f"{BASE}/service-levels/{level.pk}/series/")
    body = response.json()
    assert body["target"] == 300 and body["direction"] == "lower" and body["unit"] == "ms"
    periods = body["periods"]
    assert len(periods) == 12 and periods[0]["period_start"] < periods[-1]["period_start"]
    assert [p["outcome"] for p in periods].count("breached") == 3


def test_measurements_month_is_validated(manager, picture):
    level = picture["availability"]
    url = f"{BASE}/service-levels/{level.pk}/measurements/"
    assert manager.get(f"{url}?month=2026-13").status_code == 400
    assert manager.get(f"{url}?month=").status_code == 400
    empty = manager.get(f"{url}?month=2026-01").json()
    assert empty == {"service_level": level.pk, "month": "2026-01", "count": 0,
                     "measurements": []}


def test_credits_owed_per_currency(manager, picture):
    body = manager.get(f"{BASE}/credits-owed/?period_from=2000-01").json()
    assert {(t["currency"], t["credit"]) for t in body["totals"]} == {
        ("EUR", "2000.00"), ("USD", "3000.00")}
    rows = {row["arrangement_reference"]: row for row in body["rows"]}
    assert rows["BETA-1"]["breaches"] == 3 and rows["BETA-1"]["provider_name"] == "Beta Cloud GmbH"
    one = manager.get(f"{BASE}/credits-owed/?arrangement={picture['arrangement_a'].pk}").json()
    assert [row["arrangement_reference"] for row in one["rows"]] == ["ALPHA-1"]


def test_deleting_a_level_through_the_api(manager):
    band = CreditBandFactory()
    assert manager.delete(f"{BASE}/service-levels/{band.service_level_id}/").status_code == 204
    assert not CreditBand.objects.exists()
