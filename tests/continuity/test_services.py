"""The continuity services: every write audited in its transaction; the demo through them."""

import pytest
from django.core.exceptions import ValidationError

from tests.continuity.factories import ExitPlanFactory
from tests.factories import (
    ActivityFactory,
    ArrangementFactory,
    OrganisationFactory,
    ProviderFactory,
    ServiceFactory,
)
from tether.continuity import services
from tether.continuity.demo import continuity_demo_load
from tether.continuity.models import (
    ExitPlan,
    ExitPlanTest,
    ExitStep,
    InHouseCapability,
    ServiceAlternative,
)
from tether.continuity.selectors import exit_plan_status_by_arrangement
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.registry.models import Arrangement

pytestmark = pytest.mark.django_db


def entries(obj) -> list[tuple[str, str]]:
    return list(AuditEntry.objects.filter(object_id=str(obj.pk),
                                          content_type__model=obj._meta.model_name)
                .order_by("pk").values_list("action", "source"))


def test_plan_written_changed_and_removed_with_its_audit_records(admin_user):
    arrangement = ArrangementFactory(is_critical=True, criticality_reason="Payments")
    plan = services.exit_plan_create(actor=admin_user, source="cli", data={
        "arrangement": arrangement, "strategy": "in_house", "triggers": "Breach",
        "target_duration_days": 60})
    services.exit_plan_update(plan, actor=admin_user, data={"target_duration_days": 90})
    step = services.exit_step_create(actor=admin_user, data={
        "plan": plan, "description": "Hire", "duration_days": 30})
    test = services.exit_plan_test_create(actor=admin_user, data={
        "plan": plan, "tested_on": "2026-01-01", "kind": "live", "result": "passed"})
    assert step.position == 1
    services.exit_plan_delete(plan, actor=admin_user)
    assert entries(plan) == [("create", "cli"), ("update", "web"), ("delete", "web")]
    assert entries(step) == [("create", "web"), ("delete", "web")]
    assert entries(test) == [("create", "web"), ("delete", "web")]
    assert not ExitPlan.objects.exists() and not ExitStep.objects.exists()


def test_plan_for_an_arrangement_that_has_one_is_refused(admin_user):
    plan = ExitPlanFactory()
    with pytest.raises(ValidationError, match="already has an exit plan"):
        services.exit_plan_create(actor=admin_user, data={
            "arrangement": plan.arrangement, "strategy": "in_house", "triggers": "x",
            "target_duration_days": 1})


def test_in_house_alternative_names_no_provider(admin_user):
    alternative = services.alternative_create(actor=admin_user, data={
        "service": ServiceFactory(), "kind": "in_house", "provider": ProviderFactory(),
        "switch_days": 120})
    assert alternative.provider is None
    services.alternative_update(alternative, actor=admin_user, data={"switch_days": 100})
    services.alternative_delete(alternative, actor=admin_user)
    assert [action for action, _source in entries(alternative)] == ["create", "update", "delete"]


def test_capability_services_are_audited(admin_user):
    capability = services.capability_create(actor=admin_user, data={
        "activity": ActivityFactory(sourcing="outsourced"), "name": "Runbooks",
        "kind": "knowledge", "level": 2, "people": 2})
    services.capability_update(capability, actor=admin_user, data={"level": 3})
    services.capability_delete(capability, actor=admin_user)
    assert [action for action, _source in entries(capability)] == ["create", "update", "delete"]


def test_demo_plans_two_thirds_of_critical_arrangements_once(users):
    critical = [ArrangementFactory(is_critical=True, criticality_reason="Core")
                for _ in range(9)]
    ArrangementFactory()
    # One organisation and names in order: the demo skips every fourth activity in the order
    # organisation, name (factory sequence numbers would sort "Activity 10" before "9").
    organisation = OrganisationFactory(name="Demo Organisation")
    outsourced = [ActivityFactory(sourcing="outsourced", organisation=organisation,
                                  name=f"Outsourced {letter}") for letter in "ABCD"]
    for _ in range(3):
        ServiceFactory()
    assert users[Role.VENDOR_MANAGER].is_active
    counts = continuity_demo_load()
    assert counts["exit plans"] == 6 and counts["exit plan tests"] > 0
    assert InHouseCapability.objects.filter(activity__in=outsourced[:3]).exists()
    assert not InHouseCapability.objects.filter(activity=outsourced[3]).exists()
    assert ServiceAlternative.objects.exists()
    status = exit_plan_status_by_arrangement([a.pk for a in critical])
    assert sorted(set(status.values())) == ["failed", "missing", "ready", "stale", "untested"]
    assert set(AuditEntry.objects.filter(content_type__model="exitplan")
               .values_list("source", flat=True)) == {"demo"}
    assert continuity_demo_load() == {}
    assert ExitPlan.objects.count() == 6 and ExitPlanTest.objects.exists()
    assert Arrangement.objects.count() == 10
