"""The performance demo: levels with bands on a dozen live arrangements, a year of
measurements, results with some breaches and credits; audited, seeded, loaded once."""

from datetime import UTC, datetime

import pytest

from tests.factories import ArrangementFactory
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.performance.demo import performance_demo_load
from tether.performance.models import CreditBand, MeasurementChunk, PeriodResult, ServiceLevel

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


@pytest.fixture
def live_arrangements(db):
    return [ArrangementFactory(reference=f"DEMO-{n:02d}", is_critical=n % 2 == 0,
                               criticality_reason="Core", annual_cost=240_000,
                               currency="EUR" if n % 4 else "GBP") for n in range(14)]


def test_demo_defines_measures_and_breaches_once(users, live_arrangements):
    assert users[Role.VENDOR_MANAGER].is_active
    counts = performance_demo_load(now=NOW)
    assert counts["service levels"] == 12 * 4 + 4  # a third also get the quarterly KPI
    assert counts["credit bands"] == CreditBand.objects.count() > 0
    assert counts["measurements"] > 100_000
    assert ServiceLevel.objects.values("arrangement").distinct().count() == 12
    assert MeasurementChunk.objects.filter(month__year=2025, month__month=11).exists()
    outcomes = set(PeriodResult.objects.values_list("outcome", flat=True))
    assert {"met", "breached"} <= outcomes
    assert PeriodResult.objects.filter(credit_amount__gt=0).exists()
    assert PeriodResult.objects.filter(service_level__period="quarter").exists()
    assert set(AuditEntry.objects.filter(content_type__model="servicelevel")
               .values_list("source", flat=True)) == {"demo"}
    first = list(PeriodResult.objects.order_by("service_level__reference", "period_start")
                 .values_list("service_level__reference", "period_start", "value"))
    assert performance_demo_load(now=NOW) == {}
    assert PeriodResult.objects.count() == len(first)


def test_demo_is_the_same_every_time(users, live_arrangements, django_db_blocker):
    performance_demo_load(now=NOW)
    values = list(PeriodResult.objects.order_by("service_level__reference", "period_start")
                  .values_list("service_level__reference", "period_start", "value"))
    ServiceLevel.objects.all().delete()
    performance_demo_load(now=NOW)
    again = list(PeriodResult.objects.order_by("service_level__reference", "period_start")
                 .values_list("service_level__reference", "period_start", "value"))
    assert again == values
