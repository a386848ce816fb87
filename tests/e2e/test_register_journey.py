"""A vendor manager records a provider and its arrangement through the browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import OrganisationFactory, ProviderFactory, valid_lei
from tether.core.roles import Role
from tether.registry.models import Arrangement, Provider

pytestmark = pytest.mark.e2e


def wrong_check_digits(lei: str) -> str:
    """The same LEI with check digits that cannot be right."""
    return f"{lei[:18]}{(int(lei[18:]) + 1) % 100:02d}"


def search_list(page, text: str) -> None:
    """Type into the list's search box and wait for htmx to swap in the filtered results."""
    box = page.locator("form.filter-form input[name=q]")
    with page.expect_response(
        lambda r: r.request.headers.get("hx-request") == "true" and f"q={text}" in r.url
    ) as answer:
        box.press_sequentially(text, delay=20)
    assert answer.value.ok
    expect(page).to_have_url(re.compile(rf"[?&]q={text}"))


def field(page, label: str):
    """The value of a detail page's field."""
    return page.locator(".object-fields dt", has_text=label).locator("+ dd")


def panel(page, title: str):
    """The card of a detail page whose header is `title`."""
    header = page.locator(".card-header", has=page.get_by_text(title, exact=True))
    return page.locator(".card", has=header)


def test_vendor_manager_records_provider_and_arrangement(page, log_in, users):
    OrganisationFactory(name="Tether Bank AG")
    ProviderFactory(name="Unrelated Facilities GmbH", country="DE")
    lei = valid_lei()

    log_in(page, users[Role.VENDOR_MANAGER])

    # A new provider, through its form.
    page.goto("/registry/providers/")
    page.get_by_role("link", name="Add provider").click()
    page.fill("#id_name", "Nimbus Hosting SE")
    page.fill("#id_lei", lei)
    page.select_option("#id_country", "LU")
    page.select_option("#id_outsourcing_type", "ict_service")
    page.select_option("#id_service_countries", ["LU", "DE"])
    page.select_option("#id_data_storage_countries", ["LU"])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Created Nimbus Hosting SE.")
    expect(page.locator("h1")).to_have_text("Nimbus Hosting SE")
    performed_in = field(page, "Countries where the service is performed")
    expect(performed_in).to_contain_text("Germany")
    expect(performed_in).to_contain_text("Luxembourg")
    provider_url = page.url

    # An arrangement with it; the provider is found through the search box.
    page.goto("/registry/arrangements/")
    page.get_by_role("link", name="Add arrangement").click()
    page.fill("#id_reference", "ARR-E2E-0001")
    page.fill("#id_title", "Managed hosting of the core banking system")
    page.select_option("#id_organisation", label="Tether Bank AG")
    provider_box = page.locator(".search-select", has=page.locator("#id_provider"))
    provider_box.locator("input[name=q]").press_sequentially("Nimbus", delay=20)
    expect(page.locator("#id_provider option:checked")).to_have_text("Nimbus Hosting SE")
    page.fill("#id_start_date", "2025-01-01")
    page.fill("#id_end_date", "2028-12-31")
    page.fill("#id_annual_cost", "250000")
    page.check("#id_is_critical")
    page.fill("#id_criticality_reason", "Hosts the core banking system.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Created ARR-E2E-0001.")

    arrangement = Arrangement.objects.select_related("provider").get(reference="ARR-E2E-0001")
    assert arrangement.provider.lei == lei
    assert arrangement.is_critical
    assert str(arrangement.notice_deadline) == "2028-10-02"  # 90 days' notice by default

    # Both lists find them with their search box.
    page.goto("/registry/providers/")
    expect(page.locator("#results")).to_contain_text("Unrelated Facilities GmbH")
    search_list(page, "Nimbus")
    expect(page.locator("#results")).to_contain_text("Nimbus Hosting SE")
    expect(page.locator("#results")).not_to_contain_text("Unrelated Facilities GmbH")

    page.goto("/registry/arrangements/")
    search_list(page, "E2E")
    row = page.locator("#results tbody tr", has_text="ARR-E2E-0001")
    expect(row).to_contain_text("Nimbus Hosting SE")

    # The provider's page lists the arrangement.
    row.get_by_role("link", name="Nimbus Hosting SE").click()
    expect(page).to_have_url(provider_url)
    expect(panel(page, "Arrangements")).to_contain_text("ARR-E2E-0001")


def test_provider_with_wrong_lei_check_digits_is_refused(page, log_in, users):
    log_in(page, users[Role.VENDOR_MANAGER])
    page.goto("/registry/providers/add/")
    page.fill("#id_name", "Typo Services Ltd")
    page.fill("#id_lei", wrong_check_digits(valid_lei()))
    page.select_option("#id_country", "IE")
    page.select_option("#id_outsourcing_type", "bpo")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".invalid-feedback")).to_contain_text("check digits are wrong")
    expect(page).to_have_url(re.compile(r"/registry/providers/add/$"))
    expect(page.locator("#id_name")).to_have_value("Typo Services Ltd")
    assert not Provider.objects.filter(name="Typo Services Ltd").exists()
