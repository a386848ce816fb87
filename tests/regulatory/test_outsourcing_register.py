"""The EBA outsourcing register (EBA/GL/2019/02 §54–55): its rows, downloads, page and rights."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.continuity.factories import AlternativeFactory, ExitPlanFactory
from tests.factories import (
    ArrangementFactory,
    OrganisationFactory,
    ProviderFactory,
    ProviderIdentifierFactory,
    ServiceFactory,
    SubcontractingLinkFactory,
    valid_lei,
)
from tests.oversight.factories import AuditFactory
from tests.regulatory.factories import (
    ArrangementProfileFactory,
    FunctionFactory,
    IctServiceFactory,
)
from tests.risk.factories import IntakeFactory, RiskFactory
from tether.core.models import AuditEntry
from tether.core.navigation import menu_for
from tether.core.roles import INTERNAL_ROLES, Role
from tether.regulatory.outsourcing_register import (
    CRITICAL_CODES,
    FIELD_CODES,
    FIELDS,
    HEADERS,
    register_arrangements,
    register_rows,
)

pytestmark = pytest.mark.django_db

URL = reverse("regulatory:outsourcing_register")


def rows_by_reference(user, **criteria) -> dict:
    ids = register_arrangements(user=user, **criteria).values_list("pk", flat=True)
    return {row["reference"]: row for row in register_rows(user=user, arrangement_ids=ids)}


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM, for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.get_sheet_by_index(0).to_python()


@pytest.fixture
def register(db):
    """Three arrangements: critical (A1), not critical (A2), critical with ICT services (A3)."""
    bank = OrganisationFactory(name="Banque Étoile SA", country="LU", lei=valid_lei())
    branch_entity = OrganisationFactory(name="Étoile Payments SA", country="BE")
    group = ProviderFactory(name="Nimbus Group plc", country="GB")
    provider = ProviderFactory(name="Nimbus Hosting Ltd", country="IE", parent=group,
                               service_countries=["IE", "DE"], data_storage_countries=["IE"],
                               website="https://nimbus.example",
                               registered_address="1 Dock Road, Dublin 2, D02 X000, Ireland")
    ProviderIdentifierFactory(provider=provider, scheme="crn", value="IE-123456", country="IE")
    ProviderIdentifierFactory(provider=provider, scheme="vat", value="IE9999999X")
    hosting = ServiceFactory(name="Core banking hosting", service_type="ict_service")
    a1 = ArrangementFactory(
        reference="A1", title="Core banking platform", organisation=bank, provider=provider,
        is_critical=True, criticality_reason="Payments stop without it.",
        data_involved="personal", governing_law_country="LU", renewal_type="automatic",
        start_date=date(2023, 1, 1), end_date=date(2027, 12, 31),
        notice_period_entity_days=180, notice_period_provider_days=365,
        annual_cost=250000, currency="EUR", substitutability="not_substitutable",
        approved_by="Management board, resolution 2022-41", cloud_service_model="iaas",
        cloud_deployment_model="public", supports_time_critical_operations=True)
    a1.services.add(hosting)
    a2 = ArrangementFactory(reference="A2", title="Office cleaning", organisation=bank,
                            provider=provider, is_critical=False, annual_cost=5000,
                            governing_law_country="IE", renewal_type="none")
    # A3's provider is one of our own entities: an intra-group arrangement.
    in_house_it = ProviderFactory(name="Étoile IT Services", country="LU", lei=bank.lei,
                                  service_countries=["LU"], data_storage_countries=["LU"])
    a3 = ArrangementFactory(reference="A3", title="Card processing", organisation=bank,
                            provider=in_house_it, is_critical=True,
                            criticality_reason="Card payments.", renewal_type="by_agreement",
                            end_date=date(2028, 6, 30))

    subcontractor = ProviderFactory(name="Transatlantic DC Inc", country="US",
                                    service_countries=["US"], data_storage_countries=["US", "CA"])
    SubcontractingLinkFactory(provider=provider, subcontractor=subcontractor, arrangement=a1,
                              supports_critical_function=True)

    # Audits of the provider: one of the whole provider, one naming another contract only.
    AuditFactory(provider=provider, started_on=date(2025, 2, 1), completed_on=date(2025, 3, 1))
    scoped = AuditFactory(provider=provider, started_on=date(2025, 5, 1),
                          completed_on=date(2025, 6, 1))
    scoped.arrangements.add(a2)
    AuditFactory(provider=provider, status="planned", conclusion="", started_on=None,
                 completed_on=None, planned_on=date(2026, 12, 1))
    AuditFactory(provider=provider, status="planned", conclusion="", started_on=None,
                 completed_on=None, planned_on=date(2027, 3, 1))

    alternative = ProviderFactory(name="Stratus Cloud SE", country="DE")
    ExitPlanFactory(arrangement=a1, alternative_provider=alternative, strategy="mixed")
    AlternativeFactory(service=hosting, kind="contracted", provider=ProviderFactory(
        name="Cumulus Hosting BV", country="NL"))
    IntakeFactory(arrangement=a1)
    RiskFactory(provider=None, arrangement=a1)
    ArrangementProfileFactory(arrangement=a1, reintegration="eba_ZZ:x966",
                              discontinuing_impact="eba_ZZ:x793")

    function = FunctionFactory(organisation=bank, assessed_on=date(2025, 2, 1))
    IctServiceFactory(arrangement=a3, organisation=bank, function=function,
                      provision_country="FR", storage_country="BE", processing_country="NL")
    IctServiceFactory(arrangement=a3, organisation=branch_entity,
                      function=FunctionFactory(organisation=branch_entity,
                                               assessed_on=date(2025, 4, 15)),
                      provision_country="FR", storage_country="BE", processing_country="")
    return {"bank": bank, "branch_entity": branch_entity, "a1": a1, "a2": a2, "a3": a3}


# --- the rows -----------------------------------------------------------------------------------

def test_critical_arrangement_row_has_every_recorded_field(register, users):
    row = rows_by_reference(users[Role.RISK_OFFICER])["A1"]
    assert row["start_date"] == date(2023, 1, 1)
    assert row["next_renewal_date"] == date(2027, 12, 31)
    assert row["end_date"] == date(2027, 12, 31)
    assert (row["notice_period_provider_days"], row["notice_period_institution_days"]) == (
        365, 180)
    assert row["function_description"] == "Core banking platform (Core banking hosting)"
    assert row["personal_data"] == "Yes"
    assert row["category"] == "ICT service"
    assert row["provider_name"] == "Nimbus Hosting Ltd"
    assert row["provider_registration_number"] == "IE-123456"
    assert row["provider_parent"] == "Nimbus Group plc"
    assert row["provider_contact"] == "https://nimbus.example"
    assert row["service_countries"] == "DE; IE"
    assert row["data_locations"] == "IE"
    assert row["critical_or_important"] == "Yes"
    assert row["criticality_reasons"] == "Payments stop without it."
    today = timezone.localdate()
    assert row["last_criticality_assessment"] == today  # the intake, assessed today
    assert row["provider_in_group"] == "No"
    assert row["last_risk_assessment"] == today
    assert "Intake: not scored yet, business criticality High" in row["risk_assessment_summary"]
    assert "1 open risk(s) of 1" in row["risk_assessment_summary"]
    assert row["governing_law"] == "LU"
    # The audit naming only A2 does not count for A1; the earliest planned one is next.
    assert row["last_audit"] == date(2025, 3, 1)
    assert row["next_audit"] == date(2026, 12, 1)
    assert row["subcontractors"] == (
        "Transatlantic DC Inc (registered: US; service: US; data: CA; US)")
    assert row["substitutability"] == "Impossible"
    assert row["reintegration"] == "Difficult"
    assert row["discontinuation_impact"] == "High"
    assert row["alternative_providers"] == "Stratus Cloud SE; Cumulus Hosting BV"
    assert row["annual_budget_cost"] == 250000
    assert row["annual_budget_currency"] == "EUR"
    assert row["provider_registered_address"] == "1 Dock Road, Dublin 2, D02 X000, Ireland"
    assert row["approving_body"] == "Management board, resolution 2022-41"
    assert row["time_critical"] == "Yes"
    assert (row["cloud_service_model"], row["cloud_deployment_model"]) == (
        "Infrastructure as a service (IaaS)", "Public cloud")
    assert row["cloud_data_nature"] == "Personal data"
    assert row["cloud_storage_locations"] == row["data_locations"] == "IE"


def test_non_critical_arrangement_leaves_paragraph_55_empty(register, users):
    row = rows_by_reference(users[Role.AUDITOR])["A2"]
    assert row["critical_or_important"] == "No"
    assert row["next_renewal_date"] is None  # a fixed term does not renew
    assert row["personal_data"] == "No"
    assert all(row.get(code) in (None, "") for code in CRITICAL_CODES)
    # §54 still there: the provider's own countries stand in for the locations.
    assert row["service_countries"] == "DE; IE"


def test_locations_and_users_come_from_ict_services_when_listed(register, users):
    row = rows_by_reference(users[Role.EXECUTIVE])["A3"]
    assert row["service_countries"] == "FR"
    assert row["data_locations"] == "BE; NL"
    assert row["using_entities"] == "Banque Étoile SA; Étoile Payments SA"
    assert row["provider_in_group"] == "Yes"
    assert row["last_criticality_assessment"] == date(2025, 4, 15)
    assert row["next_renewal_date"] == date(2028, 6, 30)
    assert row["last_audit"] is None and row["subcontractors"] == ""


def test_cloud_columns_only_for_cloud_outsourcing_and_unassessed_is_empty(register, users):
    rows = rows_by_reference(users[Role.ADMIN])
    cloud = [code for code in FIELD_CODES if code.startswith("cloud_")]
    assert len(cloud) == 4
    for reference in ("A2", "A3"):  # no cloud model recorded: not cloud outsourcing
        assert all(rows[reference].get(code) in (None, "") for code in cloud)
    assert rows["A3"]["time_critical"] == ""  # critical, but not assessed yet
    assert rows["A3"]["approving_body"] == ""
    register["a3"].supports_time_critical_operations = False
    register["a3"].save()
    assert rows_by_reference(users[Role.ADMIN])["A3"]["time_critical"] == "No"


def test_cloud_models_come_in_pairs(register):
    arrangement = register["a2"]
    arrangement.cloud_service_model = "saas"
    with pytest.raises(ValidationError) as refused:
        arrangement.full_clean()
    assert "cloud_deployment_model" in refused.value.message_dict
    arrangement.cloud_service_model, arrangement.cloud_deployment_model = "", "hybrid"
    with pytest.raises(ValidationError) as refused:
        arrangement.full_clean()
    assert "cloud_service_model" in refused.value.message_dict


def test_every_paragraph_54_and_55_point_has_a_column():
    paragraphs = {field.paragraph for field in FIELDS}
    assert {f"54({p})" for p in "abcdefghi"} <= paragraphs
    assert {f"55({p})" for p in "abcdefghijk"} <= paragraphs
    assert all(field.applies_to == "55" for field in FIELDS if field.paragraph.startswith("55"))


def test_filters_critical_only_and_by_organisation(register, users):
    user = users[Role.VENDOR_MANAGER]
    assert set(rows_by_reference(user, critical_only=True)) == {"A1", "A3"}
    other = ArrangementFactory(reference="B1")
    assert set(rows_by_reference(user, organisation=other.organisation)) == {"B1"}
    assert set(rows_by_reference(user)) == {"A1", "A2", "A3", "B1"}


# --- queries ------------------------------------------------------------------------------------

def _critical_arrangement_with_everything():
    arrangement = ArrangementFactory(is_critical=True, criticality_reason="x")
    arrangement.services.add(ServiceFactory())
    ProviderIdentifierFactory(provider=arrangement.provider, scheme="crn")
    SubcontractingLinkFactory(provider=arrangement.provider, arrangement=arrangement)
    AuditFactory(provider=arrangement.provider).arrangements.add(arrangement)
    ExitPlanFactory(arrangement=arrangement, alternative_provider=ProviderFactory())
    IntakeFactory(arrangement=arrangement)
    RiskFactory(provider=None, arrangement=arrangement)
    IctServiceFactory(arrangement=arrangement)
    ArrangementProfileFactory(arrangement=arrangement)
    return arrangement


def _queries_for_register(user) -> int:
    ids = list(register_arrangements(user=user).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        rows = list(register_rows(user=user, arrangement_ids=ids))
    assert len(rows) == len(ids)
    return len(captured)


def test_query_count_does_not_grow_with_the_number_of_arrangements(users):
    user = users[Role.RISK_OFFICER]
    _critical_arrangement_with_everything()
    few = _queries_for_register(user)
    for _ in range(6):
        _critical_arrangement_with_everything()
    assert _queries_for_register(user) == few
    assert few <= 6


def _real(captured) -> int:
    """Queries, without the savepoints tests wrap writes in."""
    return sum(1 for query in captured.captured_queries
               if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT")))


def test_page_query_count_does_not_grow_with_the_number_of_arrangements(users, login):
    client = login(users[Role.AUDITOR])
    _critical_arrangement_with_everything()
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for _ in range(5):
        _critical_arrangement_with_everything()
    with CaptureQueriesContext(connection) as more:
        assert client.get(URL).status_code == 200
    # Session, user, second factor, notifications and the session's save are every page's.
    assert _real(few) == _real(more) <= 15


# --- downloads ----------------------------------------------------------------------------------

def test_csv_download_has_labels_with_paragraphs_and_one_row_per_arrangement(register, users,
                                                                             login):
    response = login(users[Role.AUDITOR]).get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == list(HEADERS)
    assert header[0] == "Reference number [EBA/GL/2019/02 §54(a)]"
    by_reference = {row[0]: dict(zip(FIELD_CODES, row, strict=True)) for row in rows}
    assert set(by_reference) == {"A1", "A2", "A3"}
    assert by_reference["A1"]["last_audit"] == "2025-03-01"
    assert by_reference["A1"]["organisation"] == "Banque Étoile SA"
    assert by_reference["A2"]["subcontractors"] == ""
    assert by_reference["A2"]["annual_budget_cost"] == ""
    assert by_reference["A3"]["data_locations"] == "BE; NL"


def test_xlsx_download_parses_back(register, users, login):
    response = login(users[Role.EXECUTIVE]).get(URL, {"format": "xlsx", "scope": "critical"})
    assert response.status_code == 200
    header, *rows = xlsx_rows(response)
    assert header == list(HEADERS)
    by_reference = {row[0]: dict(zip(FIELD_CODES, row, strict=True)) for row in rows}
    assert set(by_reference) == {"A1", "A3"}
    assert by_reference["A1"]["next_audit"] == date(2026, 12, 1)
    assert by_reference["A1"]["annual_budget_cost"] == 250000
    assert by_reference["A1"]["provider_name"] == "Nimbus Hosting Ltd"


def test_downloads_make_formulas_inert(register, users, login):
    register["a1"].provider.name = "=HYPERLINK(\"http://evil.example\",\"x\")"
    register["a1"].provider.save()
    register["a2"].title = "@SUM(1+1)"
    register["a2"].save()
    client = login(users[Role.RISK_OFFICER])
    _header, *rows = csv_rows(client.get(URL, {"format": "csv"}))
    cells = {row[0]: dict(zip(FIELD_CODES, row, strict=True)) for row in rows}
    assert cells["A1"]["provider_name"].startswith("'=HYPERLINK")
    assert cells["A2"]["function_description"] == "'@SUM(1+1)"
    _header, *xlsx = xlsx_rows(client.get(URL, {"format": "xlsx"}))
    sheet = {row[0]: dict(zip(FIELD_CODES, row, strict=True)) for row in xlsx}
    assert sheet["A1"]["provider_name"].startswith("'=HYPERLINK")


def test_download_is_a_read_without_audit_entry(register, users, login):
    before = AuditEntry.objects.count()
    login(users[Role.AUDITOR]).get(URL, {"format": "csv"})
    assert AuditEntry.objects.count() == before


def test_unknown_format_is_not_found(register, users, login):
    assert login(users[Role.ADMIN]).get(URL, {"format": "pdf"}).status_code == 404


def test_download_with_an_unknown_organisation_says_what_is_wrong(register, users, login):
    response = login(users[Role.ADMIN]).get(URL, {"format": "csv", "organisation": "999999"})
    assert response.status_code == 400
    assert "entity is not one you can choose" in response.content.decode()


# --- the page and who sees it -------------------------------------------------------------------

@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_every_internal_role_reads_the_register(role, register, users, login):
    response = login(users[role]).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "A1" in page and "Nimbus Hosting Ltd" in page and "§54(a)" in page


@pytest.mark.parametrize("contact", ["contact_a", "contact_b"])
def test_provider_contacts_are_refused(contact, register, users, login):
    client = login(users[contact])
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_page_filters_critical_only(register, users, login):
    page = login(users[Role.VENDOR_MANAGER]).get(URL, {"scope": "critical"}).content.decode()
    assert "A1" in page and "A3" in page and "Office cleaning" not in page


def test_page_filters_by_organisation_and_reports_a_bad_one(register, users, login):
    client = login(users[Role.VENDOR_MANAGER])
    other = ArrangementFactory(reference="B-OTHER-1")
    page = client.get(URL, {"organisation": other.organisation_id}).content.decode()
    assert "B-OTHER-1" in page and "Nimbus Hosting Ltd" not in page
    bad = client.get(URL, {"organisation": "999999"})
    assert bad.status_code == 200
    assert "entity is not one you can choose" in bad.content.decode()
    assert "No arrangement matches" in bad.content.decode()


def test_page_is_paginated(users, login):
    for number in range(3):
        ArrangementFactory(reference=f"P-{number}")
    page = login(users[Role.AUDITOR]).get(URL, {"per_page": 2}).content.decode()
    assert "Page 1 of 2" in page and "P-0" in page and "P-2" not in page


def test_menu_lists_the_register_for_internal_roles_only(users):
    def labels(user):
        return [label for _group, items in menu_for(user) for label, _url in items]

    assert "EBA outsourcing register" in labels(users[Role.AUDITOR])
    assert "EBA outsourcing register" not in labels(users["contact_a"])


def test_old_audits_only_are_not_a_next_audit(users):
    arrangement = ArrangementFactory(is_critical=True, criticality_reason="x")
    AuditFactory(provider=arrangement.provider,
                 started_on=timezone.localdate() - timedelta(days=400),
                 completed_on=timezone.localdate() - timedelta(days=380))
    row = rows_by_reference(users[Role.AUDITOR])[arrangement.reference]
    assert row["next_audit"] is None
    assert row["last_audit"] == timezone.localdate() - timedelta(days=380)
