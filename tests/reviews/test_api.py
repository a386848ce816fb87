"""The reviews API: CRUD through the services (audited, source "api"), strict input, reviews
due and scorecards (read), the schema, and who may do what."""

from datetime import date

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import ArrangementFactory
from tests.reviews.factories import review_for
from tether.core.models import AuditEntry
from tether.core.roles import INTERNAL_ROLES, Role
from tether.reviews.models import Review

pytestmark = pytest.mark.django_db
WRITERS = {Role.ADMIN, Role.VENDOR_MANAGER}


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def body(arrangement, **extra) -> dict:
    return {"arrangement": arrangement.pk, "period_from": "2026-01-01",
            "period_to": "2026-06-30", "held_on": "2026-07-01", "quality_rating": 5,
            "compliance_rating": 4, "decision": "renegotiate", **extra}


def test_a_review_is_created_and_changed_through_the_service(users):
    client = api_for(users[Role.VENDOR_MANAGER])
    arrangement = ArrangementFactory(is_critical=True, criticality_reason="Core.")
    response = client.post("/api/reviews/reviews/", body(arrangement), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["overall_rating"], data["next_review_due"]) == ("4.50", "2027-01-01")
    assert AuditEntry.objects.filter(object_id=str(data["id"]), source="api").exists()
    response = client.patch(f"/api/reviews/reviews/{data['id']}/",
                            {"next_review_override": "2026-10-01"}, format="json")
    assert response.status_code == 200 and response.json()["next_review_due"] == "2026-10-01"


@pytest.mark.parametrize(("extra", "field"), [
    ({"quality_rating": 6}, "quality_rating"),
    ({"quality_rating": "5"}, "quality_rating"),
    ({"period_to": "2025-12-31"}, "period_to"),
    ({"next_review_override": "2026-07-01"}, "next_review_override"),
    ({"feedback_shared_on": "2026-07-02", "feedback": ""}, "feedback_shared_on"),
    ({"decision": "walk_away"}, "decision"),
    ({"arrangement": 99999999}, "arrangement"),
])
def test_bad_input_is_refused_naming_the_field(users, extra, field):
    client = api_for(users[Role.ADMIN])
    response = client.post("/api/reviews/reviews/", {**body(ArrangementFactory()), **extra},
                           format="json")
    assert response.status_code == 400
    assert field in str(response.json())
    assert not Review.objects.exists()


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_roles_read_everything_and_writers_write(users, role):
    review = review_for(ArrangementFactory(), actor=users[Role.ADMIN])
    client = api_for(users[role])
    for url in ("/api/reviews/reviews/", f"/api/reviews/reviews/{review.pk}/",
                "/api/reviews/due/", "/api/reviews/scorecards/",
                f"/api/reviews/scorecards/{review.arrangement.provider_id}/",
                "/api/reviews/cadences/"):
        assert client.get(url).status_code == 200, url
    response = client.post("/api/reviews/reviews/", body(review.arrangement), format="json")
    assert response.status_code == (201 if role in WRITERS else 403)
    response = client.delete(f"/api/reviews/reviews/{review.pk}/")
    assert response.status_code == (204 if role in WRITERS else 403)


@pytest.mark.parametrize("contact", ["contact_a", "contact_b"])
def test_contacts_have_no_api(users, contact):
    review = review_for(ArrangementFactory(provider=users[contact].provider),
                        actor=users[Role.ADMIN], feedback_shared_on=date(2026, 7, 20))
    client = api_for(users[contact])
    for url in ("/api/reviews/reviews/", f"/api/reviews/reviews/{review.pk}/",
                "/api/reviews/due/", "/api/reviews/scorecards/"):
        assert client.get(url).status_code == 403, url


def test_reviews_due_and_scorecards_read(users):
    arrangement = ArrangementFactory(start_date=date(2020, 1, 1), reference="ARR-OLD")
    review_for(arrangement, actor=users[Role.ADMIN], held_on=date(2021, 1, 1),
               period_from=date(2020, 1, 1), period_to=date(2020, 12, 31), quality_rating=3)
    client = api_for(users[Role.EXECUTIVE])
    rows = client.get("/api/reviews/due/?overdue=true").json()["results"]
    assert [(r["reference"], r["review_due"], r["overdue"]) for r in rows] == [
        ("ARR-OLD", "2022-01-01", True)]
    assert client.get("/api/reviews/due/?overdue=maybe").status_code == 400
    ranking = client.get("/api/reviews/scorecards/").json()
    assert ranking["count"] >= 1 and "components" in ranking["results"][0]
    assert client.get("/api/reviews/scorecards/?limit=x").status_code == 400
    one = client.get(f"/api/reviews/scorecards/{arrangement.provider_id}/").json()
    assert one["provider"] == arrangement.provider_id
    assert [c["code"] for c in one["components"]] == ["sla", "kpi", "review", "findings"]
    assert client.get("/api/reviews/scorecards/99999999/").status_code == 404
    assert client.get("/api/reviews/scorecards/abc/").status_code == 404


def test_every_endpoint_is_in_the_schema(users):
    schema = api_for(users[Role.ADMIN]).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in ("/api/reviews/reviews/", "/api/reviews/reviews/{id}/", "/api/reviews/due/",
                 "/api/reviews/scorecards/", "/api/reviews/scorecards/{id}/",
                 "/api/reviews/cadences/"):
        assert path in paths, path
    listing = paths["/api/reviews/scorecards/"]["get"]
    assert "ScorecardList" in str(listing["responses"]["200"]) or \
        "Scorecard" in str(listing["responses"]["200"])
