"""Hostile text and files exchanged with providers stay inert on both sides of the portal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import InformationRequestFactory, make_document, pdf_bytes
from tether.core.roles import Role
from tether.documents.models import Document
from tether.portal.models import Invitation
from tether.portal.services import request_answer

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def assert_inert(body: str, where: str):
    assert "<script>alert" not in body, where
    assert "<img src=x" not in body, where


def test_markup_from_either_side_is_escaped_everywhere(users, login, provider_a):
    contact = users["contact_a"]
    contact.first_name = XSS
    contact.save()
    item = InformationRequestFactory(provider=provider_a, title=f"Q {XSS}", question=XSS,
                                     internal_note=XSS)
    request_answer(item, actor=contact, answer=XSS)
    ours = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a,
                         shared_with_provider=True, title=f"Doc {XSS}", description=XSS,
                         name=f'{XSS}".pdf')
    theirs = make_document(actor=contact, attached_to=item, title=f"Cert {XSS}",
                           name="cert<svg onload=alert(1)>.pdf")
    Invitation.objects.create(provider=provider_a, email="x@example.com", first_name=XSS,
                              token_hash="0" * 64, expires_at="2030-01-01T00:00Z")

    internal = login(users[Role.ADMIN])
    for url in ["/requests/", item.get_absolute_url(), "/documents/", ours.get_absolute_url(),
                theirs.get_absolute_url(), "/invitations/", provider_a.get_absolute_url(),
                f"{ours.get_absolute_url()}history/", "/audit/"]:
        response = internal.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)
    portal = login(contact)
    for url in ["/portal/", "/portal/requests/", f"/portal/requests/{item.pk}/",
                "/portal/documents/"]:
        assert_inert(portal.get(url).content.decode(), url)

    download = portal.get(f"/portal/documents/{ours.pk}/download/")
    disposition = download["Content-Disposition"]
    assert "\n" not in disposition and "<script>" not in disposition.split("filename*=")[0]


@pytest.mark.parametrize("name", ["../../../../etc/cron.d/evil.pdf", "..\\..\\boot.pdf",
                                  "C:\\Windows\\evil.pdf", "a\x00b.pdf", "\u202eevil.pdf",
                                  "x" * 5000 + ".pdf"])
def test_file_names_never_choose_where_a_file_is_stored(users, login, settings, name):
    response = login(users["contact_a"]).post("/portal/documents/", {
        "file": SimpleUploadedFile(name, pdf_bytes()), "title": "t", "kind": "other"})
    assert response.status_code in (200, 302)
    root = settings.TETHER_DOCUMENTS_DIR.resolve()
    for path in root.rglob("*") if root.exists() else []:
        assert root in path.resolve().parents
    for document in Document.objects.all():
        assert "/" not in document.file_name and "\\" not in document.file_name
        assert "\x00" not in document.file_name and len(document.file_name) <= 160


@pytest.mark.parametrize("data", [b"%PDF-1.4\n" + b"\x00" * 500, b"\xff\xd8\xff" + bytes(50),
                                  b"GIF89a" + bytes(3), b"<svg onload=alert(1)></svg>",
                                  b"<html><script>alert(1)</script></html>",
                                  b"#!/bin/sh\nrm -rf /"])
def test_malformed_and_dangerous_files_are_refused_without_trace(users, login, settings, data):
    response = login(users["contact_a"]).post("/portal/documents/", {
        "file": SimpleUploadedFile("file.pdf", data), "title": "t", "kind": "other"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode() or "invalid-feedback" in \
        response.content.decode()
    assert not Document.objects.exists()
