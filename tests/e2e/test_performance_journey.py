"""A vendor manager uploads a month of availability figures for an SLA and sees the breach,
the service credit it earns and the batch's rejected row."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArrangementFactory
from tests.performance.factories import CreditBandFactory, ServiceLevelFactory
from tether.core.roles import Role

pytestmark = pytest.mark.e2e


def test_vendor_manager_feeds_measurements_and_sees_the_breach(page, log_in, users,
                                                               console_errors, tmp_path):
    arrangement = ArrangementFactory(reference="PAY-01", annual_cost=120_000)
    level = ServiceLevelFactory(arrangement=arrangement, reference="AVAIL", target=99.9,
                                monthly_fee=10_000, currency=arrangement.currency)
    CreditBandFactory(service_level=level, worse_than=99.9, credit_percent=5)
    CreditBandFactory(service_level=level, worse_than=99.5, credit_percent=10)
    upload = tmp_path / "availability.csv"
    upload.write_text("arrangement,level,at,value\n"
                      "PAY-01,AVAIL,2026-03-01T00:00:00Z,99.2\n"
                      "PAY-01,AVAIL,2026-03-02T00:00:00Z,99.6\n"
                      "PAY-01,AVAIL,2026-03-03T00:00:00Z,not a number\n")

    log_in(page, users[Role.VENDOR_MANAGER])
    page.goto("/performance/measurements/upload/")
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("accepted")).to_have_text("2")
    expect(page.get_by_test_id("rejected")).to_have_text("1")
    expect(page.get_by_test_id("batch-progress")).to_contain_text("not a number")

    page.goto(f"/performance/levels/{level.pk}/")
    periods = page.locator(".perf-periods tbody tr")
    expect(periods).to_have_count(1)
    expect(periods.first).to_contain_text("2026-03")
    expect(periods.first).to_contain_text("Breached")
    expect(periods.first).to_contain_text("1,000.00")  # 10 % of 10,000: 99.4 is worse than 99.5
    expect(page.locator(".perf-series-chart svg")).to_be_visible()
    assert console_errors == []
