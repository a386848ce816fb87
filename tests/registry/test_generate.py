"""The synthetic portfolio generator and the import files it writes."""

import csv
from collections import Counter
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from python_calamine import CalamineWorkbook

from tests.factories import UserFactory
from tests.registry.portfolio_checks import (
    category_mismatches,
    longest_chain,
    notice_deadline_mismatches,
    subcontracting_graph,
    ultimate_parent_mismatches,
    validate_fields_and_rules,
)
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.registry.demo import demo_load
from tether.registry.generate import (
    portfolio_generate,
    write_arrangements_file,
    write_providers_file,
)
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    Service,
    SubcontractingLink,
)
from tether.registry.transfer.columns import ARRANGEMENT_COLUMNS, PROVIDER_COLUMNS
from tether.registry.validators import validate_lei

pytestmark = pytest.mark.django_db
SIZE = {"providers": 400, "arrangements": 900, "subcontracting": 300, "organisations": 2}


@pytest.fixture
def portfolio():
    UserFactory(username="vera.manager", role=Role.VENDOR_MANAGER)
    return portfolio_generate(**SIZE, seed=7)


def test_generator_writes_exactly_the_requested_counts(portfolio):
    assert Organisation.objects.count() == 2
    assert Provider.objects.count() == 400
    assert Arrangement.objects.count() == 900
    assert SubcontractingLink.objects.count() == 300
    assert Activity.objects.filter(parent=None).count() == 2 * 9


def test_generated_subcontracting_is_a_dag_five_links_deep(portfolio):
    assert longest_chain(subcontracting_graph()) >= 5


def test_generated_leis_are_valid_and_most_providers_have_one(portfolio):
    leis = list(Provider.objects.exclude(lei=None).values_list("lei", flat=True))
    assert len(leis) >= 0.75 * 400
    for lei in leis:
        validate_lei(lei)


def test_generated_derived_fields_follow_their_rules(portfolio):
    assert ultimate_parent_mismatches() == []
    assert Provider.objects.filter(parent__parent__isnull=False).exists()  # three-level groups
    assert notice_deadline_mismatches() == 0
    assert category_mismatches() == 0


def test_a_few_providers_hold_many_arrangements(portfolio):
    per_provider = Counter(Arrangement.objects.values_list("provider_id", flat=True))
    assert per_provider.most_common(1)[0][1] >= 20
    assert len(per_provider) >= 150  # and a long tail


def test_generated_rows_pass_model_validation(portfolio):
    for model in (Provider, Arrangement, SubcontractingLink, Activity, Organisation):
        for instance in model.objects.all():
            validate_fields_and_rules(instance)
    assert Arrangement.objects.filter(overarching__isnull=False).exists()
    assert Arrangement.objects.filter(owner__username="vera.manager").exists()


def test_every_generated_row_has_an_audit_entry(portfolio):
    for model in (Organisation, Activity, Provider, Arrangement, SubcontractingLink):
        content_type = ContentType.objects.get_for_model(model)
        entries = AuditEntry.objects.filter(content_type=content_type, source="generate")
        assert entries.count() == model.objects.count()
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Arrangement)).first()
    arrangement = Arrangement.objects.get(pk=entry.object_id)
    assert entry.before is None
    assert entry.after["reference"] == arrangement.reference == entry.object_repr
    assert entry.after["start_date"] == arrangement.start_date.isoformat()
    assert entry.after["services"] == sorted(arrangement.services.values_list("pk", flat=True))


def test_running_twice_adds_a_second_portfolio_without_collisions(portfolio):
    portfolio_generate(**SIZE, seed=7)
    assert Provider.objects.count() == 800
    assert Arrangement.objects.count() == 1800
    assert Organisation.objects.count() == 4
    assert Service.objects.count() == len(set(Service.objects.values_list("name", flat=True)))
    assert longest_chain(subcontracting_graph()) >= 5
    assert ultimate_parent_mismatches() == []


def test_same_seed_on_the_same_database_gives_the_same_portfolio():
    def generate():
        with transaction.atomic():
            portfolio_generate(providers=50, arrangements=80, subcontracting=20, seed=3)
            state = (list(Provider.objects.order_by("pk").values_list("name", "lei")),
                     list(Arrangement.objects.order_by("pk").values_list(
                         "reference", "provider__name", "annual_cost")))
            transaction.set_rollback(True)
        return state

    assert generate() == generate()


def test_generator_refuses_more_links_than_fit():
    with pytest.raises(ValueError, match="distinct subcontracting links"):
        portfolio_generate(providers=3, arrangements=1, subcontracting=50, organisations=1)
    assert not Provider.objects.exists()


def test_generate_command_reports_rows_per_second(tmp_path):
    out = StringIO()
    path = tmp_path / "arrangements.csv"
    call_command("generate", providers=30, arrangements=40, subcontracting=10,
                 arrangements_file=path, file_rows=25, stdout=out)
    assert "rows/s" in out.getvalue()
    assert "until commit" in out.getvalue()
    assert path.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_arrangements_file_has_the_import_columns_and_refers_to_existing_rows(
        portfolio, tmp_path, fmt):
    path = tmp_path / f"arrangements.{fmt}"
    assert write_arrangements_file(path, 120, fmt, seed=2) == 120
    header, *rows = _read(path, fmt)
    assert header == [column.header for column in ARRANGEMENT_COLUMNS]
    assert len(rows) == 120
    records = [dict(zip(header, row, strict=True)) for row in rows]
    providers = set(Provider.objects.values_list("name", "country"))
    organisations = set(Organisation.objects.values_list("name", flat=True))
    assert all((r["provider_name"], r["provider_country"]) in providers for r in records)
    assert all(r["organisation"] in organisations for r in records)
    assert len({r["reference"] for r in records}) == 120
    assert not Arrangement.objects.filter(reference__in=[r["reference"] for r in records])
    assert {r["is_critical"] for r in records} <= {"yes", "no"}


def test_arrangements_file_imports_cleanly(portfolio, tmp_path):
    path = tmp_path / "arrangements.csv"
    write_arrangements_file(path, 60, "csv", seed=4)
    call_command("import_data", "arrangements", str(path), stdout=StringIO())
    assert Arrangement.objects.count() == 960


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_providers_file_names_new_providers_with_valid_leis(portfolio, tmp_path, fmt):
    path = tmp_path / f"providers.{fmt}"
    write_providers_file(path, 80, fmt, seed=5)
    header, *rows = _read(path, fmt)
    assert header == [column.header for column in PROVIDER_COLUMNS]
    records = [dict(zip(header, row, strict=True)) for row in rows]
    existing = set(Provider.objects.values_list("name", "country"))
    assert not any((r["name"], r["country"]) in existing for r in records)
    for record in records:
        if record["lei"]:
            validate_lei(record["lei"])


def _read(path, fmt) -> list[list[str]]:
    if fmt == "csv":
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.reader(handle))
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return [[_cell(value) for value in row] for row in sheet]


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_generator_runs_beside_the_demo():
    demo_load()
    providers, arrangements = Provider.objects.count(), Arrangement.objects.count()
    portfolio_generate(providers=100, arrangements=150, subcontracting=40, organisations=1)
    assert Provider.objects.count() == providers + 100
    assert Arrangement.objects.count() == arrangements + 150
    assert longest_chain(subcontracting_graph()) >= 3
    assert ultimate_parent_mismatches() == []


def test_demo_loads_beside_a_generated_portfolio():
    portfolio_generate(providers=60, arrangements=80, subcontracting=20, organisations=1)
    services = Service.objects.count()
    assert demo_load() is not None
    assert Service.objects.count() == services  # the same catalogue, reused
    updates = AuditEntry.objects.filter(
        source="demo", action="update", content_type=ContentType.objects.get_for_model(Service))
    assert updates.exists()
    entry = updates.first()
    assert set(entry.before["activities"]) < set(entry.after["activities"])
