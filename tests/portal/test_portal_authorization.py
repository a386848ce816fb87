"""Every portal URL × every role × own and other provider's objects.

The routes come from the URL configuration: a portal page added later is checked too, and
one this matrix cannot place fails `test_every_portal_route_is_placed`.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.accounts import force_login
from tests.diligence.factories import ResponseFactory
from tests.factories import InformationRequestFactory, make_document
from tests.oversight.factories import CorrectiveActionFactory, FindingFactory, IncidentFactory
from tests.performance.factories import MeasurementBatchFactory
from tether.core.roles import INTERNAL_ROLES, Role
from tether.documents.models import DocumentCopy
from tether.portal.access import PREVIEW_SESSION_KEY

pytestmark = pytest.mark.django_db

# What the <int:...> of each portal route names, to build its URL from a test object.
OBJECT_OF_ROUTE = {
    "portal/requests/<int:pk>/": "request",
    "portal/documents/<int:pk>/download/": "document",
    "portal/preview/<int:provider_id>/": "provider",
    "portal/questionnaires/<int:pk>/": "questionnaire",
    "portal/questionnaires/<int:pk>/questions/": "questionnaire",
    "portal/questionnaires/<int:pk>/evidence/": "questionnaire",
    "portal/findings/<int:pk>/": "finding",
    "portal/incidents/<int:pk>/": "incident",
    "portal/actions/<int:pk>/evidence/": "action",
    "portal/measurements/batches/<int:pk>/": "batch",
}
# Routes that only change state on POST; a GET is refused or answered without effect.
POST_ONLY = {"portal/preview/stop/", "portal/preview/<int:provider_id>/",
             "portal/questionnaires/<int:pk>/evidence/", "portal/actions/<int:pk>/evidence/",
             "portal/measurements/upload/"}


def portal_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    return sorted(route for route in walk(get_resolver().url_patterns)
                  if route.startswith("portal/"))


def test_every_portal_route_is_placed():
    unplaced = [r for r in portal_routes() if "<" in r and r not in OBJECT_OF_ROUTE]
    assert unplaced == []


@pytest.fixture
def world(users, provider_a, provider_b):
    manager = users[Role.VENDOR_MANAGER]
    return {
        provider: {
            "provider": provider,
            "request": InformationRequestFactory(provider=provider),
            "document": make_document(actor=manager, attached_to=provider,
                                      shared_with_provider=True),
            "questionnaire": ResponseFactory(provider=provider),
            **_oversight_items(provider),
            "batch": MeasurementBatchFactory(provider=provider),
        }
        for provider in (provider_a, provider_b)
    }


def _oversight_items(provider) -> dict:
    finding = FindingFactory(provider=provider)
    return {"finding": finding, "incident": IncidentFactory(provider=provider),
            "action": CorrectiveActionFactory(finding=finding)}


def url(route: str, obj) -> str:
    return "/" + re.sub(r"<int:\w+>", str(obj.pk) if obj is not None else "0", route)


def get(user, route, obj, preview_of=None):
    client = force_login(Client(), user) if user else Client()
    if preview_of is not None:
        session = client.session
        session[PREVIEW_SESSION_KEY] = preview_of.pk
        session.save()
    return client.get(url(route, obj))


@pytest.mark.parametrize("contact", ["contact_a", "contact_b"])
def test_contacts_reach_their_own_items_and_never_the_others(contact, users, world):
    user = users[contact]
    own = world[user.provider]
    (other,) = [items for provider, items in world.items() if provider != user.provider]
    failures = []
    for route in portal_routes():
        if route in POST_ONLY:
            continue
        kind = OBJECT_OF_ROUTE.get(route)
        own_status = get(user, route, own[kind] if kind else None).status_code
        if own_status != 200:
            failures.append((route, "own", own_status))
        if kind:
            other_status = get(user, route, other[kind]).status_code
            if other_status != 404:
                failures.append((route, "other provider's", other_status))
    assert failures == []
    # Each own download issued one numbered copy; the other provider's issued none.
    assert set(DocumentCopy.objects.values_list("document__provider", flat=True)) == {
        user.provider_id}


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_internal_users_see_the_portal_only_in_preview(role, users, world, provider_a,
                                                       provider_b):
    user = users[role]
    for route in portal_routes():
        if route in POST_ONLY:
            continue
        kind = OBJECT_OF_ROUTE.get(route)
        obj = world[provider_a][kind] if kind else None
        assert get(user, route, obj).status_code == 403, route
        previewed = get(user, route, obj, preview_of=provider_a).status_code
        expected = 403 if kind == "document" else 200  # previews never download
        assert previewed == expected, (route, previewed)
        if kind in ("request", "document", "questionnaire", "finding", "incident", "batch"):
            assert get(user, route, world[provider_b][kind],
                       preview_of=provider_a).status_code in (403, 404), route
    assert not DocumentCopy.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(world, provider_a):
    for route in portal_routes():
        kind = OBJECT_OF_ROUTE.get(route)
        response = get(None, route, world[provider_a][kind] if kind else None)
        assert response.status_code == 302 and "/login/" in response["Location"], route


def test_contacts_are_refused_every_internal_page(users, world, provider_a):
    client = force_login(Client(), users["contact_a"])
    own_request = world[provider_a]["request"]
    own_document = world[provider_a]["document"]
    for path in ["/requests/", f"/requests/{own_request.pk}/", "/documents/",
                 f"/documents/{own_document.pk}/", f"/documents/{own_document.pk}/download/",
                 "/invitations/", "/registry/providers/", "/audit/"]:
        assert client.get(path).status_code in (403, 404), path
