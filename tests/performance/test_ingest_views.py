"""The upload page, the template files, batch pages, and the portal's measurement pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from tests.performance.factories import MeasurementBatchFactory
from tests.performance.test_ingest_services import level_of
from tether.core.roles import Role
from tether.performance.choices import BatchStatus
from tether.performance.ingest import parse_file
from tether.performance.models import MeasurementBatch, MeasurementChunk
from tether.portal.access import PREVIEW_SESSION_KEY

pytestmark = pytest.mark.django_db

UPLOAD = "/performance/measurements/upload/"
TEMPLATE = "/performance/measurements/template/"
PORTAL = "/portal/measurements/"


def csv_file(rows: str, name="march.csv"):
    return SimpleUploadedFile(name, ("arrangement,level,at,value\n" + rows).encode())


def test_the_upload_page_queues_the_file_and_shows_its_batch(login, users, provider_a,
                                                             django_capture_on_commit_callbacks):
    level_of(provider_a, arrangement_reference="ARR-U")
    client = login(users[Role.VENDOR_MANAGER])
    assert client.get(UPLOAD).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"file": csv_file("ARR-U,AVAIL,2026-03-01,99\n"
                                                         "ARR-U,NOPE,2026-03-01,99\n")})
    batch = MeasurementBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="rejections"' in text and "NOPE" in text
    assert batch.job is not None


def test_a_malformed_upload_stays_on_the_form_with_the_reason(login, users):
    client = login(users[Role.VENDOR_MANAGER])
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("m.csv", b"\x00\x01\x02")})
    assert response.status_code == 200
    assert "binary data" in response.content.decode()
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("m.pdf", b"%PDF")})
    assert "Choose a .csv or .xlsx file" in response.content.decode()
    assert not MeasurementBatch.objects.exists()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, "contact_a"])
def test_roles_that_do_not_write_performance_cannot_upload(login, users, role):
    client = login(users[role])
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": csv_file("")}).status_code == 403


def test_the_templates_are_files_the_upload_reads(login, users, provider_a):
    level_of(provider_a, reference="PAY-AVAIL", arrangement_reference="ARR-0001")
    client = login(users[Role.AUDITOR])
    csv_response = client.get(TEMPLATE)
    assert csv_response["Content-Disposition"].endswith('measurements.csv"')
    parsed = parse_file(io.BytesIO(csv_response.content), filename="t.csv")
    assert parsed.accepted == 2 and parsed.rejected == 0
    xlsx_response = client.get(TEMPLATE + "?format=xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx_response.content)).get_sheet_by_index(0)
    assert sheet.to_python()[0] == ["arrangement", "level", "at", "value"]
    assert parse_file(io.BytesIO(xlsx_response.content), filename="t.xlsx").accepted == 2


def test_an_open_batch_page_polls_its_progress_fragment(login, users):
    batch = MeasurementBatchFactory(status=BatchStatus.PROCESSING)
    client = login(users[Role.EXECUTIVE])
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page
    fragment = client.get(batch.get_absolute_url(), HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="batch-progress")
    assert fragment.content.decode().startswith('<div id="batch-progress"')
    batch.status = BatchStatus.DONE
    batch.save()
    assert "every 2s" not in client.get(batch.get_absolute_url()).content.decode()


def test_the_batch_list_is_for_internal_users(login, users):
    MeasurementBatchFactory(file_name="feed.csv")
    assert "feed.csv" in login(users[Role.AUDITOR]).get("/performance/batches/").content.decode()
    assert login(users["contact_a"]).get("/performance/batches/").status_code == 403


# Portal -------------------------------------------------------------------------------------


def test_a_contact_sends_a_few_values_for_their_own_levels(login, users, provider_a,
                                                           provider_b):
    own, other = level_of(provider_a), level_of(provider_b, reference="THEIRS")
    client = login(users["contact_a"])
    page = client.get(PORTAL).content.decode()
    assert own.name in page and other.name not in page
    form = {"rows-TOTAL_FORMS": "5", "rows-INITIAL_FORMS": "0",
            "rows-0-level": str(own.pk), "rows-0-at": "2026-03-01", "rows-0-value": "99.5",
            "rows-1-level": str(other.pk), "rows-1-at": "2026-03-01", "rows-1-value": "1"}
    response = client.post(PORTAL, form)
    assert response.status_code == 200  # another provider's level is no choice of theirs
    assert not MeasurementBatch.objects.exists()
    form.pop("rows-1-level"), form.pop("rows-1-at"), form.pop("rows-1-value")
    response = client.post(PORTAL, form)
    batch = MeasurementBatch.objects.get()
    assert response.status_code == 302 and batch.provider == provider_a
    assert batch.source == "portal" and batch.accepted == 1
    assert client.get(response["Location"]).status_code == 200


def test_a_half_filled_row_is_an_error_on_the_form(login, users, provider_a):
    own = level_of(provider_a)
    client = login(users["contact_a"])
    response = client.post(PORTAL, {"rows-TOTAL_FORMS": "5", "rows-INITIAL_FORMS": "0",
                                    "rows-0-level": str(own.pk), "rows-0-value": "1"})
    assert "Give the level, the date and the value." in response.content.decode()
    assert not MeasurementBatch.objects.exists()


def test_a_contact_uploads_a_file_for_their_provider_only(login, users, provider_a, provider_b,
                                                          django_capture_on_commit_callbacks):
    level_of(provider_a, arrangement_reference="ARR-A")
    other = level_of(provider_b, arrangement_reference="ARR-B")
    client = login(users["contact_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PORTAL + "upload/", {"file": csv_file(
            "ARR-A,AVAIL,2026-03-01,99\nARR-B,AVAIL,2026-03-01,99\n")})
    batch = MeasurementBatch.objects.get()
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.accepted, batch.rejected) == (1, 1) and batch.provider == provider_a
    assert not MeasurementChunk.objects.filter(service_level=other).exists()
    assert "ARR-B" in client.get(response["Location"]).content.decode()


def test_a_contact_sees_only_their_providers_batches(login, users, provider_a, provider_b):
    theirs = MeasurementBatchFactory(provider=provider_b)
    mine = MeasurementBatchFactory(provider=provider_a)
    client = login(users["contact_a"])
    assert client.get(f"{PORTAL}batches/{mine.pk}/").status_code == 200
    assert client.get(f"{PORTAL}batches/{theirs.pk}/").status_code == 404
    assert client.get(f"{PORTAL}batches/{mine.pk}/", HTTP_HX_REQUEST="true",
                      HTTP_HX_TARGET="batch-progress").status_code == 200


def test_a_preview_of_the_portal_is_read_only(login, users, provider_a):
    own = level_of(provider_a)
    client = login(users[Role.VENDOR_MANAGER])
    session = client.session
    session[PREVIEW_SESSION_KEY] = provider_a.pk
    session.save()
    page = client.get(PORTAL)
    assert page.status_code == 200 and "Send values" not in page.content.decode()
    response = client.post(PORTAL, {"rows-TOTAL_FORMS": "5", "rows-INITIAL_FORMS": "0",
                                    "rows-0-level": str(own.pk), "rows-0-at": "2026-03-01",
                                    "rows-0-value": "1"})
    assert response.status_code == 403 and not MeasurementBatch.objects.exists()


def test_users_without_portal_access_are_refused(login, users):
    assert login(users[Role.AUDITOR]).get(PORTAL).status_code == 403


def test_batch_pages_read_a_bounded_number_of_queries(login, users, provider_a,
                                                      django_assert_max_num_queries):
    for _ in range(30):
        MeasurementBatchFactory(provider=provider_a, submitted_by=users[Role.VENDOR_MANAGER])
    batch = MeasurementBatch.objects.first()
    client = login(users[Role.AUDITOR])
    client.get("/performance/batches/")  # session and permissions warmed up
    with django_assert_max_num_queries(15):
        assert client.get("/performance/batches/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(batch.get_absolute_url()).status_code == 200


def test_the_portal_home_card_counts_own_levels_and_shows_the_latest_delivery(
        login, users, provider_a, provider_b):
    client = login(users["contact_a"])
    card = 'data-testid="portal-measurements-card"'
    page = client.get("/portal/").content.decode()
    assert card in page and "No service levels to report on." in page
    level_of(provider_a, arrangement_reference="ARR-H")
    level_of(provider_b, arrangement_reference="ARR-OTHER")
    MeasurementBatchFactory(provider=provider_b, status=BatchStatus.FAILED)
    page = client.get("/portal/").content.decode()
    assert "1 service level to report on." in page and "Last delivery" not in page
    latest = MeasurementBatchFactory(provider=provider_a, status=BatchStatus.DONE)
    page = client.get("/portal/").content.decode()
    assert f"Last delivery {latest.created:%Y-%m-%d}: done." in page
