"""Browser fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

Nothing here downloads a browser. Chromium comes from the system (`apt-get install chromium`);
without it the e2e tests fail and say so, unless TETHER_SKIP_E2E=1 asks to skip them.
"""

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.accounts import give_authenticator
from tests.e2e.chromium import ChromiumMissing, launch
from tether.core.roles import Role
from tether.core.twofactor import totp_device_of, usable_code

VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 10_000
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password

expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    # Browser tests last: the browser (and its event loop) then never runs beside other tests.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
    if os.environ.get("TETHER_SKIP_E2E") != "1":
        return
    skip = pytest.mark.skip(reason="TETHER_SKIP_E2E=1")
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an asyncio loop in the test thread; Django then refuses ORM
    # calls from that thread unless told the loop is not serving requests (it is not: the live
    # server answers from its own thread). Only while the browser runs: the e2e tests run last,
    # and nothing else (such as a `tether` subprocess) should inherit the switch.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _browser()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _browser():
    with sync_playwright() as playwright:
        try:
            chromium = launch(playwright)
        except ChromiumMissing as missing:
            pytest.fail(str(missing), pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh browser tab (own cookies) pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def log_in():
    """Log a user in through the login form, as a person would: with the code of their
    authenticator app when they have one (administrators always do: they get one here)."""

    def submit(page, user, password=PASSWORD):
        device = totp_device_of(user)
        if device is None and user.role == Role.ADMIN:
            device = give_authenticator(user)
        page.goto("/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        if device is not None:
            assert "/login/code/" in page.url, f"no code asked of {user.username}"
            page.fill("#id_code", usable_code(device))
            with page.expect_navigation():
                page.click("button[type=submit]")
        assert "/login/" not in page.url, f"login as {user.username} failed"

    return submit


@pytest.fixture
def console_errors(page):
    """Errors the page logs: what the Content-Security-Policy refused, what htmx or a script
    could not do."""
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    return errors
