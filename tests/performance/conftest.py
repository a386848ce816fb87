"""A small performance picture, written directly as the engine would store it: two providers'
levels with a year of monthly results, some breached with a credit."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import ArrangementFactory
from tests.performance.factories import (
    CreditBandFactory,
    PeriodResultFactory,
    ServiceLevelFactory,
)
from tether.performance.selectors import add_months, month_start


def year_of_results(level, *, breached_every: int, value_ok: float, value_bad: float,
                    credit: Decimal = Decimal(0)):
    """Twelve monthly results up to last month; every `breached_every`th one breached."""
    first = add_months(month_start(timezone.localdate()), -12)
    higher = level.direction == "higher" or level.aggregation == "within_target"
    for step in range(12):
        breached = step % breached_every == breached_every - 1
        value = value_bad if breached else value_ok
        PeriodResultFactory(
            service_level=level, period_start=add_months(first, step), value=value,
            outcome="breached" if breached else "met",
            attainment=value / level.target * 100 if higher else level.target / value * 100,
            credit_percent=5 if breached and credit else 0,
            credit_amount=credit if breached else 0)


@pytest.fixture
def picture(provider_a, provider_b):
    arrangement_a = ArrangementFactory(provider=provider_a, reference="ALPHA-1",
                                       is_critical=True, criticality_reason="Payments")
    arrangement_b = ArrangementFactory(provider=provider_b, reference="BETA-1",
                                       currency="USD")
    availability = ServiceLevelFactory(arrangement=arrangement_a, reference="ALPHA-AVAIL",
                                       name="Payments availability", target=99.5)
    CreditBandFactory(service_level=availability, worse_than=99.5, credit_percent=5)
    year_of_results(availability, breached_every=3, value_ok=99.8, value_bad=98.2,
                    credit=Decimal("500.00"))
    response = ServiceLevelFactory(arrangement=arrangement_b, reference="BETA-P95",
                                   name="Response time P95", unit="ms", direction="lower",
                                   aggregation="percentile", percentile=95, target=300,
                                   currency="USD")
    year_of_results(response, breached_every=4, value_ok=250, value_bad=450,
                    credit=Decimal("1000.00"))
    kpi = ServiceLevelFactory(arrangement=arrangement_b, reference="BETA-TICKETS", kind="kpi",
                              name="Tickets resolved within 4 h", currency="USD", unit="h",
                              direction="lower", aggregation="within_target", item_target=4,
                              target=90)
    year_of_results(kpi, breached_every=100, value_ok=95, value_bad=80)
    return {"availability": availability, "response": response, "kpi": kpi,
            "arrangement_a": arrangement_a, "arrangement_b": arrangement_b,
            "last_month": add_months(month_start(timezone.localdate()), -1),
            "this_year": date(timezone.localdate().year, 1, 1)}
