"""What the API fuzz test (test_fuzz.py) found, pinned down: bad input is a 400 with a message,
never a 500 nor silently ignored, and every answer is one the schema declares."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from tests import factories
from tether.core.api.exceptions import exception_handler
from tether.core.roles import Role
from tether.registry.models import Arrangement, Organisation

pytestmark = pytest.mark.django_db

TOO_BIG = str(2**70)


@pytest.fixture
def api(users) -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=users[Role.VENDOR_MANAGER])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_an_api_address_no_route_matches_answers_json_404(api):
    response = api.get("/api/registry/providers/1.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_address_no_route_matches_is_still_the_404_page(login, users):
    response = login(users[Role.VENDOR_MANAGER]).get("/registry/nowhere/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


@pytest.mark.parametrize("query", [
    {"limit": "abc"}, {"limit": "0"}, {"limit": "٥"}, {"limit": "5.0"}, {"offset": "-1"},
    {"offset": TOO_BIG},
])
def test_page_values_that_are_not_whole_numbers_in_range_are_400(api, query):
    response = api.get("/api/registry/providers/", query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_empty_page_values_mean_the_default(api):
    assert api.get("/api/registry/providers/", {"limit": "", "offset": ""}).status_code == 200


@pytest.mark.parametrize("path, query", [
    ("arrangements", {"is_critical": "yes"}),  # was: ignored, the whole list
    ("arrangements", {"provider": "0.5"}),  # was: provider 0
    ("arrangements", {"service": TOO_BIG}),  # was: OverflowError on SQLite
    ("services", {"activities": TOO_BIG}),  # was: OverflowError on SQLite
    ("providers", {"ultimate_parent": " 5"}),
])
def test_filter_values_a_filter_does_not_understand_are_400(api, path, query):
    response = api.get(f"/api/registry/{path}/", query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_yes_no_filters_read_true_false_and_one_zero(api):
    factories.ArrangementFactory(is_critical=True, criticality_reason="Payments")
    factories.ArrangementFactory()
    for value, count in (("true", 1), ("1", 1), ("false", 1), ("0", 1), ("", 2)):
        response = api.get("/api/registry/arrangements/", {"is_critical": value})
        assert response.json()["count"] == count, value


@pytest.mark.parametrize("field, value", [
    ("name", 0),  # was: stored as "0"
    ("description", ["x"]),
    ("country", 1),
    ("name", "x" * 300),
    ("name", " " + "x" * 255),  # was: accepted, trimmed to 255
])
def test_json_values_the_schema_does_not_admit_are_400(api, field, value):
    body = {"name": "Northwind Bank AG", "country": "DE", field: value}
    response = api.post("/api/registry/organisations/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("change", [
    {"is_critical": "true"}, {"provider": 1.0}, {"services": {}}, {"annual_cost": 1000},
    {"annual_cost": "1e3"}, {"end_date": "20271231"}, {"notice_period_entity_days": "90"},
])
def test_arrangement_values_of_the_wrong_type_are_400(api, change):
    arrangement = factories.ArrangementFactory()
    response = api.patch(f"/api/registry/arrangements/{arrangement.pk}/", change, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()) == list(change)


def test_a_notice_period_longer_than_the_calendar_is_400_not_500(api):
    arrangement = factories.ArrangementFactory()
    response = api.patch(f"/api/registry/arrangements/{arrangement.pk}/",
                         {"notice_period_entity_days": 750_000_000}, format="json")
    assert response.status_code == 400
    assert "notice_period_entity_days" in response.json()
    assert Arrangement.objects.get().notice_period_entity_days == 90


def test_nul_characters_are_400_with_a_message(api):
    # PostgreSQL cannot store NUL in text: this must never reach the database.
    response = api.post("/api/registry/organisations/",
                        {"name": "North\x00wind", "country": "DE"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["Null characters are not allowed."]}
    assert api.get("/api/registry/organisations/", {"q": "a\x00b"}).status_code == 400


def test_form_encoded_bodies_are_415(api):
    response = api.post("/api/registry/organisations/", {"name": "Northwind", "country": "DE"})
    assert response.status_code == 415
    assert "detail" in response.json()


def test_document_changes_are_json_only_uploads_multipart(api, users):
    document = factories.make_document(actor=users[Role.VENDOR_MANAGER],
                                       attached_to=factories.ArrangementFactory())
    # Was: a garbled multipart body read as "no change", 200.
    response = api.patch(f"/api/documents/documents/{document.pk}/", {"title": "X"},
                         format="multipart")
    assert response.status_code == 415
    response = api.post("/api/documents/documents/", {"title": "X"}, format="json")
    assert response.status_code == 415


def test_the_schema_declares_the_error_answers():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    detail = paths["/api/registry/providers/{id}/"]
    assert set(detail["patch"]["responses"]) == {
        "200", "400", "401", "403", "404", "409", "415", "429"}
    assert set(detail["get"]["responses"]) == {"200", "401", "403", "404", "429"}
    assert set(detail["delete"]["responses"]) == {"204", "401", "403", "404", "409", "429"}
    assert list(detail["patch"]["requestBody"]["content"]) == ["application/json"]
    token = paths["/api/auth/token/"]["post"]
    assert {} in token["security"]
    assert set(token["responses"]) == {"200", "400", "415", "429"}
    download = paths["/api/documents/documents/{id}/download/"]["get"]["responses"]["200"]
    assert "application/pdf" in download["content"]


def test_a_bare_list_of_errors_becomes_an_object():
    response = exception_handler(ValidationError("Not like this."), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Not like this."]}


@pytest.mark.django_db
def test_a_query_parameter_sent_empty_is_refused_not_defaulted(login, users):
    from tests.diligence.factories import TemplateFactory

    template = TemplateFactory()
    client = login(users["admin"])
    answer = client.get(f"/api/diligence/templates/{template.pk}/export/?format=")
    assert answer.status_code == 400
    assert answer.json() == {"format": ["This parameter may not be empty."]}
    assert client.get(f"/api/diligence/templates/{template.pk}/export/").status_code == 200
    assert client.get("/api/dependence/figures/concentration/?top=").status_code == 400
