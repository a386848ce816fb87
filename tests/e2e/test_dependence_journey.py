"""A vendor manager finds the subcontractor everything runs on, sees its network drawn and
asks what happens if it fails."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArrangementFactory, ProviderFactory, SubcontractingLinkFactory
from tether.core.roles import Role

pytestmark = pytest.mark.e2e


def test_vendor_manager_follows_a_single_point_of_failure(page, log_in, users, console_errors):
    cloud = ProviderFactory(name="Stratus Cloud AG")
    for name in ("Ledger Systems", "Payments Hub"):
        provider = ProviderFactory(name=name)
        ArrangementFactory(provider=provider, is_critical=True, criticality_reason="Core")
        SubcontractingLinkFactory(provider=provider, subcontractor=cloud)

    log_in(page, users[Role.VENDOR_MANAGER])
    page.goto("/dependence/supply-chain/")
    expect(page.locator(".spof-table")).to_contain_text("Stratus Cloud AG")

    page.goto(f"/dependence/network/?provider={cloud.pk}")
    expect(page.locator("#dependence-network circle")).to_have_count(3)
    expect(page.locator("#dependence-network-status")).to_contain_text("3 providers, 2 links")

    page.goto(f"/dependence/what-if/?kind=subcontractor&provider={cloud.pk}")
    expect(page.locator(".what-if-totals")).to_contain_text("Critical functions hit")
    expect(page.locator(".what-if-table tbody tr")).to_have_count(2)
    assert console_errors == []
