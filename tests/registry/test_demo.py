"""The demo portfolio: shape, validity, derived fields, audit trail, idempotence."""

from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tests.registry.portfolio_checks import (
    category_mismatches,
    longest_chain,
    notice_deadline_mismatches,
    subcontracting_graph,
    ultimate_parent_mismatches,
    validate_fields_and_rules,
)
from tether.core.models import AuditEntry, User
from tether.core.roles import Role
from tether.registry import demo_data
from tether.registry.choices import ArrangementType, Sourcing
from tether.registry.demo import DemoLoader, demo_load
from tether.registry.demo_plan import plan_arrangements
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
)
from tether.registry.validators import validate_lei

pytestmark = pytest.mark.django_db
REGISTER_MODELS = (Organisation, Activity, Service, Provider, ProviderIdentifier, Arrangement,
                   SubcontractingLink)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        counts = demo_load()
        yield counts
        transaction.set_rollback(True)


def test_demo_loads_two_organisations_and_a_few_hundred_providers(demo):
    assert set(Organisation.objects.values_list("name", flat=True)) == {
        "Northbank AG", "Kessler Maschinenbau GmbH"}
    assert Provider.objects.count() >= 250
    assert 350 <= Arrangement.objects.count() <= 500
    assert 40 <= Service.objects.count() <= 60


def test_loading_the_demo_again_changes_nothing(demo):
    before = {model: model.objects.count() for model in (*REGISTER_MODELS, AuditEntry, User)}
    assert demo_load() is None
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert {model: model.objects.count() for model in before} == before


def test_every_lei_in_the_demo_is_valid(demo):
    leis = [*Provider.objects.exclude(lei=None).values_list("lei", flat=True),
            *Organisation.objects.values_list("lei", flat=True)]
    assert len(leis) >= 200
    for lei in leis:
        validate_lei(lei)


def test_every_ultimate_parent_is_the_top_of_the_parent_chain(demo):
    assert ultimate_parent_mismatches() == []
    tcs_germany = Provider.objects.get(name="Tata Consultancy Services Deutschland GmbH")
    assert tcs_germany.parent.name == "Tata Consultancy Services Ltd"
    assert tcs_germany.ultimate_parent.name == "Tata Sons Pvt Ltd"


def test_subcontracting_chains_have_no_cycle_and_go_three_deep(demo):
    assert longest_chain(subcontracting_graph()) >= 3


def test_many_providers_run_on_the_same_cloud(demo):
    aws = Provider.objects.get(name="Amazon Web Services EMEA SARL")
    assert SubcontractingLink.objects.filter(subcontractor=aws).count() >= 10


def test_some_notice_deadlines_and_end_dates_fall_in_the_next_ninety_days(demo):
    today = timezone.now().date()
    window = (today, today + timedelta(days=90))
    assert Arrangement.objects.filter(notice_deadline__range=window).count() >= 10
    assert Arrangement.objects.filter(end_date__range=window).count() >= 5


def test_derived_fields_match_their_rules(demo):
    assert notice_deadline_mismatches() == 0
    assert category_mismatches() == 0


def test_each_value_chain_has_one_top_activity_per_porter_area(demo):
    for organisation in Organisation.objects.all():
        tops = Activity.objects.filter(organisation=organisation, parent=None)
        assert tops.count() == 9
        children = Activity.objects.filter(organisation=organisation, parent__isnull=False)
        assert children.filter(is_core_competency=True, sourcing=Sourcing.IN_HOUSE).exists()
        assert children.filter(sourcing=Sourcing.OUTSOURCED).exists()
        assert not children.exclude(parent__organisation=organisation).exists()


def test_subsequent_arrangements_point_at_an_overarching_one(demo):
    subsequent = Arrangement.objects.filter(arrangement_type=ArrangementType.SUBSEQUENT)
    assert subsequent.count() >= 5
    assert not subsequent.exclude(
        overarching__arrangement_type=ArrangementType.OVERARCHING).exists()


def test_every_demo_object_passes_model_validation(demo):
    for model in (Organisation, Provider, Arrangement, SubcontractingLink, Activity):
        for instance in model.objects.all():
            validate_fields_and_rules(instance)


def test_every_demo_row_has_a_demo_audit_entry(demo):
    for model in REGISTER_MODELS:
        content_type = ContentType.objects.get_for_model(model)
        audited = set(AuditEntry.objects.filter(content_type=content_type, source="demo")
                      .values_list("object_id", flat=True))
        assert audited == {str(pk) for pk in model.objects.values_list("pk", flat=True)}
    entry = AuditEntry.objects.filter(
        source="demo", content_type=ContentType.objects.get_for_model(Arrangement)).first()
    assert entry.after["reference"] == entry.object_repr
    assert entry.after["services"]


def test_demo_users_have_one_role_each_and_no_usable_password(demo):
    for username, *_, role in demo_data.USERS:
        user = User.objects.get(username=username)
        assert user.role == role
        assert not user.has_usable_password()
    contact = User.objects.get(username=demo_data.PROVIDER_CONTACT[0])
    assert contact.role == Role.PROVIDER_CONTACT
    assert contact.provider.name == "Teleperformance Germany S.à r.l. & Co. KG"


def test_the_demo_plan_is_the_same_every_time():
    users = [SimpleNamespace(role=role) for *_, role in demo_data.USERS]
    today = timezone.now().date()

    def plan():
        loader = DemoLoader(today)
        providers = loader._plan_providers()
        return providers, plan_arrangements(loader.rng, today, providers, users=users)

    first, second = plan(), plan()
    assert first[0] == second[0]
    assert [a["reference"] for a in first[1]] == [a["reference"] for a in second[1]]
    assert [a["cost"] for a in first[1]] == [a["cost"] for a in second[1]]

