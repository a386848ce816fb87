"""The register of information over the API: readiness, exports queued as jobs, packages."""

import io
import zipfile
from datetime import date

import pytest
from rest_framework.test import APIClient

from tests.accounts import force_login
from tests.factories import ArrangementFactory, OrganisationFactory
from tests.regulatory.factories import EntityProfileFactory, IctServiceFactory
from tether.core.jobs import run_job
from tether.core.models import AuditEntry, Job
from tether.core.roles import Role
from tether.regulatory import roi
from tether.regulatory.models import ExportStatus, IctService, RegisterExport

pytestmark = pytest.mark.django_db
REFERENCE = "2025-12-31"


def api(user) -> APIClient:
    return force_login(APIClient(), user)


@pytest.fixture
def bank():
    bank = EntityProfileFactory().organisation
    IctServiceFactory(arrangement=ArrangementFactory(organisation=bank), organisation=bank)
    return bank


def test_an_export_is_queued_built_and_downloaded_with_its_audit(bank, users,
                                                                 django_capture_on_commit_callbacks):
    client = api(users[Role.VENDOR_MANAGER])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        answer = client.post("/api/regulatory/exports/", {
            "organisation": bank.pk, "reference_date": REFERENCE, "scope": "ind"}, format="json")
    assert answer.status_code == 202, answer.content
    body = answer.json()
    export = RegisterExport.objects.get(pk=body["id"])
    assert body["status"] == "queued" and body["package_url"] == "" and len(queued) == 1
    assert body["consolidated"] is False and body["job"] == export.job_id
    assert AuditEntry.objects.filter(content_type__model="registerexport", action="create",
                                     source="api").count() == 1
    assert client.get(f"/api/regulatory/exports/{export.pk}/package/").status_code == 404

    run_job.call(export.job_id)
    detail = client.get(f"/api/regulatory/exports/{export.pk}/").json()
    assert detail["status"] == "done" and detail["ready_to_file"] is True
    assert detail["rows"] == roi.build_register(bank.lei, date(2025, 12, 31),
                                                consolidated=False).row_count
    assert detail["issues"] == [] or all(i["severity"] != "error" for i in detail["issues"])
    assert detail["package_url"].endswith(f"/api/regulatory/exports/{export.pk}/package/")

    package = api(users[Role.AUDITOR]).get(f"/api/regulatory/exports/{export.pk}/package/")
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"
    assert export.file_name in package["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert any(name.endswith("b_01.01.csv") for name in names)
    downloads = AuditEntry.objects.filter(content_type__model="registerexport",
                                          action="download")
    assert [(d.actor_name, d.source) for d in downloads] == [(users[Role.AUDITOR].username, "api")]
    assert downloads[0].changed_fields() == []  # a download changes nothing


def test_the_list_does_not_carry_issues_and_filters_are_checked(bank, users):
    client = api(users[Role.RISK_OFFICER])
    client.post("/api/regulatory/exports/", {"organisation": bank.pk,
                                             "reference_date": REFERENCE}, format="json")
    listing = client.get("/api/regulatory/exports/").json()
    assert listing["count"] == 1 and "issues" not in listing["results"][0]
    assert client.get("/api/regulatory/exports/?status=done").json()["count"] == 0
    assert client.get(f"/api/regulatory/exports/?organisation={bank.pk}").json()["count"] == 1
    assert client.get("/api/regulatory/exports/?status=nonsense").status_code == 400


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"organisation": None, "reference_date": REFERENCE}, "organisation", "required"),
    ({"organisation": 10**9, "reference_date": REFERENCE}, "organisation", "does not exist"),
    ({"organisation": "'; DROP TABLE x;--", "reference_date": REFERENCE}, "organisation",
     "Incorrect type"),
    ({"reference_date": "31/12/2025"}, "reference_date", "wrong format"),
    ({"reference_date": REFERENCE, "scope": "everything"}, "scope", "not a valid choice"),
])
def test_bad_requests_name_the_field_and_queue_nothing(bank, users, data, field, words):
    data = {key: value for key, value in {"organisation": bank.pk, **data}.items()
            if value is not None}
    answer = api(users[Role.ADMIN]).post("/api/regulatory/exports/", data, format="json")
    assert answer.status_code == 400
    assert words in " ".join(answer.json()[field])
    assert not RegisterExport.objects.exists() and not Job.objects.exists()


def test_an_entity_without_a_dora_profile_or_lei_is_refused(users):
    plain = OrganisationFactory()
    answer = api(users[Role.ADMIN]).post("/api/regulatory/exports/", {
        "organisation": plain.pk, "reference_date": REFERENCE}, format="json")
    assert answer.status_code == 400 and "organisation" in answer.json()
    nameless = EntityProfileFactory(organisation__lei=None).organisation
    answer = api(users[Role.ADMIN]).post("/api/regulatory/exports/", {
        "organisation": nameless.pk, "reference_date": REFERENCE}, format="json")
    assert answer.status_code == 400
    assert answer.json()["organisation"] == ["The entity needs an LEI to file a register."]


def test_readers_cannot_export_and_contacts_see_nothing(bank, users):
    reader = api(users[Role.EXECUTIVE])
    data = {"organisation": bank.pk, "reference_date": REFERENCE}
    assert reader.post("/api/regulatory/exports/", data, format="json").status_code == 403
    assert reader.get("/api/regulatory/exports/").status_code == 200
    assert reader.get("/api/regulatory/readiness/", data).status_code == 200
    contact = api(users["contact_a"])
    assert contact.get("/api/regulatory/exports/").status_code == 403
    assert contact.get("/api/regulatory/readiness/", data).status_code == 403
    assert APIClient().get("/api/regulatory/readiness/", data).status_code in (401, 403)


def test_exports_are_not_changed_or_deleted_over_the_api(bank, users):
    client = api(users[Role.ADMIN])
    export_id = client.post("/api/regulatory/exports/", {
        "organisation": bank.pk, "reference_date": REFERENCE}, format="json").json()["id"]
    assert client.patch(f"/api/regulatory/exports/{export_id}/", {"rows": 1},
                        format="json").status_code == 405
    assert client.delete(f"/api/regulatory/exports/{export_id}/").status_code == 405
    assert RegisterExport.objects.get(pk=export_id).status == ExportStatus.QUEUED


def test_readiness_counts_rows_and_links_each_issue_to_its_object(bank, users):
    client = api(users[Role.RISK_OFFICER])
    query = {"organisation": bank.pk, "reference_date": REFERENCE, "scope": "ind"}
    ready = client.get("/api/regulatory/readiness/", query).json()
    register = roi.build_register(bank.lei, date(2025, 12, 31), consolidated=False)
    assert ready["rows"] == {code: len(rows) for code, rows in register.rows.items()}
    assert ready["consolidated"] is False and ready["errors"] == 0

    service = IctService.objects.get()
    IctService.objects.filter(pk=service.pk).update(reliance="eba_ZZ:bogus")
    broken = client.get("/api/regulatory/readiness/", query).json()
    assert broken["errors"] >= 1
    first = broken["issues"][0]
    assert first["severity"] == "error" and "eba_ZZ:bogus" in first["message"]
    assert first["url"] == f"/regulatory/ict-services/{service.pk}/edit/" and first["column"]
    assert client.get("/api/regulatory/readiness/",
                      {**query, "reference_date": "tomorrow"}).status_code == 400


def test_the_schema_describes_the_filing_endpoints(users):
    schema = api(users[Role.ADMIN]).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "post" in paths["/api/regulatory/exports/"]
    assert "application/zip" in str(paths["/api/regulatory/exports/{id}/package/"]["get"])
    assert "/api/regulatory/readiness/" in paths
