"""Every oversight page and endpoint × every role, with the rules of the site's matrix
(tests/core/test_authorization_matrix.py), on oversight objects of another provider than the
contact's own. The contacts' own endpoint (api/oversight/portal/) is tested in test_api."""

import pytest

from tests.core.test_authorization_matrix import ROLES, client_for, concrete, endpoints, expected_ok
from tests.oversight.factories import oversight_objects

pytestmark = pytest.mark.django_db


def oversight_endpoints():
    found = []
    for route, name, model, action in endpoints():
        plain = route.replace("^", "")  # the API router's routes are regular expressions
        if plain.startswith(("oversight/", "api/oversight/")) \
                and not plain.startswith("api/oversight/portal/"):
            found.append((route, name, model, action))
    return found


def test_every_oversight_route_has_a_permission_rule():
    found = oversight_endpoints()
    assert found and all(action not in ("unknown", "portal") for *_rest, action in found)


@pytest.mark.parametrize("role", ROLES)
def test_role_reaches_exactly_the_oversight_routes_it_may(role, users, provider_b):
    made = oversight_objects(provider_b)
    user = users[role]
    failures = []
    for route, name, model, action in oversight_endpoints():
        url = concrete(route, made.get(model))
        browser_page = not route.startswith("api/")
        client = client_for(user, api=not browser_page)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        allowed = expected_ok(role, name, model, action)
        ok = response.status_code == 200 or (response.status_code in (302, 400) and
                                             response.request["REQUEST_METHOD"] == "POST")
        if allowed != ok or (not ok and response.status_code not in (403, 404)):
            failures.append((url, response.status_code, "allowed" if allowed else "denied"))
    assert failures == []
