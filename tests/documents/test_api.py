"""Documents and requests over the API: upload, metadata, numbered copies, role checks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import ArrangementFactory, InformationRequestFactory, pdf_bytes
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.documents.models import Document, DocumentCopy
from tether.documents.watermark import read_watermark
from tether.portal.models import InformationRequest

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def upload(client, **fields):
    data = {"file": SimpleUploadedFile("dora-annex.pdf", pdf_bytes()), "title": "DORA annex",
            "kind": "contract", "confidentiality": 2, **fields}
    return client.post("/api/documents/documents/", data, format="multipart")


def test_upload_list_download_and_edit(users, provider_a):
    arrangement = ArrangementFactory(provider=provider_a)
    client = api(users[Role.VENDOR_MANAGER])

    response = upload(client, arrangement=arrangement.pk, shared_with_provider="true")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["provider"], body["arrangement"], body["media_type"]) == (
        provider_a.pk, arrangement.pk, "application/pdf")
    listed = client.get("/api/documents/documents/", {"provider": provider_a.pk}).json()
    assert [d["id"] for d in listed["results"]] == [body["id"]]

    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert read_watermark(download.content) == download["X-Tether-Copy"] == \
        DocumentCopy.objects.get().copy_id

    changed = client.patch(f"/api/documents/documents/{body['id']}/",
                           {"valid_until": "2027-01-31"}, format="json")
    assert changed.status_code == 200 and changed.json()["valid_until"] == "2027-01-31"
    entry = AuditEntry.objects.filter(action="update", content_type__model="document").get()
    assert entry.source == "api" and entry.after["valid_until"] == "2027-01-31"


@pytest.mark.parametrize("name, data, message", [
    ("notes.pdf", b"MZ\x90\x00" + bytes(100), "windows executable"),
    ("empty.pdf", b"", "empty"),
    ("report.pdf", b"\x89PNG\r\n\x1a\n" + bytes(100), "png"),
])
def test_bad_uploads_are_400_with_a_reason(users, name, data, message):
    response = api(users[Role.VENDOR_MANAGER]).post(
        "/api/documents/documents/",
        {"file": SimpleUploadedFile(name, data), "title": "x", "kind": "other"},
        format="multipart")
    assert response.status_code == 400
    assert message in str(response.json()).lower()
    assert not Document.objects.exists()


def test_path_traversal_in_the_file_name_goes_nowhere(users, settings):
    response = api(users[Role.VENDOR_MANAGER]).post(
        "/api/documents/documents/",
        {"file": SimpleUploadedFile("../../../etc/passwd.txt", b"root:x:0:0"), "title": "x",
         "kind": "other"}, format="multipart")
    assert response.status_code == 201
    document = Document.objects.get()
    assert document.file_name == "passwd.txt"
    stored = list(settings.TETHER_DOCUMENTS_DIR.rglob("*.tdoc"))
    assert [path.name for path in stored] == [document.blob_name.split("/")[-1]]


def test_arrangement_of_another_provider_is_refused(users, provider_a, provider_b):
    arrangement = ArrangementFactory(provider=provider_b)
    response = upload(api(users[Role.VENDOR_MANAGER]), provider=provider_a.pk,
                      arrangement=arrangement.pk)
    assert response.status_code == 400 and "another provider" in str(response.json())


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, "contact_a"])
def test_roles_without_write_rights_cannot_upload(users, role):
    response = upload(api(users[role]))
    assert response.status_code == 403 and not Document.objects.exists()


def test_contacts_have_no_internal_api(users, provider_a):
    InformationRequestFactory(provider=provider_a)
    client = api(users["contact_a"])
    assert client.get("/api/portal/requests/").status_code == 403
    assert client.get("/api/documents/documents/").status_code == 403


def test_requests_over_the_api(users, provider_a):
    client = api(users[Role.RISK_OFFICER])
    response = client.post("/api/portal/requests/", {
        "provider": provider_a.pk, "title": "Exit plan", "question": "Send your exit plan.",
        "answer": "forged answer"}, format="json")
    assert response.status_code == 201, response.json()
    item = InformationRequest.objects.get()
    assert item.answer == "" and item.requested_by == users[Role.RISK_OFFICER]
    assert client.get("/api/portal/invitations/").status_code == 200
