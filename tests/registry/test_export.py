"""Export of the register: the import's columns, safe cells, and a lossless round trip."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from tests.factories import (
    ArrangementFactory,
    ProviderFactory,
    SubcontractingLinkFactory,
    UserFactory,
)
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.registry.models import Arrangement, Provider
from tether.registry.transfer import export_rows, import_file
from tether.registry.transfer.columns import ENTITIES

pytestmark = pytest.mark.django_db

PARENT_LEI = "529900T8BM49AURSDO55"


def exported(entity: str, fmt: str = "csv", user=None) -> bytes:
    out = io.BytesIO()
    export_rows(user=user, entity=entity, fmt=fmt, out=out)
    return out.getvalue()


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def portfolio(register):
    """Every kind of object, with parents created after their children to test ordering."""
    child = ProviderFactory(name="Child Ltd", lei=None, country="IE", annual_spend=1234.5,
                            service_countries=["IE", "FR"])
    child.services.set([register["service"]])
    parent = ProviderFactory(name="Parent Inc", lei=PARENT_LEI, country="US")
    child.parent = child.ultimate_parent = parent
    child.save()
    owner = UserFactory(username="owner")
    overarching = ArrangementFactory(reference="B-1", organisation=register["organisation"],
                                     provider=child, arrangement_type="overarching",
                                     is_critical=True, criticality_reason="Payments",
                                     owner=owner, notes="Line one\nline two")
    subsequent = ArrangementFactory(reference="A-1", organisation=register["organisation"],
                                    provider=parent, arrangement_type="subsequent",
                                    overarching=overarching, end_date=None,
                                    renewal_type="open_ended")
    subsequent.services.set([register["service"]])
    SubcontractingLinkFactory(provider=child, subcontractor=parent, service=register["service"])
    return register


def test_export_csv_has_a_bom_and_the_import_columns(portfolio):
    content = exported("arrangements")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(content)
    assert rows[0] == [column.header for column in ENTITIES["arrangements"].columns]
    by_reference = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_reference["B-1"]["is_critical"] == "yes"
    assert by_reference["B-1"]["notes"] == "Line one\nline two"
    assert by_reference["A-1"]["overarching_reference"] == "B-1"
    assert by_reference["A-1"]["services"] == "Cloud hosting"


def test_export_puts_parents_before_the_rows_that_refer_to_them(portfolio):
    names = [row[0] for row in csv_rows(exported("providers"))[1:]]
    assert names.index("Parent Inc") < names.index("Child Ltd")
    references = [row[0] for row in csv_rows(exported("arrangements"))[1:]]
    assert references == ["B-1", "A-1"]


def test_export_escapes_formula_injection_but_keeps_numbers(register):
    ProviderFactory(name="=HYPERLINK(\"http://evil\",\"x\")", country="FR",
                    description="+1 555 0100", annual_spend=100)
    ProviderFactory(name="@SUM(A1)", country="FR", description="-minus\tsign")
    rows = {row[0]: row for row in csv_rows(exported("providers"))[1:]}
    header = csv_rows(exported("providers"))[0]
    evil = dict(zip(header, rows["'=HYPERLINK(\"http://evil\",\"x\")"], strict=True))
    assert evil["description"] == "'+1 555 0100" and evil["annual_spend"] == "100.00"
    assert "'@SUM(A1)" in rows
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(exported("providers", "xlsx")))
    cells = workbook.get_sheet_by_name("providers").to_python()
    names = [row[0] for row in cells[1:]]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in names and "'@SUM(A1)" in names
    assert 100.0 in cells[1 + names.index("'=HYPERLINK(\"http://evil\",\"x\")")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_export_then_import_changes_nothing(portfolio, importer_user, fmt):
    audit_before = AuditEntry.objects.count()
    for entity in ENTITIES:
        content = exported(entity, fmt)
        result = import_file(actor=importer_user, entity=entity, file=io.BytesIO(content),
                             filename=f"{entity}.{fmt}")
        assert result.errors == [], entity
        assert (result.created, result.updated) == (0, 0), entity
        assert result.unchanged > 0, entity
    assert AuditEntry.objects.count() == audit_before


def test_round_trip_rebuilds_a_register_in_an_empty_database(portfolio, importer_user):
    files = {entity: exported(entity) for entity in ("providers", "arrangements")}
    before = {row[0]: row for row in csv_rows(files["arrangements"])[1:]}
    Arrangement.objects.filter(overarching__isnull=False).delete()
    Arrangement.objects.all().delete()
    Provider.objects.filter(subcontracting_links__isnull=False).delete()
    Provider.objects.filter(parent__isnull=False).delete()
    Provider.objects.exclude(pk=portfolio["provider"].pk).delete()
    for entity, content in files.items():
        result = import_file(actor=importer_user, entity=entity, file=io.BytesIO(content),
                             filename="x.csv")
        assert result.errors == [] and result.created > 0, entity
    after = {row[0]: row for row in csv_rows(exported("arrangements"))[1:]}
    assert after == before
    child = Provider.objects.get(name="Child Ltd")
    assert child.parent.lei == PARENT_LEI and child.ultimate_parent == child.parent


def test_export_shows_a_provider_contact_only_their_own_provider(portfolio):
    contact = UserFactory(role=Role.PROVIDER_CONTACT, provider=portfolio["provider"])
    ArrangementFactory(reference="MINE-1", provider=portfolio["provider"],
                       organisation=portfolio["organisation"], start_date=date(2024, 1, 1))
    references = [row[0] for row in csv_rows(exported("arrangements", user=contact))[1:]]
    assert references == ["MINE-1"]
    assert csv_rows(exported("services", user=contact))[1:] == []


def test_export_command_writes_the_file(portfolio, tmp_path):
    target = tmp_path / "providers.xlsx"
    call_command("export_data", "providers", str(target), stderr=io.StringIO())
    sheet = CalamineWorkbook.from_path(target).get_sheet_by_name("providers").to_python()
    assert sheet[0][:3] == ["name", "lei", "country"] and len(sheet) == 4
