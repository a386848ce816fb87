"""Readiness, exports (job, CLI, pages, download) and the DORA data's pages and rules."""

import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tests.factories import ArrangementFactory, OrganisationFactory
from tests.regulatory.factories import EntityProfileFactory, FunctionFactory, IctServiceFactory
from tether.core.jobs import run_job
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.regulatory import filing, roi
from tether.regulatory.models import ExportStatus, IctService, RegisterExport
from tether.regulatory.validation import ERROR, validate_tables

pytestmark = pytest.mark.django_db
REFERENCE = date(2025, 12, 31)


@pytest.fixture
def bank():
    bank = EntityProfileFactory().organisation
    IctServiceFactory(arrangement=ArrangementFactory(organisation=bank), organisation=bank)
    return bank


def run_export(bank, actor=None, **kwargs) -> RegisterExport:
    export = filing.export_request(actor=actor, organisation=bank, reference_date=REFERENCE,
                                   queue=False, **kwargs)
    run_job.call(export.job_id)
    export.refresh_from_db()
    return export


def test_optional_keys_are_only_optional_where_they_identify_nothing(bank):
    register = roi.build_register(bank.lei, REFERENCE)
    tables = register.tables

    def key_failures():
        return [(f.template, f.column) for f in validate_tables(tables,
                                                                parameters=register.parameters)
                if f.check == "805"]

    assert key_failures() == []  # rank 1 without recipient, no branch without code
    tables["B_04.01"][0]["c0030"] = "eba_ZZ:x838"  # a branch must name its code
    tables["B_05.02"].append({**tables["B_05.02"][0], "c0050": "2"})
    assert sorted(key_failures()) == [("B_04.01", "c0040"), ("B_05.02", "c0060")]


def test_the_export_job_keeps_a_validated_package_and_its_audit(bank, users):
    officer = users[Role.RISK_OFFICER]
    export = run_export(bank, officer)
    assert export.status == ExportStatus.DONE and export.ready_to_file
    assert export.rows == roi.build_register(bank.lei, REFERENCE).row_count
    archive = zipfile.ZipFile(io.BytesIO(bytes(export.artefact.content)))
    assert archive.namelist()[0].startswith(export.file_name.removesuffix(".zip"))
    entry = AuditEntry.objects.get(content_type__model="registerexport", object_id=export.pk)
    assert entry.actor == officer and "content" not in entry.after
    # Run again (a worker died after finishing): the same export, replaced, not doubled.
    run_job.call(export.job_id)
    assert RegisterExport.objects.count() == 1


def test_an_export_of_an_entity_without_profile_fails_with_the_reason(users):
    plain = OrganisationFactory(lei="5493001KJTIIGC8Y1R12")
    export = filing.export_request(actor=None, organisation=plain, reference_date=REFERENCE,
                                   queue=False)
    run_job.call(export.job_id)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "no DORA profile" in export.message


def test_cli_writes_the_package_and_fails_on_errors(bank, tmp_path):
    call_command("export_dora", entity=bank.lei, date="2025-12-31", output=str(tmp_path))
    written = list(tmp_path.glob("*.zip"))
    assert len(written) == 1 and written[0].name.startswith(f"{bank.lei}.")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("export_dora", entity=bank.lei, date="31/12/2025", output=str(tmp_path))
    with pytest.raises(CommandError, match="No organisation has the LEI"):
        call_command("export_dora", entity="5493001KJTIIGC8Y1R12", date="2025-12-31")
    FunctionFactory(organisation=bank, identifier="F-X", licenced_activity="eba_TA:BOGUS")
    with pytest.raises(CommandError, match="errors"):
        call_command("export_dora", entity=bank.lei, date="2025-12-31", output=str(tmp_path))


def test_readiness_page_lists_what_to_fix_with_links(bank, users, login):
    service = IctService.objects.get()
    IctService.objects.filter(pk=service.pk).update(reliance="eba_ZZ:bogus")
    page = login(users[Role.EXECUTIVE]).get(
        "/regulatory/register/", {"entity": bank.pk, "reference_date": "2025-12-31",
                                  "scope": "auto"})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="error-count"' in body
    assert f'href="/regulatory/ict-services/{service.pk}/edit/"' in body
    assert "Export the package" not in body  # executives read, they do not file


def test_exporting_from_the_page_queues_a_job_and_downloads_are_audited(bank, users, login):
    manager = login(users[Role.VENDOR_MANAGER])
    response = manager.post("/regulatory/register/", {
        "entity": bank.pk, "reference_date": "2025-12-31", "scope": "ind"})
    export = RegisterExport.objects.get()
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    assert not export.consolidated
    run_job.call(export.job_id)
    detail = manager.get(export.get_absolute_url())
    assert "Ready to file" in detail.content.decode()
    download = login(users[Role.AUDITOR]).get(f"/regulatory/exports/{export.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download.content[:2] == b"PK"
    assert AuditEntry.objects.filter(content_type__model="registerexport",
                                     action="download").count() == 1


def test_readers_cannot_export_and_contacts_see_nothing(bank, users, login):
    data = {"entity": bank.pk, "reference_date": "2025-12-31", "scope": "auto"}
    assert login(users[Role.EXECUTIVE]).post("/regulatory/register/", data).status_code == 403
    contact = login(users["contact_a"])
    assert contact.get("/regulatory/register/").status_code in (302, 403)
    export = run_export(bank)
    assert contact.get(f"/regulatory/exports/{export.pk}/download/").status_code in (302, 403,
                                                                                     404)
    assert not RegisterExport.objects.filter(status=ExportStatus.QUEUED).exists()


def test_bad_export_requests_are_refused_with_the_reason(bank, users, login):
    manager = login(users[Role.VENDOR_MANAGER])
    response = manager.post("/regulatory/register/", {"entity": bank.pk,
                                                       "reference_date": "not a date"})
    assert response.status_code == 400 and "valid date" in response.content.decode()
    other = OrganisationFactory()  # no profile: not offered
    response = manager.post("/regulatory/register/", {"entity": other.pk,
                                                       "reference_date": "2025-12-31"})
    assert response.status_code == 400
    assert not RegisterExport.objects.exists()


def test_an_ict_service_must_use_a_function_and_branch_of_its_entity(bank, users):
    service = IctService.objects.get()
    elsewhere = FunctionFactory(organisation=OrganisationFactory())
    client = APIClient()
    client.force_authenticate(users[Role.VENDOR_MANAGER])
    url = f"/api/regulatory/ict-services/{service.pk}/"
    response = client.patch(url, {"function": elsewhere.pk}, format="json")
    assert response.status_code == 400 and "function" in response.json()
    response = client.patch(url, {"stores_data": False}, format="json")
    assert response.status_code == 400 and "storage_country" in response.json()
    assert client.patch(url, {"stores_data": False, "storage_country": ""},
                        format="json").status_code == 200
    assert AuditEntry.objects.filter(content_type__model="ictservice", object_id=service.pk,
                                     action="update").count() == 1
    service.refresh_from_db()
    assert service.function.organisation == bank


def test_dora_panels_appear_only_for_entities_in_scope(bank, users, login):
    manager = login(users[Role.VENDOR_MANAGER])
    in_scope = IctService.objects.get().arrangement
    page = manager.get(f"/registry/arrangements/{in_scope.pk}/").content.decode()
    assert "Register of information (DORA)" in page and "Assess for DORA" in page
    ordinary = ArrangementFactory()
    page = manager.get(f"/registry/arrangements/{ordinary.pk}/").content.decode()
    assert "Add an ICT service" not in page and "Assess for DORA" not in page
    page = manager.get(f"/registry/organisations/{ordinary.organisation_id}/").content.decode()
    assert "Add a DORA profile" in page


def test_the_demo_register_passes_the_validator():
    from tether.registry.demo import demo_load
    from tether.regulatory.demo import regulatory_demo_load

    demo_load()
    counts = regulatory_demo_load()
    assert counts["ICT services"] > 20 and counts["functions"] > 5
    bank = RegisterExport._meta.get_field("organisation").related_model.objects.get(
        dora_profile__isnull=False)
    register = roi.build_register(bank.lei, REFERENCE)
    assert register.row_count > 100
    assert [f for f in validate_tables(register.tables, parameters=register.parameters)
            if f.severity == ERROR] == []
    assert regulatory_demo_load() == {}
