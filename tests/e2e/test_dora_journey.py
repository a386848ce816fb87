"""A compliance officer checks the DORA register of information, follows the link to the one
thing that blocks filing, fixes it, exports the package and downloads it."""

import zipfile

import pytest
from playwright.sync_api import expect

from tests.factories import ArrangementFactory
from tests.regulatory.factories import EntityProfileFactory, FunctionFactory, IctServiceFactory
from tether.core.roles import Role

pytestmark = pytest.mark.e2e


def test_officer_fixes_the_register_and_files_it(page, log_in, users, console_errors,
                                                 tmp_path):
    bank = EntityProfileFactory(organisation__name="Northbank AG").organisation
    function = FunctionFactory(organisation=bank, identifier="F-PAY", name="Payments",
                               licenced_activity="eba_TA:x999")  # not in the EBA's list
    IctServiceFactory(arrangement=ArrangementFactory(organisation=bank, reference="NB-CLOUD"),
                      organisation=bank, function=function)

    log_in(page, users[Role.RISK_OFFICER])
    page.goto("/regulatory/register/")
    page.get_by_label("Entity maintaining the register").select_option(label="Northbank AG")
    page.get_by_label("Reference date").fill("2025-12-31")
    page.get_by_role("button", name="Check readiness").click()
    expect(page.get_by_test_id("error-count")).to_have_text("1")
    readiness = page.url
    errors = page.get_by_test_id("issues").first
    expect(errors).to_contain_text("B_06.01")
    errors.get_by_role("link", name="Fix").click()

    expect(page).to_have_url(f"/regulatory/functions/{function.pk}/edit/")
    page.get_by_label("Licenced activity").select_option(label="Payment services")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"/regulatory/functions/{function.pk}/")
    page.goto(readiness)
    expect(page.get_by_test_id("ready")).to_be_visible()
    page.get_by_role("button", name="Export the package").click()
    expect(page.get_by_test_id("export-status")).to_contain_text("Ready to file")
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith(f"{bank.lei}.IND_DE_DORA010100_DORA_2025-12-31_")
    assert any(name.endswith("reports/b_06.01.csv") for name in zipfile.ZipFile(saved).namelist())
    assert console_errors == []
