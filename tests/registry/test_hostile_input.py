"""Hostile text stored in the register is shown as text, never run as markup."""

import pytest

from tests.factories import ActivityFactory, ArrangementFactory, ProviderFactory, ServiceFactory
from tether.core.roles import Role

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_in_every_text_field_is_escaped_on_every_page(users, login):
    provider = ProviderFactory(name=f"Evil {XSS}", description=XSS, website="https://e.example")
    service = ServiceFactory(name=f"Service {XSS}", description=XSS)
    activity = ActivityFactory(name=f"Activity {XSS}", description=XSS, sourcing="outsourced")
    service.activities.set([activity])
    arrangement = ArrangementFactory(provider=provider, title=XSS, notes=XSS,
                                     reference="REF-<b>1</b>", organisation=activity.organisation)
    arrangement.services.set([service])
    client = login(users[Role.ADMIN])
    pages = [
        "/", "/registry/providers/", provider.get_absolute_url(),
        "/registry/arrangements/", arrangement.get_absolute_url(),
        "/registry/services/", service.get_absolute_url(),
        "/registry/activities/", activity.get_absolute_url(),
        f"/registry/value-chain/{activity.organisation_id}/",
        f"{provider.get_absolute_url()}edit/", "/audit/",
        "/registry/providers/choices/?q=Evil",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        assert "<b>1</b>" not in body, url
    listed = client.get("/registry/providers/", {"q": "Evil"}).content.decode()
    assert "&lt;script&gt;alert" in listed


def test_hostile_search_and_filter_values_are_harmless(users, login):
    client = login(users[Role.EXECUTIVE])
    for params in ({"q": XSS}, {"q": "' OR 1=1 --"}, {"country": "<x>"}, {"sort": "-password"},
                   {"page": "-1"}, {"per_page": "999999"}, {"status": ["active", "<x>"]}):
        response = client.get("/registry/providers/", params)
        assert response.status_code == 200, params
        assert "<script>alert" not in response.content.decode()
