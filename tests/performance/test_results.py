"""Reading the stored results: provider isolation through the level, the dashboard figures, the
credits owed; and end to end, measurements stored and recomputed show as a breach and a
credit on the pages and in the API."""

from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pytest

from tests.factories import ArrangementFactory
from tests.performance.factories import (
    CreditBandFactory,
    PeriodResultFactory,
    ServiceLevelFactory,
)
from tests.performance.test_api import api_for
from tether.core.roles import Role
from tether.performance import engine, selectors, services, storage
from tether.performance.models import PeriodResult

pytestmark = pytest.mark.django_db


def test_contact_sees_only_their_own_providers_results(users, picture):
    own = selectors.results_visible(users["contact_a"])
    assert own.count() == 12
    assert set(own.values_list("service_level__reference", flat=True)) == {"ALPHA-AVAIL"}
    other = selectors.results_visible(users["contact_b"])
    assert "ALPHA-AVAIL" not in set(other.values_list("service_level__reference", flat=True))
    assert selectors.results_visible(users[Role.AUDITOR]).count() == 36


def test_isolation_is_a_join_not_a_list_of_ids(users, picture):
    sql = str(selectors.results_visible(users["contact_a"]).query)
    assert "provider_id" in sql and " IN (" not in sql


def test_inactive_user_sees_no_results(users, picture):
    user = users[Role.VENDOR_MANAGER]
    user.is_active = False
    assert not selectors.results_visible(user).exists()


def test_worst_results_lowest_attainment_first(users, picture):
    worst = selectors.worst_results(user=users[Role.EXECUTIVE])
    assert [r.service_level.reference for r in worst] == ["BETA-P95", "ALPHA-AVAIL"]
    assert worst[0].attainment < worst[1].attainment < 100


def test_outcome_counts_of_the_latest_complete_period(users, picture):
    assert selectors.outcome_counts(user=users[Role.EXECUTIVE]) == {
        "met": 1, "breached": 2, "insufficient": 0}


def test_breaches_per_month_has_every_month(users, picture):
    trend = selectors.breaches_per_month(user=users[Role.EXECUTIVE])
    assert len(trend) == 12 and sum(count for _month, count in trend) >= 5


def test_latest_complete_periods():
    periods = selectors.latest_complete_periods(date(2026, 11, 26))
    assert periods == {"month": date(2026, 10, 1), "quarter": date(2026, 7, 1)}
    assert selectors.latest_complete_periods(date(2026, 1, 5)) == {
        "month": date(2025, 12, 1), "quarter": date(2025, 10, 1)}


def test_parse_month_refuses_what_is_not_a_month():
    assert selectors.parse_month("2026-03") == date(2026, 3, 1)
    for text in ("2026-13", "march", "", None, "2026-3-1"):
        assert selectors.parse_month(text) is None


def test_credits_are_never_added_across_currencies(picture):
    rows = selectors.credits_owed(PeriodResult.objects.all())
    assert selectors.credit_totals(rows) == [("EUR", Decimal("2000.00")),
                                             ("USD", Decimal("3000.00"))]


def epoch(*args) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


@pytest.fixture
def measured(users):
    """An availability SLA with a credit band: March met, April breached (hourly figures)."""
    arrangement = ArrangementFactory(reference="E2E-1", annual_cost=120_000, currency="EUR")
    level = ServiceLevelFactory(arrangement=arrangement, reference="E2E-AVAIL", target=99.5,
                                currency="EUR")
    CreditBandFactory(service_level=level, worse_than=99.5, credit_percent=5)
    CreditBandFactory(service_level=level, worse_than=99.0, credit_percent=10)
    march = np.arange(epoch(2026, 3, 1), epoch(2026, 4, 1), 3600, dtype=np.int64)
    april = np.arange(epoch(2026, 4, 1), epoch(2026, 5, 1), 3600, dtype=np.int64)
    times = np.concatenate((march, april))
    values = np.concatenate((np.full(len(march), 99.9), np.full(len(april), 98.7)))
    touched = storage.merge_measurements(np.full(len(times), level.pk), times, values)
    engine.recompute_months(touched)
    return level


def test_measurements_recomputed_show_the_breach_and_credit(users, login, measured):
    april = measured.results.get(period_start=date(2026, 4, 1))
    assert april.outcome == "breached" and float(april.credit_percent) == 10
    assert april.credit_amount == Decimal("1000.00")  # 10 % of 120,000 / 12
    assert measured.results.get(period_start=date(2026, 3, 1)).outcome == "met"
    client = login(users[Role.VENDOR_MANAGER])
    page = client.get(f"{measured.get_absolute_url()}?month=2026-04").content.decode()
    assert page.count('class="perf-breach"') == 1 and "1,000.00 EUR" in page
    assert "The last 50 of 720 measurements of 2026-04" in page
    breaches = client.get("/performance/breaches/?q=E2E").content.decode()
    assert "1 results" in breaches and "E2E-AVAIL" in breaches
    credits = client.get("/performance/credits/?period_from=2026-01").content.decode()
    assert "E2E-1" in credits and "1,000.00 EUR" in credits


def test_measurements_endpoint_returns_the_month_in_time_order(users, measured):
    client = api_for(users[Role.AUDITOR])
    body = client.get(f"/api/performance/service-levels/{measured.pk}/measurements/"
                      "?month=2026-03").json()
    assert body["count"] == 744 and body["month"] == "2026-03"
    assert body["measurements"][0] == {"time": "2026-03-01T00:00:00Z", "value": 99.9}
    newest = client.get(f"/api/performance/service-levels/{measured.pk}/measurements/").json()
    assert newest["month"] == "2026-04" and newest["count"] == 720


def test_raising_the_band_recomputes_the_credit(users, measured,
                                                django_capture_on_commit_callbacks):
    band = measured.credit_bands.get(worse_than=99.0)
    with django_capture_on_commit_callbacks(execute=True):
        services.credit_band_update(band, actor=users[Role.VENDOR_MANAGER],
                                    data={"credit_percent": Decimal("15")})
    april = measured.results.get(period_start=date(2026, 4, 1))
    assert april.credit_amount == Decimal("1500.00")


def test_latest_period_takes_quarterly_levels_by_their_last_complete_quarter(users):
    monthly = ServiceLevelFactory(reference="M-1")
    quarterly = ServiceLevelFactory(reference="Q-1", period="quarter")
    october, july = date(2026, 10, 1), date(2026, 7, 1)
    PeriodResultFactory(service_level=monthly, period_start=october, outcome="breached",
                        attainment=90.0)
    PeriodResultFactory(service_level=quarterly, period_start=july, outcome="breached",
                        attainment=80.0)
    PeriodResultFactory(service_level=quarterly, period_start=october, outcome="met",
                        attainment=101.0)  # the quarter still running: not counted
    today = date(2026, 11, 26)
    user = users[Role.EXECUTIVE]
    assert selectors.outcome_counts(user=user, today=today) == {
        "met": 0, "breached": 2, "insufficient": 0}
    worst = selectors.worst_results(user=user, today=today)
    assert [(r.service_level.reference, r.period_start) for r in worst] == [
        ("Q-1", july), ("M-1", october)]
