"""What every page owes its user: nothing fetched from outside, and no buttons one may not use."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ArrangementFactory
from tether.core.roles import Role

pytestmark = pytest.mark.e2e


def test_pages_load_nothing_from_outside_the_app(page, live_server, log_in, users):
    arrangement = ArrangementFactory(provider__name="Nimbus Hosting SE")
    requested, failures = [], []

    def failed(request):
        if request.failure != "net::ERR_ABORTED":  # aborted: the test navigated on
            failures.append(f"{request.url}: {request.failure}")

    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", failed)
    page.on("pageerror", lambda error: failures.append(f"script error: {error}"))

    log_in(page, users[Role.VENDOR_MANAGER])
    for path in ("/", "/registry/providers/", arrangement.provider.get_absolute_url(),
                 "/registry/arrangements/add/"):
        response = page.goto(path, wait_until="networkidle")
        assert response.ok, f"{path} answered {response.status}"
    # Swagger UI fetches the schema, then draws it (its assets come from the sidecar package).
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tether API")

    # The same holds for what htmx and Bootstrap fetch or build after the page has loaded.
    page.goto("/registry/arrangements/add/")
    page.locator(".search-select input[name=q]").first.press_sequentially("Nimbus", delay=20)
    expect(page.locator("#id_provider option:checked")).to_have_text("Nimbus Hosting SE")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("link", name="Providers", exact=True)).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert requested, "no request was recorded"
    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert not outside, f"resources fetched from outside the app: {outside}"
    assert not failures, failures


def test_executive_reads_but_sees_no_add_button_and_cannot_add(page, log_in, users):
    arrangement = ArrangementFactory()
    log_in(page, users[Role.EXECUTIVE])

    for list_path, add_path in (("/registry/providers/", "/registry/providers/add/"),
                                ("/registry/arrangements/", "/registry/arrangements/add/")):
        page.goto(list_path)
        expect(page.locator("#results")).to_contain_text(arrangement.provider.name)
        expect(page.get_by_role("link", name=re.compile(r"^Add\b"))).to_have_count(0)
        response = page.goto(add_path)
        assert response.status == 403, f"{add_path} answered {response.status}"

    page.goto(arrangement.get_absolute_url())
    expect(page.locator("h1")).to_have_text(arrangement.reference)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
