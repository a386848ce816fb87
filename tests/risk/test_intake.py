"""Arrangement intake → inherent tier (due diligence, review cadence) → provider score."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArrangementFactory
from tests.risk.factories import CountryRiskFactory, IntakeFactory
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.risk.models import ArrangementIntake, ProviderScore, ProviderScoreHistory

pytestmark = pytest.mark.django_db

# Every factor at its worst under the default methodology: 30 + 25 + 15 + 15 + 15 + 15 = 115
# of 115 points, a score of 100, tier 1; at its best, 0 points, tier 4.
WORST = {"criticality": 4, "data_sensitivity": 4, "system_access": 3,
         "annual_spend": "2000000", "substitutability": "not_substitutable", "country": "IN"}
BEST = {"criticality": 1, "data_sensitivity": 0, "system_access": 0, "annual_spend": "10000",
        "substitutability": "easy", "country": "LU"}


@pytest.fixture
def officer(users, login):
    return login(users[Role.RISK_OFFICER])


@pytest.fixture
def arrangement():
    CountryRiskFactory(country="IN", political=5, economic=5, legal=5)
    CountryRiskFactory(country="LU", political=1, economic=1, legal=1)
    return ArrangementFactory(status="active")


def intake_form(arrangement, factors, **changes) -> dict:
    return {"arrangement": arrangement.pk, "notes": "", **factors, **changes}


def test_intake_from_the_arrangement_sets_tier_and_rescores_the_provider(
        officer, arrangement, django_capture_on_commit_callbacks):
    page = officer.get(f"/risk/intakes/add/?arrangement={arrangement.pk}")
    assert page.context["form"].initial["arrangement"] == str(arrangement.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post("/risk/intakes/add/", intake_form(arrangement, WORST))
    assert response.status_code == 302, response.context["form"].errors
    intake = ArrangementIntake.objects.get()
    assert response["Location"] == f"/risk/intakes/{intake.pk}/"
    assert (intake.inherent_score, intake.tier) == (Decimal("100.00"), 1)
    score = ProviderScore.objects.get(provider=arrangement.provider)
    assert score.tier == 1 and score.inherent_score == Decimal("100.00")
    assert score.explanation["driver"]["arrangement"] == arrangement.pk
    assert score.explanation["driver"]["assumed"] is False
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(
        ArrangementIntake))
    assert entry.action == "create" and entry.actor.username == "risk_officer-user"

    page = officer.get(f"/risk/intakes/{intake.pk}/").content.decode()
    assert "Tier 1: critical" in page and "Full: on-site audit, all evidence" in page
    assert "Every 6 months" in page and "Special-category personal or payment data" in page


def test_changing_the_intake_moves_the_tier_and_the_score_history(
        officer, arrangement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        officer.post("/risk/intakes/add/", intake_form(arrangement, WORST))
    intake = ArrangementIntake.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"/risk/intakes/{intake.pk}/edit/",
                                intake_form(arrangement, BEST))
    assert response.status_code == 302, response.context["form"].errors
    intake.refresh_from_db()
    assert (intake.inherent_score, intake.tier) == (Decimal("0.00"), 4)
    score = ProviderScore.objects.get(provider=arrangement.provider)
    assert score.tier == 4 and score.inherent_score == Decimal("0.00")
    tiers = list(ProviderScoreHistory.objects.filter(provider=arrangement.provider)
                 .order_by("computed_at", "pk").values_list("tier", flat=True))
    assert tiers == [1, 4]


def test_intake_edit_keeps_its_arrangement(officer, arrangement):
    intake = IntakeFactory(arrangement=arrangement)
    other = ArrangementFactory()
    response = officer.post(f"/risk/intakes/{intake.pk}/edit/",
                            intake_form(other, BEST))
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.arrangement == arrangement


def test_one_intake_per_arrangement(officer, arrangement):
    IntakeFactory(arrangement=arrangement)
    response = officer.post("/risk/intakes/add/", intake_form(arrangement, BEST))
    assert response.status_code == 200
    assert "arrangement" in response.context["form"].errors


def test_deleting_the_intake_falls_back_to_the_register(officer, arrangement,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        officer.post("/risk/intakes/add/", intake_form(arrangement, WORST))
    intake = ArrangementIntake.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(f"/risk/intakes/{intake.pk}/delete/").status_code == 302
    score = ProviderScore.objects.get(provider=arrangement.provider)
    assert score.explanation["driver"]["assumed"] is True
    assert score.tier != 1


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, Role.VENDOR_MANAGER])
def test_intake_is_written_by_risk_roles_only(role, users, login, arrangement):
    client = login(users[role])
    assert client.get("/risk/intakes/").status_code == 200
    assert client.get("/risk/intakes/add/").status_code == 403
    assert client.post("/risk/intakes/add/", intake_form(arrangement, WORST)).status_code == 403
    assert not ArrangementIntake.objects.exists()


def test_intake_list_filters_by_tier_and_stays_within_query_budget(officer, arrangement,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        officer.post("/risk/intakes/add/", intake_form(arrangement, WORST))
    IntakeFactory.create_batch(5)
    with CaptureQueriesContext(connection) as queries:
        response = officer.get("/risk/intakes/", {"tier": 1})
    assert [i.arrangement for i in response.context["table"].records] == [arrangement]
    assert len(queries) <= 15
