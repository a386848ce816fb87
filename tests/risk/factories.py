"""Factories for the risk register, controls, country ratings and intakes."""

import factory

from tests.factories import ArrangementFactory, ProviderFactory
from tether.risk.choices import BusinessCriticality, DataSensitivity, SystemAccess
from tether.risk.models import ArrangementIntake, Control, CountryRisk, Risk, RiskCategory


def category(code: str = "loss_of_control") -> RiskCategory:
    """A default category; installed first where a flush removed the migration's rows
    (transactional and browser tests)."""
    from tether.risk.services import methodology_install_default

    if not RiskCategory.objects.filter(code=code).exists():
        methodology_install_default()
    return RiskCategory.objects.get(code=code)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    title = factory.Sequence(lambda n: f"Risk {n}")
    category = factory.LazyFunction(category)
    provider = factory.SubFactory(ProviderFactory)
    inherent_likelihood = 3
    inherent_impact = 3


class ControlFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Control

    risk = factory.SubFactory(RiskFactory)
    title = factory.Sequence(lambda n: f"Control {n}")


class CountryRiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryRisk
        django_get_or_create = ("country",)

    country = "FR"
    political = 2
    economic = 2
    legal = 2


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArrangementIntake

    arrangement = factory.SubFactory(ArrangementFactory)
    criticality = BusinessCriticality.HIGH
    data_sensitivity = DataSensitivity.CONFIDENTIAL
    system_access = SystemAccess.USER


def risk_objects(provider, arrangement) -> dict:
    """One object of every risk model, on the provider and arrangement given, scored: what
    the authorization matrix and the API fuzz test need to name existing ids."""
    from tether.risk.engine import methodology_current, providers_rescore
    from tether.risk.models import Methodology, ProviderScore

    risk = RiskFactory(provider=provider)
    made = {
        Risk: risk, Control: ControlFactory(risk=risk),
        RiskCategory: risk.category, CountryRisk: CountryRiskFactory(country="DE"),
        ArrangementIntake: IntakeFactory(arrangement=arrangement),
        Methodology: methodology_current(),
    }
    providers_rescore(methodology=made[Methodology], provider_ids=[provider.pk])
    made[ProviderScore] = ProviderScore.objects.get(provider=provider)
    return made
