"""Account security in a real browser: two-factor setup and login, and pages that work under
the Content-Security-Policy (no inline script anywhere, htmx without eval)."""

import re
from base64 import b32decode
from binascii import hexlify

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.accounts import code_for
from tests.factories import ArrangementFactory, UserFactory
from tether.core.roles import Role
from tether.core.twofactor import totp_device_of, usable_code

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery"


def submit_login(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_admin_sets_up_two_factor_then_logs_in_with_a_code(page, console_errors):
    admin = UserFactory(username="new-admin", role=Role.ADMIN)
    submit_login(page, "new-admin")
    page.goto("/registry/providers/")
    # Sent to set up an authenticator before anything else.
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    qr_code = page.get_by_role("img", name="QR code of your two-factor secret")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("image => image.naturalWidth") > 0  # drawn from its data: URI
    # What the person types into their app: the key shown as text.
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    their_app = TOTPDevice(user=admin, key=hexlify(b32decode(secret)).decode())
    page.fill("#id_code", code_for(their_app))
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-factor authentication").click()
    assert page.url.endswith("/registry/providers/")
    expect(page.locator(".alert-success")).to_contain_text("Two-factor authentication is on")

    page.get_by_role("button", name="new-admin · Administrator").click()  # the user menu
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")
    submit_login(page, "new-admin")
    expect(page.locator("h1")).to_have_text("Two-factor authentication")
    page.fill("#id_code", usable_code(totp_device_of(admin)))
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.get_by_role("button", name="new-admin · Administrator").click()
    page.get_by_role("link", name="Security").click()
    expect(page.locator(".badge.text-bg-success")).to_have_text("On")
    assert console_errors == []


SMALL_SCHEMA = {"openapi": "3.0.3", "info": {"title": "Tether API", "version": "0.1.0"},
                "paths": {"/api/auth/token/": {"post": {"operationId": "api_auth_token_create",
                                                        "responses": {"200": {
                                                            "description": "A token."}}}}}}


def test_pages_work_under_the_content_security_policy(page, log_in, users, console_errors):
    ArrangementFactory(provider__name="Nimbus Hosting SE")
    log_in(page, users[Role.ADMIN])
    page.goto("/registry/providers/")
    # htmx: the search filters the list as one types (no eval needed for the trigger).
    page.get_by_label("Search").press_sequentially("Nimbus", delay=20)
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.goto("/registry/arrangements/add/")
    page.locator(".search-select input[name=q]").first.press_sequentially("Nimbus", delay=20)
    expect(page.locator("#id_provider option:checked")).to_have_text("Nimbus Hosting SE")
    # Bootstrap: the user menu opens.
    page.get_by_role("button", name=f"{users[Role.ADMIN].username} · Administrator").click()
    expect(page.get_by_role("link", name="Security")).to_be_visible()
    # The API docs draw themselves from local files under the same policy.
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tether API")
    # ReDoc lays out the whole schema (about 1 MB) before it shows anything: seconds on a
    # quiet machine, over a minute on CI's busy one. What is tested here is that its script
    # runs under the policy, so it is given a small schema to draw.
    page.route(re.compile(r"/api/schema/"), lambda route: route.fulfill(json=SMALL_SCHEMA))
    page.goto("/api/redoc/")
    expect(page.locator(".api-info h1")).to_contain_text("Tether API")
    page.wait_for_load_state("networkidle")
    # ReDoc's footer logo comes from its CDN: refused, as everything from outside.
    assert [text for text in console_errors if "cdn.redoc.ly" not in text] == []
