"""Oversized uploads are refused before their body is read, in the app and the API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from tether.core.roles import Role
from tether.core.uploads import LimitedUploadHandler, upload_limit
from tether.documents.models import Document

pytestmark = pytest.mark.django_db


def test_announced_oversize_gets_413_without_reading_the_body(login, users, settings):
    settings.TETHER_DOCUMENT_MAX_BYTES = 1024
    client = login(users["contact_a"])
    response = client.generic("POST", "/portal/documents/", b"x" * 10,
                              content_type="multipart/form-data; boundary=zz",
                              CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413
    assert "The upload is 50 MB; the limit here is" in response.content.decode()
    assert not Document.objects.exists()


def test_api_answers_413_as_json(login, users, settings):
    client = login(users[Role.VENDOR_MANAGER])
    response = client.generic("POST", "/api/documents/documents/", b"",
                              content_type="multipart/form-data; boundary=zz",
                              CONTENT_LENGTH=str(settings.TETHER_DOCUMENT_MAX_BYTES * 3))
    assert response.status_code == 413 and "limit" in response.json()["detail"]


def test_imports_have_their_own_larger_limit(settings):
    settings.TETHER_IMPORT_MAX_BYTES = 200 * 1024 * 1024
    settings.TETHER_DOCUMENT_MAX_BYTES = 25 * 1024 * 1024
    assert upload_limit("/registry/import/") > upload_limit("/portal/documents/")


@pytest.mark.parametrize("path", ["/api/performance/measurements/bulk/",
                                  "/performance/measurements/upload/",
                                  "/portal/measurements/upload/"])
def test_measurement_deliveries_have_the_import_limit(settings, path):
    settings.TETHER_IMPORT_MAX_BYTES = 200 * 1024 * 1024
    settings.TETHER_DOCUMENT_MAX_BYTES = 25 * 1024 * 1024
    assert upload_limit(path) == upload_limit("/registry/import/")
    assert upload_limit(path) > upload_limit("/portal/measurements/")


def test_a_body_that_grows_past_the_limit_unannounced_is_cut_off(settings):
    from django.core.files.uploadhandler import StopUpload

    settings.TETHER_DOCUMENT_MAX_BYTES = 0
    request = RequestFactory().post("/portal/documents/")
    handler = LimitedUploadHandler(request)
    handler.handle_raw_input(io.BytesIO(), request.META, None, b"zz")
    handler.receive_data_chunk(b"x" * 1024, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * (1024 * 1024), 1024)


def test_uploads_within_the_limit_pass(login, users):
    from tests.factories import pdf_bytes

    response = login(users["contact_a"]).post("/portal/documents/", {
        "file": SimpleUploadedFile("ok.pdf", pdf_bytes()), "title": "ok", "kind": "other"})
    assert response.status_code == 302 and Document.objects.count() == 1
