"""The bulk generator of register-of-information data over a small generated portfolio."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType

from tests.factories import UserFactory
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.registry.generate import portfolio_generate
from tether.registry.models import Organisation, Provider
from tether.regulatory.generate import regulatory_generate
from tether.regulatory.models import (
    ArrangementProfile,
    Branch,
    EntityProfile,
    Function,
    IctService,
)
from tether.regulatory.packaging import write_package
from tether.regulatory.roi import build_register
from tether.regulatory.validation import validate_package

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 30)
# Every template the generated data must fill (B_02.03, B_03.03: intra-group only).
MAIN_TEMPLATES = ("B_01.01", "B_01.02", "B_01.03", "B_02.01", "B_02.02", "B_03.01", "B_03.02",
                  "B_04.01", "B_05.01", "B_05.02", "B_06.01", "B_07.01", "B_99.01")


@pytest.fixture
def generated():
    UserFactory(username="vera.manager", role=Role.VENDOR_MANAGER)
    portfolio_generate(providers=80, arrangements=300, subcontracting=40, organisations=3,
                       seed=3, today=TODAY)
    return regulatory_generate(functions_per_entity=12, services_per_arrangement=3,
                               branches_per_entity=2, seed=5, today=TODAY)


def test_generator_writes_what_it_reports(generated):
    assert generated["entity profiles"] == EntityProfile.objects.count() == 3
    assert generated["branches"] == Branch.objects.count() == 6
    assert generated["functions"] == Function.objects.count() == 36
    assert generated["ICT services"] == IctService.objects.count() > 0
    assert generated["DORA assessments"] == ArrangementProfile.objects.count() > 0
    # Several service rows per arrangement, of different types.
    assert IctService.objects.count() > ArrangementProfile.objects.count()
    assert IctService.objects.values("service_type").distinct().count() > 5


def test_the_group_has_one_ultimate_parent(generated):
    first = Organisation.objects.order_by("pk").first()
    profiles = EntityProfile.objects.order_by("organisation_id")
    assert [p.hierarchy for p in profiles] == ["eba_RP:x53", "eba_RP:x56", "eba_RP:x56"]
    assert profiles[0].parent_id is None
    assert {p.parent_id for p in profiles[1:]} == {first.pk}


def test_services_use_functions_and_branches_of_their_own_entity(generated):
    for service in IctService.objects.select_related("function", "branch"):
        service.full_clean(validate_unique=False, validate_constraints=False)
        assert service.function.organisation_id == service.organisation_id


def test_every_provider_has_an_identifier(generated):
    assert not Provider.objects.filter(lei__isnull=True, identifiers__isnull=True).exists()


def test_generated_rows_are_audited(generated):
    for model in (EntityProfile, Function, IctService, ArrangementProfile):
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), source="generate")
        assert entries.count() == model.objects.count()


def test_the_register_fills_every_main_template_with_sound_keys(generated):
    lei = Organisation.objects.order_by("pk").values_list("lei", flat=True).first()
    register = build_register(lei, TODAY)
    empty = [code for code in MAIN_TEMPLATES if not register.tables[code]]
    assert empty == []
    package = write_package(register)
    failures = validate_package(package.content, file_name=package.name, today=TODAY)
    # 805/806: primary keys; 807 failures carry the link's name, R1–R22.
    broken = [f for f in failures if f.check in {"805", "806"} or f.check.startswith("R")]
    assert broken == []


def test_a_second_run_finds_nothing_to_do(generated):
    with pytest.raises(ValueError, match="No generated organisation without a DORA profile"):
        regulatory_generate(seed=5, today=TODAY)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="at least one function per entity"):
        regulatory_generate(functions_per_entity=0)
