"""An administrator lowers the risk appetite; the register is rescored in the background."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArrangementFactory, ProviderFactory
from tests.risk.factories import RiskFactory, category
from tether.core.roles import Role
from tether.risk import engine

pytestmark = pytest.mark.e2e


def test_admin_lowers_the_appetite_and_the_register_follows(page, log_in, users):
    provider = ProviderFactory(name="Nimbus Hosting SE")
    ArrangementFactory(provider=provider, is_critical=True, criticality_reason="Core banking")
    RiskFactory(provider=provider, title="Hosting platform outage",
                category=category("loss_of_control"), inherent_likelihood=2,
                inherent_impact=3)  # medium: within the default appetite
    engine.providers_rescore(methodology=engine.methodology_current())

    log_in(page, users[Role.ADMIN])
    page.goto("/risk/above-appetite/")
    expect(page.get_by_text("Hosting platform outage")).to_have_count(0)

    page.goto("/risk/methodology/appetite/")
    page.select_option("#id_category_loss_of_control", "low")
    page.fill("#id_change_note", "Quality failures cost us more than we thought.")
    page.get_by_role("button", name="Publish and rescore").click()

    # The job page follows the rescoring to its end.
    expect(page.locator("#job-progress")).to_contain_text("Succeeded")
    expect(page.get_by_role("alert")).to_contain_text("Every provider is being rescored")

    page.goto("/risk/above-appetite/")
    expect(page.get_by_role("link", name="Hosting platform outage")).to_be_visible()

    page.goto(f"/risk/providers/{provider.pk}/explain/")
    expect(page.get_by_role("link", name="Tether default methodology v2")).to_be_visible()
