"""Documents end to end: encrypted at rest, numbered copies, key rotation, trace, reminders."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import ArrangementFactory, make_document, pdf_bytes, png_bytes
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.documents import storage
from tether.documents.crypto import DocumentIntegrityError, generate_key_spec
from tether.documents.models import Document, DocumentCopy
from tether.documents.services import issue_copy

pytestmark = pytest.mark.django_db


def stored_bytes(document) -> bytes:
    return (storage.documents_dir() / document.blob_name).read_bytes()


def test_file_is_encrypted_at_rest_and_comes_back_intact(users, provider_a):
    data = pdf_bytes(pages=2) + b"%MARKER-PLAINTEXT"
    document = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a,
                             data=data, name="contract.pdf")
    on_disk = stored_bytes(document)
    assert b"MARKER-PLAINTEXT" not in on_disk and b"%PDF" not in on_disk
    copy = issue_copy(document, recipient=users[Role.ADMIN], via_portal=False, original=True)
    assert copy.content == data and not copy.copy.watermarked
    audit = AuditEntry.objects.get(content_type__model="document", action="create")
    assert audit.after["sha256"] == document.sha256 and audit.actor == users[Role.VENDOR_MANAGER]


def test_tampered_file_is_refused(users, provider_a):
    document = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a)
    path = storage.documents_dir() / document.blob_name
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0xFF
    path.write_bytes(bytes(blob))
    with pytest.raises(DocumentIntegrityError):
        issue_copy(document, recipient=users[Role.ADMIN], via_portal=False)
    assert not DocumentCopy.objects.exists()


def test_swapped_files_between_documents_are_detected(users, provider_a):
    first = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a)
    second = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a,
                           data=png_bytes(), name="photo.png")
    (storage.documents_dir() / second.blob_name).write_bytes(stored_bytes(first))
    with pytest.raises(DocumentIntegrityError):
        issue_copy(second, recipient=users[Role.ADMIN], via_portal=False)


def test_only_document_managers_get_the_unmarked_original(login, users, provider_a):
    document = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a)
    executive = login(users[Role.EXECUTIVE])
    assert executive.get(f"/documents/{document.pk}/download/?original=1").status_code == 403
    response = executive.get(f"/documents/{document.pk}/download/")
    assert response.status_code == 200 and response.content != pdf_bytes()
    assert DocumentCopy.objects.get().watermarked


def test_rotation_reencrypts_everything_under_the_new_key(users, provider_a, settings):
    documents = [make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a,
                               data=pdf_bytes(pages=n)) for n in (1, 2, 3)]
    old_blobs = [storage.documents_dir() / d.blob_name for d in documents]
    new_spec = generate_key_spec()
    settings.TETHER_DOCUMENT_KEYS = [new_spec, *settings.TETHER_DOCUMENT_KEYS]

    out = io.StringIO()
    call_command("rotate_document_keys", stdout=out)

    assert "Re-encrypted 3 document(s)" in out.getvalue()
    new_id = new_spec.split(":")[0]
    for document, old_blob in zip(documents, old_blobs, strict=True):
        document.refresh_from_db()
        assert document.key_id == new_id and not old_blob.exists()
        copy = issue_copy(document, recipient=users[Role.ADMIN], via_portal=False, original=True)
        assert len(copy.content) == document.size
    settings.TETHER_DOCUMENT_KEYS = [new_spec]  # the old key can now go
    issue_copy(documents[0], recipient=users[Role.ADMIN], via_portal=False, original=True)


def test_trace_names_the_recipient_of_a_leaked_copy(tmp_path, login, users, provider_a):
    document = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a,
                             shared_with_provider=True, title="Pricing annex")
    leaked = login(users["contact_a"]).get(f"/portal/documents/{document.pk}/download/")
    leak = tmp_path / "found-on-the-internet.pdf"
    leak.write_bytes(leaked.content)

    out = io.StringIO()
    call_command("trace", str(leak), stdout=out)

    copy = DocumentCopy.objects.get()
    assert copy.copy_id in out.getvalue() and "contact-a" in out.getvalue()
    assert "Pricing annex" in out.getvalue() and "provider portal" in out.getvalue()


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"just some text, not a document", ""),
    (b"%PDF-1.7\n garbage", ""),
])
def test_trace_of_malformed_or_unmarked_files_is_a_clear_error(tmp_path, content, message,
                                                               db):
    path = tmp_path / "suspect.pdf"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("trace", str(path))
    assert str(path) in str(error.value) and message in str(error.value).lower()


def test_trace_of_a_missing_file(tmp_path, db):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("trace", str(tmp_path / "nope.pdf"))


def test_expiry_reminders_go_once_to_the_people_concerned(users, provider_a):
    manager = users[Role.VENDOR_MANAGER]
    manager.email = "manager@ours.example"
    manager.save()
    contact = users["contact_a"]
    contact.email = "contact@alpha.example"
    contact.save()
    today = timezone.localdate()
    make_document(actor=contact, attached_to=provider_a, kind="iso27001",
                  title="ISO cert", valid_until=today + timedelta(days=20))
    make_document(actor=manager, attached_to=provider_a, title="Far away",
                  valid_until=today + timedelta(days=200))
    make_document(actor=manager, attached_to=provider_a, title="Expired already",
                  valid_until=today - timedelta(days=1))

    call_command("document_reminders", stdout=io.StringIO())
    call_command("document_reminders", stdout=io.StringIO())

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "ISO cert" in message.subject
    # The provider renews it; our vendor managers follow up, as no one of ours uploaded it.
    assert message.to == ["contact@alpha.example", "manager@ours.example"]
    assert Document.objects.get(title="ISO cert").reminded_on == today


def test_reminder_is_sent_again_after_renewal(users, provider_a):
    manager = users[Role.VENDOR_MANAGER]
    manager.email = "manager@ours.example"
    manager.save()
    today = timezone.localdate()
    document = make_document(actor=manager, attached_to=provider_a,
                             valid_until=today + timedelta(days=5))
    call_command("document_reminders", stdout=io.StringIO())
    Document.objects.filter(pk=document.pk).update(
        valid_until=today + timedelta(days=30), reminded_on=today - timedelta(days=400))
    call_command("document_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 2


def test_internal_upload_attaches_to_an_arrangement(login, users, provider_a):
    arrangement = ArrangementFactory(provider=provider_a)
    client = login(users[Role.SECURITY_OFFICER])
    response = client.post(
        f"/documents/add/?attach=registry.arrangement:{arrangement.pk}",
        {"file": SimpleUploadedFile("soc2.pdf", pdf_bytes()), "title": "SOC 2",
         "kind": "soc_report", "confidentiality": 2, "remind_days_before": 30})
    assert response.status_code == 302, response.content.decode()[:3000]
    document = Document.objects.get()
    assert (document.arrangement, document.provider, document.attached_to) == (
        arrangement, provider_a, arrangement)


@pytest.mark.parametrize("spec", ["core.user:1", "core.auditentry:1", "nope.nothing:1",
                                  "registry.provider:abc", "registry.provider", "../../etc:1",
                                  "documents.document:1"])
def test_hostile_attachment_targets_are_refused(login, users, spec):
    client = login(users[Role.VENDOR_MANAGER])
    response = client.post(f"/documents/add/?attach={spec}",
                           {"file": SimpleUploadedFile("a.pdf", pdf_bytes()), "title": "x",
                            "kind": "other", "confidentiality": 1, "remind_days_before": 30})
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_deleting_a_document_removes_its_file(login, users, provider_a):
    document = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a)
    path = storage.documents_dir() / document.blob_name
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = login(users[Role.VENDOR_MANAGER]).post(f"/documents/{document.pk}/delete/")
    assert response.status_code == 302
    assert not Document.objects.exists() and not path.exists()


def test_signed_on_is_only_for_agreements(users, provider_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="signed"):
        make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a,
                      kind="policy", signed_on=timezone.localdate())
    assert not Document.objects.exists()
    assert not any(storage.documents_dir().rglob("*.tdoc")) if storage.documents_dir().exists() \
        else True


def test_any_register_object_shows_its_documents_and_offers_to_attach(login, users):
    from tests.factories import ServiceFactory

    service = ServiceFactory(name="Payroll")
    make_document(actor=users[Role.VENDOR_MANAGER], attached_to=service, title="Payroll SLA")
    manager_page = login(users[Role.VENDOR_MANAGER]).get(service.get_absolute_url())
    body = manager_page.content.decode()
    assert "Payroll SLA" in body
    assert f"attach=registry.service:{service.pk}" in body
    executive_page = login(users[Role.EXECUTIVE]).get(service.get_absolute_url()).content
    assert b"Payroll SLA" in executive_page and b"Attach a document" not in executive_page


def test_a_new_key_can_be_printed_for_the_environment(db):
    from tether.documents.crypto import KeyRing

    out = io.StringIO()
    call_command("rotate_document_keys", "--print-new-key", stdout=out)
    spec = out.getvalue().strip()
    assert KeyRing([spec]).active_key_id == spec.split(":")[0]
