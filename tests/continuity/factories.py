"""Factories for exit plans, their steps and tests, capabilities and alternatives."""

from datetime import date

import factory

from tests.factories import ActivityFactory, ArrangementFactory, ServiceFactory
from tether.continuity.models import (
    ExitPlan,
    ExitPlanTest,
    ExitStep,
    InHouseCapability,
    ServiceAlternative,
)


class CriticalArrangementFactory(ArrangementFactory):
    is_critical = True
    criticality_reason = "Core banking platform."


class ExitPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExitPlan

    arrangement = factory.SubFactory(CriticalArrangementFactory)
    strategy = "alternative_provider"
    triggers = "Provider insolvency."
    target_duration_days = 120


class ExitStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExitStep

    plan = factory.SubFactory(ExitPlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    description = factory.Sequence(lambda n: f"Step {n}")
    duration_days = 30


class ExitPlanTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExitPlanTest

    plan = factory.SubFactory(ExitPlanFactory)
    tested_on = date(2026, 6, 1)
    kind = "tabletop"
    result = "passed"


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InHouseCapability

    activity = factory.SubFactory(ActivityFactory, sourcing="outsourced")
    name = factory.Sequence(lambda n: f"Capability {n}")
    kind = "skills"
    level = 2
    people = 3


class AlternativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAlternative

    service = factory.SubFactory(ServiceFactory)
    kind = "market"
    switch_days = 90


def continuity_objects(arrangement, *, activity=None, service=None) -> dict:
    """One object of every continuity model, on the arrangement given: what the authorization
    matrix and the API fuzz test need to name existing ids."""
    plan = ExitPlanFactory(arrangement=arrangement)
    return {
        ExitPlan: plan, ExitStep: ExitStepFactory(plan=plan),
        ExitPlanTest: ExitPlanTestFactory(plan=plan),
        InHouseCapability: CapabilityFactory(**({"activity": activity} if activity else {})),
        ServiceAlternative: AlternativeFactory(**({"service": service} if service else {})),
    }
