import pytest
from tests.factories import UserFactory
from tests.accounts import give_authenticator
from tether.core.roles import Role
pytestmark = pytest.mark.e2e

def test_shots(page, log_in, users):
    person = UserFactory(username="some-user", role=Role.RISK_OFFICER)
    give_authenticator(person)
    log_in(page, users[Role.VENDOR_MANAGER])
    page.goto("/account/security/")
    page.screenshot(path="/tmp/shot-security.png", full_page=True)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")
    log_in(page, users[Role.ADMIN])
    page.goto(f"/users/{person.pk}/")
    page.screenshot(path="/tmp/shot-userdetail.png", full_page=True)
    page.goto(f"/users/{person.pk}/sign-in/")
    page.screenshot(path="/tmp/shot-usersec.png", full_page=True)
