"""The provider portal: invitations, requests and answers, shared documents, preview."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.factories import (
    ArrangementFactory,
    InformationRequestFactory,
    make_document,
    pdf_bytes,
)
from tether.core.models import AuditEntry, User
from tether.core.roles import Role
from tether.documents.models import Document, DocumentCopy
from tether.portal.models import InformationRequest, Invitation, RequestStatus
from tether.registry.choices import Confidentiality

pytestmark = pytest.mark.django_db


def invite(login, users, provider, email="dana@alpha.example"):
    manager = login(users[Role.VENDOR_MANAGER])
    response = manager.post("/invitations/send/", {"provider": provider.pk, "email": email,
                                                   "first_name": "Dana"})
    assert response.status_code == 302, response.content.decode()[:2000]
    link = re.search(r"https?://\S+/invite/(\S+)/", mail.outbox[-1].body)
    return link.group(1)


def accept(token, username="dana", password="a-Long-enough-passphrase-7"):
    client = Client()
    response = client.post(f"/invite/{token}/", {"username": username, "password": password,
                                                 "password_again": password})
    return client, response


class TestInvitation:
    def test_invited_contact_sets_password_and_lands_in_their_portal(self, login, users,
                                                                     provider_a):
        token = invite(login, users, provider_a)
        assert mail.outbox[-1].to == ["dana@alpha.example"]
        assert Client().get(f"/invite/{token}/").status_code == 200

        client, response = accept(token)

        assert response.status_code == 302 and response["Location"] == "/portal/"
        user = User.objects.get(username="dana")
        assert (user.role, user.provider, user.email) == (Role.PROVIDER_CONTACT, provider_a,
                                                          "dana@alpha.example")
        page = client.get("/portal/")
        assert page.status_code == 200 and provider_a.name in page.content.decode()
        assert client.get("/").status_code == 302  # the internal dashboard sends them home
        invitation = Invitation.objects.get()
        assert invitation.state == "accepted" and invitation.user == user

    def test_token_is_single_use(self, login, users, provider_a):
        token = invite(login, users, provider_a)
        accept(token)
        client, response = accept(token, username="mallory")
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
        assert not User.objects.filter(username="mallory").exists()

    def test_expired_and_withdrawn_links_do_not_work(self, login, users, provider_a):
        token = invite(login, users, provider_a)
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert "expired" in accept(token)[1].content.decode()

        token = invite(login, users, provider_a, email="eve@alpha.example")
        invitation = Invitation.objects.get(email="eve@alpha.example")
        response = login(users[Role.VENDOR_MANAGER]).post(
            f"/invitations/{invitation.pk}/revoke/")
        assert response.status_code == 302
        assert accept(token, username="eve")[1].status_code == 410
        assert not User.objects.filter(username="eve").exists()

    def test_only_the_digest_of_the_token_is_stored(self, login, users, provider_a):
        token = invite(login, users, provider_a)
        invitation = Invitation.objects.get()
        assert token not in invitation.token_hash and len(invitation.token_hash) == 64
        assert token not in str(AuditEntry.objects.filter(object_repr__contains="Invitation")
                                .values_list("after", flat=True))

    def test_unknown_token_and_weak_password_are_refused(self, login, users, provider_a):
        assert Client().get("/invite/not-a-token/").status_code == 410
        token = invite(login, users, provider_a)
        client, response = accept(token, password="short")
        assert response.status_code == 200 and "too short" in response.content.decode()
        assert Invitation.objects.get().state == "pending"

    def test_read_only_roles_cannot_invite(self, login, users, provider_a):
        response = login(users[Role.EXECUTIVE]).post(
            "/invitations/send/", {"provider": provider_a.pk, "email": "x@y.example"})
        assert response.status_code == 403 and not Invitation.objects.exists()


class TestRequests:
    def test_contact_sees_only_their_providers_requests_without_internal_notes(
            self, login, users, provider_a, provider_b):
        own = InformationRequestFactory(provider=provider_a, internal_note="SECRET-RATING-42")
        other = InformationRequestFactory(provider=provider_b, title="Beta only")
        client = login(users["contact_a"])
        listing = client.get("/portal/requests/").content.decode()
        assert own.title in listing and "Beta only" not in listing
        page = client.get(f"/portal/requests/{own.pk}/").content.decode()
        assert own.question in page and "SECRET-RATING-42" not in page
        assert client.get(f"/portal/requests/{other.pk}/").status_code == 404

    def test_contact_answers_and_the_company_accepts(self, login, users, provider_a):
        item = InformationRequestFactory(provider=provider_a)
        contact = login(users["contact_a"])
        response = contact.post(f"/portal/requests/{item.pk}/", {"answer": "Attached, valid."})
        assert response.status_code == 302
        item.refresh_from_db()
        assert (item.status, item.answer, item.answered_by) == (
            RequestStatus.ANSWERED, "Attached, valid.", users["contact_a"])
        entry = AuditEntry.objects.filter(object_id=str(item.pk), action="update").latest("id")
        assert entry.actor == users["contact_a"] and entry.source == "portal"

        again = contact.post(f"/portal/requests/{item.pk}/", {"answer": "Changed my mind"})
        assert again.status_code == 200 and "not open for answers" in again.content.decode()

        manager = login(users[Role.VENDOR_MANAGER])
        manager.post(f"/requests/{item.pk}/review/", {"decision": "reopen"})
        item.refresh_from_db()
        assert item.status == RequestStatus.REOPENED
        contact.post(f"/portal/requests/{item.pk}/", {"answer": "Now with the annex."})
        manager.post(f"/requests/{item.pk}/review/", {"decision": "accept"})
        item.refresh_from_db()
        assert (item.status, item.answer) == (RequestStatus.ACCEPTED, "Now with the annex.")

    def test_contact_cannot_answer_another_providers_request(self, login, users, provider_b):
        other = InformationRequestFactory(provider=provider_b)
        response = login(users["contact_a"]).post(f"/portal/requests/{other.pk}/",
                                                  {"answer": "hijack"})
        assert response.status_code == 404
        other.refresh_from_db()
        assert other.answer == "" and other.status == RequestStatus.OPEN

    def test_contact_attaches_a_file_to_a_request(self, login, users, provider_a):
        item = InformationRequestFactory(provider=provider_a)
        upload = _file("iso-cert.pdf", pdf_bytes())
        response = login(users["contact_a"]).post(
            f"/portal/requests/{item.pk}/",
            {"action": "upload", "file": upload, "title": "ISO 27001", "kind": "iso27001"})
        assert response.status_code == 302
        document = Document.objects.get()
        assert (document.provider, document.attached_to, document.uploaded_by_provider,
                document.shared_with_provider) == (provider_a, item, True, True)

    def test_arrangement_must_belong_to_the_requests_provider(self, login, users, provider_a,
                                                               provider_b):
        arrangement = ArrangementFactory(provider=provider_b)
        response = login(users[Role.VENDOR_MANAGER]).post("/requests/add/", {
            "provider": provider_a.pk, "arrangement": arrangement.pk, "title": "T",
            "question": "Q", "status": "open"})
        assert "another provider" in response.content.decode()
        assert not InformationRequest.objects.exists()


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


class TestDocuments:
    def test_shared_pdf_is_listed_and_downloaded_watermarked_for_its_recipient(
            self, login, users, provider_a):
        from tether.documents.watermark import read_watermark

        manager = users[Role.VENDOR_MANAGER]
        document = make_document(actor=manager, attached_to=provider_a,
                                 shared_with_provider=True, title="Security schedule")
        hidden = make_document(actor=manager, attached_to=provider_a, title="Our own notes")
        client = login(users["contact_a"])
        listing = client.get("/portal/documents/").content.decode()
        assert "Security schedule" in listing and "Our own notes" not in listing
        assert client.get(f"/portal/documents/{hidden.pk}/download/").status_code == 404

        response = client.get(f"/portal/documents/{document.pk}/download/")

        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        copy = DocumentCopy.objects.get()
        assert read_watermark(response.content) == copy.copy_id == response["X-Tether-Copy"]
        assert copy.recipient == users["contact_a"] and copy.via_portal and copy.watermarked
        assert AuditEntry.objects.filter(after__copy_id=copy.copy_id).exists()

    def test_other_providers_contact_gets_nothing(self, login, users, provider_a):
        document = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a,
                                 shared_with_provider=True, title="Alpha schedule")
        client = login(users["contact_b"])
        assert "Alpha schedule" not in client.get("/portal/documents/").content.decode()
        assert client.get(f"/portal/documents/{document.pk}/download/").status_code == 404
        assert not DocumentCopy.objects.exists()

    def test_nda_gates_confidential_documents_until_a_signed_nda_is_on_file(
            self, login, users, provider_a):
        manager = users[Role.VENDOR_MANAGER]
        arrangement = ArrangementFactory(provider=provider_a,
                                         nda_required_from=Confidentiality.CONFIDENTIAL)
        secret = make_document(actor=manager, attached_to=arrangement, shared_with_provider=True,
                               title="Network design", confidentiality=Confidentiality.CONFIDENTIAL)
        make_document(actor=manager, attached_to=arrangement, shared_with_provider=True,
                      title="Public brochure", confidentiality=Confidentiality.PUBLIC)
        client = login(users["contact_a"])
        listing = client.get("/portal/documents/").content.decode()
        assert "Public brochure" in listing and "Network design" not in listing
        assert "once a signed non-disclosure agreement" in listing
        assert client.get(f"/portal/documents/{secret.pk}/download/").status_code == 404

        # A provider cannot unlock it by uploading an "NDA" themselves: only we sign it off.
        make_document(actor=users["contact_a"], attached_to=provider_a, kind="nda", title="NDA")
        assert client.get(f"/portal/documents/{secret.pk}/download/").status_code == 404

        make_document(actor=manager, attached_to=provider_a, kind="nda", title="Signed NDA",
                      signed_on=timezone.localdate())
        assert "Network design" in client.get("/portal/documents/").content.decode()
        assert client.get(f"/portal/documents/{secret.pk}/download/").status_code == 200

    def test_expired_nda_locks_again(self, login, users, provider_a):
        manager = users[Role.VENDOR_MANAGER]
        arrangement = ArrangementFactory(provider=provider_a,
                                         nda_required_from=Confidentiality.INTERNAL)
        secret = make_document(actor=manager, attached_to=arrangement, shared_with_provider=True,
                               confidentiality=Confidentiality.INTERNAL)
        today = timezone.localdate()
        make_document(actor=manager, attached_to=provider_a, kind="nda",
                      signed_on=today - timedelta(days=400), valid_from=today - timedelta(400),
                      valid_until=today - timedelta(days=1))
        assert login(users["contact_a"]).get(
            f"/portal/documents/{secret.pk}/download/").status_code == 404

    def test_contact_uploads_a_certificate(self, login, users, provider_a):
        response = login(users["contact_a"]).post("/portal/documents/", {
            "file": _file("soc2.pdf", pdf_bytes()), "title": "SOC 2 type II",
            "kind": "soc_report", "valid_until": "2027-06-30"})
        assert response.status_code == 302
        document = Document.objects.get()
        assert (document.provider, document.kind, str(document.valid_until)) == (
            provider_a, "soc_report", "2027-06-30")

    def test_mistyped_upload_is_refused_and_nothing_is_stored(self, login, users, settings):
        response = login(users["contact_a"]).post("/portal/documents/", {
            "file": _file("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 200), "title": "Invoice",
            "kind": "other"})
        assert response.status_code == 200
        assert "not allowed" in response.content.decode() or "content" in \
            response.content.decode()
        assert not Document.objects.exists()
        documents_dir = settings.TETHER_DOCUMENTS_DIR
        assert not documents_dir.exists() or not any(documents_dir.rglob("*.tdoc"))

    def test_oversized_upload_is_refused_with_the_limit(self, login, users, settings):
        settings.TETHER_DOCUMENT_MAX_BYTES = 1024
        response = login(users["contact_a"]).post("/portal/documents/", {
            "file": _file("big.pdf", pdf_bytes(pages=30)), "title": "Big", "kind": "other"})
        assert "the limit is" in response.content.decode()
        assert not Document.objects.exists()


class TestPreview:
    def test_internal_user_sees_the_portal_as_the_provider_read_only(self, login, users,
                                                                      provider_a, provider_b):
        InformationRequestFactory(provider=provider_a, title="Alpha question")
        InformationRequestFactory(provider=provider_b, title="Beta question")
        item = InformationRequest.objects.get(title="Alpha question")
        document = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a,
                                 shared_with_provider=True)
        client = login(users[Role.EXECUTIVE])
        assert client.get("/portal/").status_code == 403  # no preview chosen

        assert client.post(f"/portal/preview/{provider_a.pk}/").status_code == 302
        page = client.get("/portal/requests/").content.decode()
        assert "Alpha question" in page and "Beta question" not in page
        assert "as Alpha Outsourcing SA" in client.get("/portal/").content.decode()
        assert client.post(f"/portal/requests/{item.pk}/",
                           {"answer": "from preview"}).status_code == 403
        assert client.get(f"/portal/documents/{document.pk}/download/").status_code == 403

        client.post("/portal/preview/stop/")
        assert client.get("/portal/").status_code == 403

    def test_contacts_cannot_preview_another_provider(self, login, users, provider_b):
        client = login(users["contact_a"])
        assert client.post(f"/portal/preview/{provider_b.pk}/").status_code == 403
        assert "Beta" not in client.get("/portal/").content.decode()
