import pytest
from tests.core.test_authorization_matrix import endpoints, concrete, client_for, expected_ok, ROLES, objects  # noqa

@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_dbg(role, users, objects):
    failures = []
    for route, name, model, action in endpoints():
        if action in ("public", "unknown") or name == "logout" or "documents" in route or "portal" in route or "requests" in route or "invitations" in route or route == "":
            continue
        url = concrete(route, objects.get(model))
        browser_page = name in ("swagger-ui", "redoc") or not route.startswith("api/")
        response = client_for(users[role], api=not browser_page).get(url)
        allowed = expected_ok(role, name, model, action)
        ok = response.status_code == 200
        if allowed != ok or (not ok and response.status_code not in (403, 404)):
            failures.append((url, response.status_code))
    assert failures == []
