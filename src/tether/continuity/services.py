"""Writes of the continuity app: each one transaction with its audit record.

Exit plans, their steps and tests, in-house capabilities and service alternatives have no
rules beyond their fields and constraints, except those below.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from tether.continuity.choices import AlternativeKind
from tether.continuity.models import (
    ExitPlan,
    ExitPlanTest,
    ExitStep,
    InHouseCapability,
    ServiceAlternative,
)
from tether.core.services import ModelServices, object_create, object_delete, object_update


@transaction.atomic
def exit_plan_create(*, actor, data: dict, source: str = "web") -> ExitPlan:
    """Write the exit plan of an arrangement (one per arrangement)."""
    arrangement = data.get("arrangement")
    if arrangement is not None and ExitPlan.objects.filter(arrangement=arrangement).exists():
        raise ValidationError(f"{arrangement} already has an exit plan: edit that one.")
    return object_create(ExitPlan, actor=actor, data=data, source=source)


@transaction.atomic
def exit_plan_update(plan: ExitPlan, *, actor, data: dict, source: str = "web") -> ExitPlan:
    """Change an exit plan."""
    return object_update(plan, actor=actor, data=data, source=source)


@transaction.atomic
def exit_plan_delete(plan: ExitPlan, *, actor, source: str = "web") -> None:
    """Remove an exit plan with its steps and tests, each kept in the audit trail."""
    for step in plan.steps.all():
        object_delete(step, actor=actor, source=source)
    for test in plan.tests.all():
        object_delete(test, actor=actor, source=source)
    object_delete(plan, actor=actor, source=source)


EXIT_PLAN = ModelServices(exit_plan_create, exit_plan_update, exit_plan_delete)


@transaction.atomic
def exit_step_create(*, actor, data: dict, source: str = "web") -> ExitStep:
    """Add a step to an exit plan; without a position it goes last."""
    data = dict(data)
    if not data.get("position") and data.get("plan") is not None:
        last = ExitStep.objects.filter(plan=data["plan"]).aggregate(top=Max("position"))["top"]
        data["position"] = (last or 0) + 1
    return object_create(ExitStep, actor=actor, data=data, source=source)


@transaction.atomic
def exit_step_update(step: ExitStep, *, actor, data: dict, source: str = "web") -> ExitStep:
    """Change a step of an exit plan."""
    return object_update(step, actor=actor, data=data, source=source)


@transaction.atomic
def exit_step_delete(step: ExitStep, *, actor, source: str = "web") -> None:
    """Remove a step of an exit plan."""
    object_delete(step, actor=actor, source=source)


EXIT_STEP = ModelServices(exit_step_create, exit_step_update, exit_step_delete)


@transaction.atomic
def exit_plan_test_create(*, actor, data: dict, source: str = "web") -> ExitPlanTest:
    """Record a test of an exit plan."""
    return object_create(ExitPlanTest, actor=actor, data=data, source=source)


@transaction.atomic
def exit_plan_test_update(test: ExitPlanTest, *, actor, data: dict,
                          source: str = "web") -> ExitPlanTest:
    """Correct the record of an exit plan test."""
    return object_update(test, actor=actor, data=data, source=source)


@transaction.atomic
def exit_plan_test_delete(test: ExitPlanTest, *, actor, source: str = "web") -> None:
    """Remove the record of an exit plan test."""
    object_delete(test, actor=actor, source=source)


EXIT_PLAN_TEST = ModelServices(exit_plan_test_create, exit_plan_test_update,
                               exit_plan_test_delete)


@transaction.atomic
def capability_create(*, actor, data: dict, source: str = "web") -> InHouseCapability:
    """Record a capability the company keeps for an outsourced activity."""
    return object_create(InHouseCapability, actor=actor, data=data, source=source)


@transaction.atomic
def capability_update(capability: InHouseCapability, *, actor, data: dict,
                      source: str = "web") -> InHouseCapability:
    """Change an in-house capability (its level, the people who hold it)."""
    return object_update(capability, actor=actor, data=data, source=source)


@transaction.atomic
def capability_delete(capability: InHouseCapability, *, actor, source: str = "web") -> None:
    """Remove an in-house capability."""
    object_delete(capability, actor=actor, source=source)


CAPABILITY = ModelServices(capability_create, capability_update, capability_delete)


def _alternative_data(data: dict) -> dict:
    # Only a contracted alternative names a provider; in-house never does.
    data = dict(data)
    if data.get("kind") == AlternativeKind.IN_HOUSE:
        data["provider"] = None
    return data


@transaction.atomic
def alternative_create(*, actor, data: dict, source: str = "web") -> ServiceAlternative:
    """Record another way to get a service, with the time and cost to switch."""
    return object_create(ServiceAlternative, actor=actor, data=_alternative_data(data),
                         source=source)


@transaction.atomic
def alternative_update(alternative: ServiceAlternative, *, actor, data: dict,
                       source: str = "web") -> ServiceAlternative:
    """Change a service alternative."""
    return object_update(alternative, actor=actor, data=_alternative_data(data), source=source)


@transaction.atomic
def alternative_delete(alternative: ServiceAlternative, *, actor, source: str = "web") -> None:
    """Remove a service alternative."""
    object_delete(alternative, actor=actor, source=source)


ALTERNATIVE = ModelServices(alternative_create, alternative_update, alternative_delete)
