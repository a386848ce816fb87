"""The provider's side of oversight in the portal: own findings, incidents and completed audits
only; answers, evidence and timeline updates; previews read-only; hostile input inert."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.accounts import force_login
from tests.factories import pdf_bytes
from tests.oversight.factories import (
    AuditFactory,
    CorrectiveActionFactory,
    FindingFactory,
    IncidentFactory,
)
from tether.core.roles import INTERNAL_ROLES, Role
from tether.documents.models import Document
from tether.portal.access import PREVIEW_SESSION_KEY

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def world(provider_a, provider_b):
    items = {}
    for provider in (provider_a, provider_b):
        finding = FindingFactory(provider=provider, title=f"Finding of {provider.name}")
        incident = IncidentFactory(provider=provider, title=f"Incident of {provider.name}")
        items[provider] = {
            "finding": finding, "incident": incident,
            "action": CorrectiveActionFactory(finding=finding),
            "incident_action": CorrectiveActionFactory(finding=None, incident=incident),
            "audit": AuditFactory(provider=provider, title=f"Audit of {provider.name}"),
            "planned_audit": AuditFactory(provider=provider, status="planned",
                                          completed_on=None, conclusion="",
                                          title=f"Planned audit of {provider.name}"),
        }
    return items


def portal(user, preview_of=None) -> Client:
    client = force_login(Client(), user)
    if preview_of is not None:
        session = client.session
        session[PREVIEW_SESSION_KEY] = preview_of.pk
        session.save()
    return client


def test_contact_sees_own_items_and_404_for_the_others(users, world, provider_a, provider_b):
    client = portal(users["contact_a"])
    own, other = world[provider_a], world[provider_b]
    lists = {"/portal/findings/": "finding", "/portal/incidents/": "incident",
             "/portal/audits/": "audit"}
    for url, kind in lists.items():
        html = client.get(url).content.decode()
        assert own[kind].title in html and other[kind].title not in html, url
    assert own["planned_audit"].title not in client.get("/portal/audits/").content.decode()
    for kind, route in (("finding", "findings"), ("incident", "incidents")):
        assert client.get(f"/portal/{route}/{own[kind].pk}/").status_code == 200
        assert client.get(f"/portal/{route}/{other[kind].pk}/").status_code == 404
    home = client.get("/portal/").content.decode()
    assert own["finding"].title in home and other["finding"].title not in home


def test_contact_answers_own_finding_and_cannot_answer_anothers(users, world, provider_a,
                                                                provider_b):
    client = portal(users["contact_a"])
    own, other = world[provider_a]["finding"], world[provider_b]["finding"]
    response = client.post(f"/portal/findings/{own.pk}/",
                           {"provider_response": "Reviews are now monthly."})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.provider_response == "Reviews are now monthly."
    assert client.post(f"/portal/findings/{other.pk}/",
                       {"provider_response": "Hijack"}).status_code == 404
    other.refresh_from_db()
    assert other.provider_response == ""
    empty = client.post(f"/portal/findings/{own.pk}/", {"provider_response": "   "})
    assert empty.status_code == 200 and "invalid-feedback" in empty.content.decode()
    own.refresh_from_db()
    assert own.provider_response == "Reviews are now monthly."


def test_contact_uploads_evidence_to_own_action_only(users, world, provider_a, provider_b):
    client = portal(users["contact_a"])
    own, other = world[provider_a]["action"], world[provider_b]["action"]
    upload = {"file": SimpleUploadedFile("evidence.pdf", pdf_bytes(), "application/pdf"),
              "title": "Access review log", "kind": "evidence"}
    response = client.post(f"/portal/actions/{own.pk}/evidence/", upload)
    assert response.status_code == 302
    assert response["Location"] == f"/portal/findings/{own.finding_id}/"
    document = own.evidence.get()
    assert (document.provider_id, document.uploaded_by_provider) == (provider_a.pk, True)
    page = client.get(response["Location"]).content.decode()
    assert "Access review log" in page
    upload["file"] = SimpleUploadedFile("evidence.pdf", pdf_bytes(), "application/pdf")
    assert client.post(f"/portal/actions/{other.pk}/evidence/", upload).status_code == 404
    assert not other.evidence.exists() and Document.objects.count() == 1


def test_malformed_evidence_is_refused_and_nothing_is_kept(users, world, provider_a):
    client = portal(users["contact_a"])
    action = world[provider_a]["incident_action"]
    response = client.post(f"/portal/actions/{action.pk}/evidence/", {
        "file": SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        "title": "Fake", "kind": "evidence"}, follow=True)
    assert "was not added" in response.content.decode()
    assert not Document.objects.exists() and not action.evidence.exists()


def test_contact_adds_an_update_to_own_incident_timeline(users, world, provider_a,
                                                         provider_b):
    client = portal(users["contact_a"])
    own, other = world[provider_a]["incident"], world[provider_b]["incident"]
    response = client.post(f"/portal/incidents/{own.pk}/",
                           {"description": "Patched the storage firmware.", "at": ""})
    assert response.status_code == 302
    assert own.events.get().author == users["contact_a"]
    assert client.post(f"/portal/incidents/{other.pk}/",
                       {"description": "x"}).status_code == 404
    assert not other.events.exists()


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_internal_users_preview_read_only(role, users, world, provider_a, provider_b):
    user = users[role]
    finding = world[provider_a]["finding"]
    assert portal(user).get("/portal/findings/").status_code == 403
    client = portal(user, preview_of=provider_a)
    assert client.get(f"/portal/findings/{finding.pk}/").status_code == 200
    assert client.get(f"/portal/findings/{world[provider_b]['finding'].pk}/").status_code == 404
    assert client.post(f"/portal/findings/{finding.pk}/",
                       {"provider_response": "x"}).status_code == 403
    assert client.post(f"/portal/incidents/{world[provider_a]['incident'].pk}/",
                       {"description": "x"}).status_code == 403
    finding.refresh_from_db()
    assert finding.provider_response == ""


def test_markup_from_either_side_is_escaped(users, provider_a):
    finding = FindingFactory(provider=provider_a, title=f"F {XSS}", description=XSS)
    incident = IncidentFactory(provider=provider_a, title=f"I {XSS}", root_cause=XSS)
    CorrectiveActionFactory(finding=finding, description=XSS)
    client = portal(users["contact_a"])
    client.post(f"/portal/findings/{finding.pk}/", {"provider_response": XSS})
    client.post(f"/portal/incidents/{incident.pk}/", {"description": XSS})
    internal = force_login(Client(), users[Role.ADMIN])
    pages = [(client, u) for u in ("/portal/", "/portal/findings/",
                                   f"/portal/findings/{finding.pk}/", "/portal/incidents/",
                                   f"/portal/incidents/{incident.pk}/")]
    pages += [(internal, u) for u in (finding.get_absolute_url(), incident.get_absolute_url(),
                                      "/oversight/findings/", "/oversight/actions/",
                                      provider_a.get_absolute_url(), "/")]
    for who, url in pages:
        body = who.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url


@pytest.mark.parametrize("route", ["", "findings/", "findings/{finding}/", "incidents/",
                                   "incidents/{incident}/", "audits/"])
def test_portal_pages_keep_to_the_query_budget(route, users, world, provider_a,
                                               django_assert_max_num_queries):
    own = world[provider_a]
    for _ in range(5):
        CorrectiveActionFactory(finding=own["finding"])
        CorrectiveActionFactory(finding=None, incident=own["incident"])
    url = "/portal/" + route.format(finding=own["finding"].pk, incident=own["incident"].pk)
    client = portal(users["contact_a"])
    # The home page gathers every portal section's card: see HOME_BUDGET in
    # tests/portal/test_portal_queries.py for where its 16 go.
    with django_assert_max_num_queries(16 if route == "" else 15):
        assert client.get(url).status_code == 200
