"""Generic REST API tests, run for every register model."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.cases import CASES
from tether.core.models import AuditEntry
from tether.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(params=CASES, ids=lambda c: c.name)
def case(request):
    return request.param


def api_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def manager_api(users):
    return api_client(users[Role.VENDOR_MANAGER])


def endpoint(case, suffix=""):
    return f"/api/registry/{case.api_path}/{suffix}"


def test_anonymous_request_is_refused(case, db):
    assert APIClient().get(endpoint(case)).status_code == 401


def test_crud_through_the_api_is_audited(case, manager_api):
    response = manager_api.post(endpoint(case), case.form_data(), format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert manager_api.get(endpoint(case, f"{pk}/")).json()["id"] == pk
    response = manager_api.patch(endpoint(case, f"{pk}/"), case.update, format="json")
    assert response.status_code == 200, response.json()
    field, value = next(iter(case.update.items()))
    assert str(response.json()[field]) == str(value)
    assert manager_api.delete(endpoint(case, f"{pk}/")).status_code == 204
    assert not case.model.objects.filter(pk=pk).exists()
    actions = list(
        AuditEntry.objects.filter(object_id=str(pk), source="api")
        .order_by("id").values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]


def test_list_filters_by_search_text(case, manager_api):
    wanted, _other = case.factory(), case.factory()
    response = manager_api.get(endpoint(case), {"q": case.search_text(wanted)})
    ids = [row["id"] for row in response.json()["results"]]
    assert wanted.pk in ids


def test_list_query_count_is_bounded(case, manager_api):
    case.factory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        manager_api.get(endpoint(case))
    case.factory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        manager_api.get(endpoint(case), {"limit": 100})
    assert len(many) == len(few) <= 15


def test_read_only_roles_cannot_write(case, users):
    obj = case.factory()
    for role in (Role.EXECUTIVE, Role.AUDITOR, Role.RISK_OFFICER):
        client = api_client(users[role])
        assert client.get(endpoint(case, f"{obj.pk}/")).status_code == 200
        assert client.patch(endpoint(case, f"{obj.pk}/"), case.update,
                            format="json").status_code == 403
        assert client.delete(endpoint(case, f"{obj.pk}/")).status_code == 403
    assert case.model.objects.filter(pk=obj.pk).exists()


def test_provider_with_bad_lei_is_rejected_with_the_reason(manager_api):
    response = manager_api.post("/api/registry/providers/", {
        "name": "Broken LEI Ltd", "country": "GB", "outsourcing_type": "bpo",
        "lei": "5493001KJTIIGC8Y1R13",
    }, format="json")
    assert response.status_code == 400
    assert "check digits" in response.json()["lei"][0]


def test_arrangement_ending_before_start_is_rejected(manager_api):
    data = CASES[5].form_data()
    data.update(start_date="2026-01-01", end_date="2025-01-01")
    response = manager_api.post("/api/registry/arrangements/", data, format="json")
    assert response.status_code == 400
    assert "end date is before the start date" in str(response.json())


def test_wrong_types_are_rejected_with_field_errors(manager_api):
    response = manager_api.post("/api/registry/arrangements/", {
        "reference": ["not", "a", "string"], "start_date": "yesterday", "annual_cost": "lots",
        "provider": "abc",
    }, format="json")
    assert response.status_code == 400
    body = response.json()
    assert {"start_date", "annual_cost", "provider"} <= set(body)


def test_token_is_issued_for_valid_credentials(users, db):
    user = users[Role.VENDOR_MANAGER]
    response = APIClient().post("/api/auth/token/", {"username": user.username,
                                                      "password": "correct-horse-battery"})
    assert response.status_code == 200
    assert Token.objects.get(user=user).key == response.json()["token"]


def test_openapi_schema_and_docs_are_served(users):
    client = api_client(users[Role.AUDITOR])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/registry/arrangements/" in paths and "/api/registry/providers/{id}/" in paths
    client.force_login(users[Role.AUDITOR])
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert b"cdn" not in docs.content.lower()


def test_the_schema_is_generated_once_per_process(users, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from tether.core.api.docs import SchemaView

    monkeypatch.setattr(SchemaView, "_generated", {})
    calls = []
    generate = SchemaGenerator.get_schema
    monkeypatch.setattr(SchemaGenerator, "get_schema",
                        lambda self, *a, **k: calls.append(1) or generate(self, *a, **k))
    client = api_client(users[Role.AUDITOR])
    first = client.get("/api/schema/?format=json").json()
    second = api_client(users[Role.EXECUTIVE]).get("/api/schema/?format=json").json()
    assert first == second and "/api/registry/providers/" in first["paths"]
    assert len(calls) == 1
    assert APIClient().get("/api/schema/?format=json").status_code in (401, 403)
