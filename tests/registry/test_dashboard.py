"""The home dashboard's figures, checked against hand-computed values."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ActivityFactory, ArrangementFactory, OrganisationFactory
from tether.core.roles import Role
from tether.registry import selectors

pytestmark = pytest.mark.django_db


def test_outsourced_share_counts_partly_outsourced_as_half(users):
    bank = OrganisationFactory(name="Bank")
    for sourcing in ("outsourced", "outsourced", "partly_outsourced", "in_house"):
        ActivityFactory(organisation=bank, sourcing=sourcing)
    [share] = selectors.outsourced_share(user=users[Role.EXECUTIVE])
    assert (share.total, share.outsourced, share.partly) == (4, 2, 1)
    assert share.percent == 62.5  # (2 + 0.5) / 4


def test_upcoming_deadlines_are_active_and_soonest_first(users):
    today = timezone.now().date()
    soon = ArrangementFactory(end_date=today + timedelta(days=40), notice_period_entity_days=30)
    ArrangementFactory(end_date=today + timedelta(days=400), notice_period_entity_days=30)
    ArrangementFactory(end_date=today + timedelta(days=20), status="terminated")
    deadlines = selectors.upcoming_deadlines(user=users[Role.EXECUTIVE])
    assert [(d.arrangement, d.kind, d.days_left) for d in deadlines] == [
        (soon, "notice", 10), (soon, "end", 40),
    ]


def test_counts_and_spend_per_currency(users):
    ArrangementFactory(annual_cost=100, currency="EUR", is_critical=True, criticality_reason="x")
    ArrangementFactory(annual_cost=50, currency="EUR")
    ArrangementFactory(annual_cost=70, currency="USD", status="expired")
    user = users[Role.EXECUTIVE]
    counts = selectors.register_counts(user=user)
    assert (counts["arrangements"], counts["active_arrangements"],
            counts["critical_arrangements"]) == (3, 2, 1)
    spend = selectors.spend_by_currency(user=user)
    assert [(row["currency"], row["total"], row["count"]) for row in spend] == [("EUR", 150, 2)]


def test_dashboard_page_shows_the_figures(users, login):
    today = timezone.now().date()
    arrangement = ArrangementFactory(end_date=today + timedelta(days=60),
                                     notice_period_entity_days=30, reference="NB-SOON-1")
    page = login(users[Role.EXECUTIVE]).get("/").content.decode()
    assert arrangement.reference in page
    assert "Last day to give notice" in page
    assert 'data-stat="arrangements">1<' in page


def test_dashboard_sends_provider_contacts_to_their_portal(users, login):
    response = login(users["contact_a"]).get("/")
    assert response.status_code == 302 and response["Location"] == "/portal/"
