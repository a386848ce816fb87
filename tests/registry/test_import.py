"""Bulk import of the register: every row checked first, set-based writes, audit in bulk."""

import io
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.factories import ArrangementFactory, ProviderFactory, UserFactory
from tether.core.models import AuditAction, AuditEntry
from tether.core.roles import Role
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    Service,
    SubcontractingLink,
)
from tether.registry.transfer import import_file, importing

pytestmark = pytest.mark.django_db

GLEIF_LEI = "5493001KJTIIGC8Y1R12"
PARENT_LEI = "529900T8BM49AURSDO55"
CHILD_LEI = "529900HNOAA1KXQJUQ27"
ARRANGEMENT_HEADER = ("reference,title,organisation,provider_lei,services,start_date,end_date,"
                      "notice_period_entity_days,is_critical,criticality_reason,annual_cost\n")


def errors_of(result) -> list[str]:
    return [str(error) for error in result.errors]


def xlsx_bytes(rows: list[list]) -> bytes:
    """A one-sheet workbook; date cells get a date format, as Excel writes them."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    sheet = workbook.add_worksheet("Sheet1")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, date_format)
            else:
                sheet.write(r, c, value)
    workbook.close()
    return out.getvalue()


def test_import_creates_providers_with_parent_owner_services_and_countries(register, run_import):
    UserFactory(username="alice")
    result = run_import("providers", (
        "name,lei,country,parent_lei,parent_name,outsourcing_type,relationship_owner,"
        "annual_spend,service_countries,services,website\n"
        f"Big Group,{PARENT_LEI},US,,,ito,alice,1000.5,\"US, ie\",Cloud hosting,big.example\n"
        f"Big Sub,{CHILD_LEI},IE,{PARENT_LEI},,IT outsourcing (ITO),,,FR;IE,,\n"
        "Small Shop,,FR,,Big Sub,bpo,,,,,\n"
    ))
    assert errors_of(result) == [] and (result.created, result.updated) == (3, 0)
    group, sub, shop = (Provider.objects.get(name=name)
                        for name in ("Big Group", "Big Sub", "Small Shop"))
    assert group.relationship_owner.username == "alice"
    assert group.annual_spend == Decimal("1000.50") and group.website == "https://big.example"
    assert [c.code for c in group.service_countries] == ["IE", "US"]
    assert list(group.services.all()) == [register["service"]]
    assert sub.parent == group and sub.ultimate_parent == group
    assert shop.parent == sub and shop.ultimate_parent == group and shop.lei is None


def test_import_creates_arrangements_with_derived_notice_deadline(register, run_import):
    result = run_import("arrangements", ARRANGEMENT_HEADER + (
        f"A-1,Hosting,Acme Bank,{GLEIF_LEI},Cloud hosting,2024-01-01,2026-12-31,90,yes,"
        "Runs payments,12000\n"
    ))
    assert errors_of(result) == [] and result.created == 1
    arrangement = Arrangement.objects.get(reference="A-1")
    assert arrangement.provider == register["provider"]
    assert arrangement.organisation == register["organisation"]
    assert arrangement.notice_deadline == date(2026, 10, 2)
    assert arrangement.annual_cost == Decimal("12000.00")
    assert list(arrangement.services.all()) == [register["service"]]


def test_import_creates_activities_with_category_and_parent(register, run_import):
    result = run_import("activities", (
        "organisation,name,parent,porter_area,is_core_competency,sourcing\n"
        "Acme Bank,Card payments,Payments,Operations,yes,outsourced\n"
        "Acme Bank,Chargebacks,Card payments,operations,no,Partly outsourced\n"
        "Acme Bank,Payroll,,human resource management,0,\n"
    ))
    assert errors_of(result) == [] and result.created == 3
    cards = Activity.objects.get(name="Card payments")
    assert cards.parent == register["activity"] and cards.category == "primary"
    assert cards.is_core_competency and cards.sourcing == "outsourced"
    assert Activity.objects.get(name="Chargebacks").parent == cards
    payroll = Activity.objects.get(name="Payroll")
    assert payroll.category == "support" and payroll.sourcing == "in_house"


def test_import_creates_services_linked_to_activities(register, run_import):
    result = run_import("services", (
        "name,service_type,activities\n"
        "Payroll processing,bpo,Acme Bank / Recruiting; Payments\n"
    ))
    assert errors_of(result) == []
    service = Service.objects.get(name="Payroll processing")
    assert sorted(service.activities.values_list("name", flat=True)) == ["Payments", "Recruiting"]


def test_import_creates_organisations_and_subcontracting_links(register, run_import):
    assert run_import("organisations", "name,country\nAcme Insurance,DE\n").created == 1
    assert Organisation.objects.filter(name="Acme Insurance", country="DE").exists()
    ProviderFactory(name="Sub One", lei=CHILD_LEI, country="IE")
    result = run_import("subcontracting", (
        "provider_lei,subcontractor_name,service,supports_critical_function\n"
        f"{GLEIF_LEI},Sub One,Cloud hosting,yes\n"
    ))
    assert errors_of(result) == []
    link = SubcontractingLink.objects.get()
    assert link.provider == register["provider"] and link.supports_critical_function


def test_import_rejects_row_with_bad_lei_naming_row_and_column(register, run_import):
    result = run_import("providers", (
        "name,lei,country,outsourcing_type\n"
        f"Fine Ltd,{PARENT_LEI},FR,ito\n"
        "Typo Ltd,5493001KJTIIGC8Y1R13,FR,ito\n"
    ))
    assert errors_of(result) == [
        "Row 3, column lei: the LEI's check digits are wrong (ISO 17442): "
        "check for a typing error."
    ]
    assert result.created == 0 and not Provider.objects.filter(name="Fine Ltd").exists()


def test_import_names_the_missing_required_columns(register, run_import):
    result = run_import("arrangements", "reference,title\nA-1,Hosting\n")
    assert errors_of(result) == [
        "Row 1: the file lacks the columns organisation, start_date, provider_lei or "
        "provider_name."
    ]


def test_import_warns_about_unknown_columns_and_ignores_them(register, run_import):
    result = run_import("organisations", "Name,Country,Colour\nAcme Insurance,DE,blue\n")
    assert result.ok and result.created == 1
    assert "Colour" in result.warnings[0]


def test_import_rejects_reference_to_unknown_provider_and_organisation(register, run_import):
    result = run_import("arrangements", ARRANGEMENT_HEADER + (
        f"A-1,,Nowhere Bank,{PARENT_LEI},Cloud hosting,2024-01-01,,,no,,\n"
    ))
    assert errors_of(result) == [
        "Row 2, column organisation: no organisation named “Nowhere Bank” is registered.",
        f"Row 2, column provider_lei: no provider with LEI {PARENT_LEI} is registered.",
    ]


def test_import_rejects_a_row_that_repeats_an_earlier_one(register, run_import):
    result = run_import("services", "name,service_type\nPayroll,bpo\nBackup,ito\nPayroll,bpo\n")
    assert errors_of(result) == [
        "Row 4, column name: row 2 already describes the service “Payroll”: a file lists "
        "each object once."
    ]


def test_import_writes_nothing_when_any_row_is_bad(register, run_import):
    before = AuditEntry.objects.count()
    result = run_import("arrangements", ARRANGEMENT_HEADER + (
        f"A-1,,Acme Bank,{GLEIF_LEI},,2024-01-01,,,no,,\n"
        f"A-2,,Acme Bank,{GLEIF_LEI},,2024-01-01,2023-01-01,,yes,,\n"
    ))
    assert errors_of(result) == [
        "Row 3, column criticality_reason: say why this arrangement supports a critical or "
        "important function.",
        "Row 3, column end_date: the end date is before the start date.",
    ]
    assert (result.created, result.skipped) == (0, 2)
    assert not Arrangement.objects.exists() and AuditEntry.objects.count() == before


def test_skip_bad_rows_writes_the_good_rows_and_reports_the_bad(register, run_import):
    result = run_import("arrangements", ARRANGEMENT_HEADER + (
        f"A-1,,Acme Bank,{GLEIF_LEI},,2024-01-01,,,no,,\n"
        f"A-2,,Acme Bank,{GLEIF_LEI},,03/04/2024,,,no,,\n"
        f"A-3,,Acme Bank,{GLEIF_LEI},No such service,2024-01-01,,,no,,\n"
    ), skip_bad_rows=True)
    assert (result.created, result.skipped) == (1, 2)
    assert [(e.row, e.column) for e in result.errors] == [(3, "start_date"), (4, "services")]
    assert "ambiguous" in result.errors[0].message
    assert list(Arrangement.objects.values_list("reference", flat=True)) == ["A-1"]


def test_reimport_updates_instead_of_duplicating_and_audits_before_and_after(
    register, run_import, importer_user
):
    row = f"A-1,{{title}},Acme Bank,{GLEIF_LEI},Cloud hosting,2024-01-01,,90,no,,100\n"
    run_import("arrangements", ARRANGEMENT_HEADER + row.format(title="Hosting"))
    again = run_import("arrangements", ARRANGEMENT_HEADER + row.format(title="Hosting"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = run_import("arrangements", ARRANGEMENT_HEADER + row.format(title="Hosting v2"))
    assert (changed.created, changed.updated) == (0, 1)
    assert Arrangement.objects.get().title == "Hosting v2"
    update = AuditEntry.objects.filter(action=AuditAction.UPDATE).get()
    assert update.source == "import" and update.actor == importer_user
    assert update.changed_fields() == [("title", "Hosting", "Hosting v2")]


def test_import_keeps_unlisted_columns_of_updated_objects(register, run_import):
    arrangement = ArrangementFactory(reference="A-9", notes="Keep me", is_critical=True,
                                     criticality_reason="Payments",
                                     organisation=register["organisation"])
    result = run_import("arrangements", (
        "reference,organisation,provider_lei,start_date,status\n"
        f"A-9,Acme Bank,{GLEIF_LEI},2024-01-01,terminated\n"
    ))
    assert errors_of(result) == [] and result.updated == 1
    arrangement.refresh_from_db()
    assert arrangement.status == "terminated" and arrangement.notes == "Keep me"
    assert arrangement.is_critical and arrangement.provider == register["provider"]


def test_import_reads_csv_with_bom_semicolons_and_line_breaks_in_quotes(register, run_import):
    content = ("\ufeffname;country;description\n"
               "\"Acme; Insurance\";DE;\"Two\nlines\"\n"
               "Acme Leasing;FR;\n")
    result = run_import("organisations", content.encode("utf-8"))
    assert errors_of(result) == [] and result.created == 2
    assert Organisation.objects.get(name="Acme; Insurance").description == "Two\nlines"


def test_import_reads_xlsx_with_date_cells_and_numbers(register, run_import):
    content = xlsx_bytes([
        ["Reference", "Organisation", "Provider LEI", "Start date", "End date",
         "Notice period entity days", "Annual cost", "Is critical", "Criticality reason"],
        [12345, "Acme Bank", GLEIF_LEI, date(2024, 1, 31), date(2025, 1, 31), 30, 999.99,
         True, "Clearing"],
    ])
    result = run_import("arrangements", content, filename="register.xlsx")
    assert errors_of(result) == [] and result.created == 1
    arrangement = Arrangement.objects.get(reference="12345")
    assert arrangement.start_date == date(2024, 1, 31) and arrangement.annual_cost == Decimal(
        "999.99")
    assert arrangement.notice_period_entity_days == 30 and arrangement.is_critical


@pytest.mark.parametrize(("content", "filename", "expected"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "logo.csv", "contains binary data"),
    (b"PK\x03\x04garbage" * 20, "register.xlsx", "not an Excel workbook"),
    (b"plain text", "register.xlsx", "not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old.xls", "Excel 97–2003"),
    ("name,country\nSoci\u00e9t\u00e9,FR\n".encode("cp1252"), "orgs.csv", "not UTF-8 text"),
    (b"", "empty.csv", "The file is empty."),
    (b"\n\n", "blank.csv", "no header row"),
])
def test_import_refuses_files_it_cannot_read_with_a_clear_message(
    register, run_import, content, filename, expected
):
    result = run_import("organisations", content, filename=filename)
    assert len(result.errors) == 1 and expected in result.errors[0].message
    assert not Organisation.objects.exclude(name="Acme Bank").exists()


def test_import_reads_windows_csv_when_its_encoding_is_given(register, run_import):
    content = "name,country\nSoci\u00e9t\u00e9 G\u00e9n\u00e9rale,FR\n".encode("cp1252")
    result = run_import("organisations", content, encoding="cp1252")
    assert result.ok and Organisation.objects.filter(name="Soci\u00e9t\u00e9 G\u00e9n\u00e9rale")


def test_import_refuses_a_file_over_the_size_limit(register, run_import, settings):
    settings.TETHER_IMPORT_MAX_BYTES = 100
    result = run_import("organisations", "name,country\n" + "Acme Leasing,FR\n" * 20)
    assert "Tether imports files of up to" in result.errors[0].message


def test_arrangement_may_refer_to_an_overarching_one_on_an_earlier_row_only(
    register, run_import
):
    header = ("reference,organisation,provider_lei,start_date,arrangement_type,"
              "overarching_reference\n")

    def row(ref, kind, parent=""):
        return f"{ref},Acme Bank,{GLEIF_LEI},2024-01-01,{kind},{parent}\n"

    later = run_import("arrangements",
                       header + row("S-1", "subsequent", "O-1") + row("O-1", "overarching"))
    assert errors_of(later) == [
        "Row 2, column overarching_reference: the overarching arrangement O-1 is neither "
        "registered nor on an earlier row of the file."
    ]
    earlier = run_import("arrangements",
                         header + row("O-1", "overarching") + row("S-1", "subsequent", "O-1"))
    assert errors_of(earlier) == [] and earlier.created == 2
    assert Arrangement.objects.get(reference="S-1").overarching.reference == "O-1"


def test_import_refuses_a_provider_parent_loop(register, run_import):
    ProviderFactory(name="Child", lei=CHILD_LEI, country="FR", parent=register["provider"])
    result = run_import("providers", (
        "name,lei,country,parent_lei,outsourcing_type\n"
        f"Gleif Hosting,{GLEIF_LEI},DE,{CHILD_LEI},ito\n"
    ))
    assert errors_of(result) == [
        "Row 2, column parent_lei: this parent would make the provider its own ancestor."]


def test_import_moves_descendants_to_the_new_group(register, run_import):
    child = ProviderFactory(name="Child", lei=CHILD_LEI, country="FR", parent=register["provider"])
    grandchild = ProviderFactory(name="Grandchild", country="FR", parent=child,
                                 ultimate_parent=register["provider"])
    Provider.objects.filter(pk=child.pk).update(ultimate_parent=register["provider"])
    result = run_import("providers", (
        "name,lei,country,parent_lei,outsourcing_type\n"
        f"New Top,{PARENT_LEI},US,,ito\n"
        f"Gleif Hosting,{GLEIF_LEI},DE,{PARENT_LEI},ito\n"
    ))
    assert errors_of(result) == []
    top = Provider.objects.get(lei=PARENT_LEI)
    for provider in (register["provider"], child, grandchild):
        provider.refresh_from_db()
        assert provider.ultimate_parent == top
    moved = AuditEntry.objects.filter(object_id=str(grandchild.pk), source="import").get()
    assert moved.after == {"ultimate_parent": top.pk}


def test_import_records_the_audit_trail_in_bulk_with_source_import(register, run_import):
    result = run_import("services", "name,service_type\nPayroll,bpo\nBackup,ito\n")
    entries = AuditEntry.objects.filter(source="import", action=AuditAction.CREATE)
    assert result.created == 2 and entries.count() == 2
    payroll = entries.get(object_repr="Payroll")
    assert payroll.before is None and payroll.after["service_type"] == "bpo"
    assert payroll.actor.username == "importer" and payroll.after["activities"] == []


def test_provider_contact_may_not_import(register, run_import):
    contact = UserFactory(role=Role.PROVIDER_CONTACT, provider=register["provider"])
    result = run_import("services", "name,service_type\nPayroll,bpo\n", actor=contact)
    assert errors_of(result) == ["You may not import services."]


def test_import_command_reports_counts_and_fails_when_nothing_is_imported(register, tmp_path):
    good = tmp_path / "services.csv"
    good.write_text("name,service_type\nPayroll,bpo\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_data", "services", str(good), stdout=out, stderr=io.StringIO())
    assert "1 created" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("name,service_type\nPayroll,fishing\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_data", "services", str(bad), stdout=out, stderr=io.StringIO())


def test_import_reads_an_uploaded_file_of_either_format(register, importer_user):
    for name, content in (
        ("services.csv", b"name,service_type\nPayroll,bpo\n"),
        ("services.xlsx", xlsx_bytes([["name", "service_type"], ["Backup", "ITO"]])),
    ):
        upload = SimpleUploadedFile(name, content)
        result = import_file(actor=importer_user, entity="services", file=upload,
                             filename=upload.name)
        assert result.ok and result.created == 1, name
        assert not upload.closed
    assert Service.objects.filter(name__in=["Payroll", "Backup"]).count() == 2


def test_import_refuses_a_column_given_twice(register, run_import):
    result = run_import("services", "name,service_type,Service type\nPayroll,bpo,ito\n")
    assert errors_of(result) == ["Row 1, column Service type: this column appears twice."]


def test_import_of_a_header_without_rows_warns_and_writes_nothing(register, run_import):
    result = run_import("services", "\n\nname,service_type\n")
    assert result.ok and result.created == 0
    assert result.warnings == ["The file has a header but no rows to import."]


@pytest.mark.parametrize(("stored_reason", "expected"), [
    ("", ["Row 2, column criticality_reason: say why this arrangement supports a critical or "
          "important function."]),
    ("Clears payments", []),
])
def test_rules_of_an_update_read_stored_values_of_columns_the_file_leaves_out(
    register, run_import, stored_reason, expected
):
    ArrangementFactory(reference="A-7", organisation=register["organisation"],
                       provider=register["provider"], criticality_reason=stored_reason)
    result = run_import("arrangements", (
        "reference,organisation,provider_lei,start_date,is_critical\n"
        f"A-7,Acme Bank,{GLEIF_LEI},2024-01-01,yes\n"
    ))
    assert errors_of(result) == expected
    assert Arrangement.objects.get().is_critical is (not expected)


def test_import_names_the_row_where_a_file_stops_being_utf8(register, run_import):
    content = ("name,country\n" + "Acme Leasing,FR\n" * 3000).encode() + b"Soci\xe9t\xe9,FR\n"
    result = run_import("organisations", content)
    assert result.errors[0].row == 3002 and "not UTF-8 text" in result.errors[0].message


def test_import_reads_excel_unicode_text_in_utf16_with_tabs(register, run_import):
    content = "name\tservice_type\nPaie \u00e9t\u00e9\tbpo\n".encode("utf-16")
    result = run_import("services", content, filename="services.txt")
    assert result.ok and Service.objects.filter(name="Paie \u00e9t\u00e9").exists()


def test_arrangement_refers_only_to_an_overarching_arrangement(register, run_import):
    ArrangementFactory(reference="PLAIN-1", organisation=register["organisation"],
                       provider=register["provider"])
    result = run_import("arrangements", (
        "reference,organisation,provider_lei,start_date,arrangement_type,overarching_reference\n"
        f"S-1,Acme Bank,{GLEIF_LEI},2024-01-01,subsequent,PLAIN-1\n"
        f"S-2,Acme Bank,{GLEIF_LEI},2024-01-01,subsequent,\n"
    ))
    assert errors_of(result) == [
        "Row 2, column overarching_reference: PLAIN-1 is not an overarching arrangement.",
        "Row 3, column overarching_reference: a subsequent arrangement names its overarching "
        "arrangement.",
    ]


def test_a_large_import_refreshes_the_planner_statistics(register, run_import, monkeypatch):
    monkeypatch.setattr(importing, "ANALYZE_AFTER_ROWS", 1)
    result = run_import("arrangements", ARRANGEMENT_HEADER + (
        f"A-1,,Acme Bank,{GLEIF_LEI},Cloud hosting,2024-01-01,,,no,,\n"))
    assert result.ok and result.created == 1


def test_import_carries_the_outsourcing_register_fields(register, run_import):
    header = ("reference,organisation,provider_lei,start_date,approved_by,"
              "supports_time_critical_operations,cloud_service_model,cloud_deployment_model\n")
    result = run_import("arrangements", header + (
        f"C-1,Acme Bank,{GLEIF_LEI},2024-01-01,Board resolution 12,yes,SaaS,public\n"
        f"C-2,Acme Bank,{GLEIF_LEI},2024-01-01,,,,\n"
    ))
    assert errors_of(result) == [] and result.created == 2
    cloud = Arrangement.objects.get(reference="C-1")
    assert (cloud.approved_by, cloud.supports_time_critical_operations) == (
        "Board resolution 12", True)
    assert (cloud.cloud_service_model, cloud.cloud_deployment_model) == ("saas", "public")
    plain = Arrangement.objects.get(reference="C-2")
    assert plain.supports_time_critical_operations is None and plain.cloud_service_model == ""


def test_import_refuses_half_a_cloud_model_and_keeps_what_is_stored(register, run_import):
    stored = ArrangementFactory(reference="C-9", organisation=register["organisation"],
                                cloud_service_model="iaas", cloud_deployment_model="private")
    result = run_import("arrangements", (
        "reference,organisation,provider_lei,start_date,cloud_deployment_model\n"
        f"C-9,Acme Bank,{GLEIF_LEI},2024-01-01,\n"  # clears the deployment model only
        f"C-10,Acme Bank,{GLEIF_LEI},2024-01-01,hybrid\n"
        f"C-11,Acme Bank,{GLEIF_LEI},2024-01-01,on the moon\n"
    ))
    messages = " ".join(errors_of(result))
    assert result.created == 0 and result.updated == 0
    assert "cloud_deployment_model" in messages and "cloud_service_model" in messages
    assert "“on the moon” is not one of" in messages
    stored.refresh_from_db()
    assert stored.cloud_deployment_model == "private"


def test_provider_registered_address_round_trips(register, run_import):
    result = run_import("providers", (
        "name,country,outsourcing_type,registered_address\n"
        "Addressed Ltd,IE,ito,\"1 Dock Road, Dublin 2\"\n"
    ))
    assert errors_of(result) == []
    assert Provider.objects.get(name="Addressed Ltd").registered_address == "1 Dock Road, Dublin 2"
