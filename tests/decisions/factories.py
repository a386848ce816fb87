"""Factories for keep-or-outsource cases, options and actuals."""

from datetime import date
from decimal import Decimal

import factory

from tests.factories import ActivityFactory
from tether.decisions.choices import CaseStatus, OptionKind
from tether.decisions.models import DecisionActual, DecisionCase, DecisionOption


class DecisionCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionCase

    activity = factory.SubFactory(ActivityFactory)
    title = factory.Sequence(lambda n: f"Keep or outsource {n}")
    horizon_years = 3
    discount_rate = Decimal("0.1")
    risk_cost_share = Decimal("0.2")


def fixed(prefix: str, value) -> dict:
    """A cost known exactly: low = most likely = high."""
    value = Decimal(str(value))
    return {f"{prefix}_low": value, f"{prefix}_mode": value, f"{prefix}_high": value}


def ranged(prefix: str, low, mode, high) -> dict:
    return {f"{prefix}_low": Decimal(str(low)), f"{prefix}_mode": Decimal(str(mode)),
            f"{prefix}_high": Decimal(str(high))}


class DecisionOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionOption

    case = factory.SubFactory(DecisionCaseFactory)
    name = factory.Sequence(lambda n: f"Option {n}")
    kind = OptionKind.OUTSOURCE
    fee_low = Decimal("900")
    fee_mode = Decimal("1000")
    fee_high = Decimal("1200")


class DecisionActualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionActual

    case = factory.SubFactory(DecisionCaseFactory, status=CaseStatus.DECIDED)
    year = 1
    actual_cost = Decimal("950")


def decided_case(**case_fields) -> DecisionCase:
    """A decided case with an in-house and an outsourcing option, simulated (seed 1)."""
    from tether.decisions import services

    case = DecisionCaseFactory(**case_fields)
    DecisionOptionFactory(case=case, name="In-house", kind=OptionKind.IN_HOUSE,
                          **fixed("fee", 1200))
    offer = DecisionOptionFactory(case=case, name="Offer", **fixed("fee", 1000),
                                  **fixed("transition", 300))
    case = services.case_simulate(case, actor=None, runs=1000, seed=1)
    return services.case_decide(case, actor=None, chosen_option=offer,
                                recommendation="Outsource.", reasons="Cheaper.",
                                decided_on=date(2025, 1, 1))


def decision_objects(provider) -> dict:
    """One object of every decisions model: a simulated draft case whose offer comes from
    `provider`, and an actual cost on a decided case. For the authorization matrix and the
    API fuzz test."""
    from tether.decisions import services

    case = DecisionCaseFactory()
    DecisionOptionFactory(case=case, name="In-house", kind=OptionKind.IN_HOUSE)
    option = DecisionOptionFactory(case=case, name="Offer", provider=provider)
    services.case_simulate(case, actor=None, runs=500, seed=1)
    actual = DecisionActualFactory(case=decided_case())
    return {DecisionCase: case, DecisionOption: option, DecisionActual: actual}
