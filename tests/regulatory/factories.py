"""Factories of the register-of-information data."""

from datetime import date

import factory

from tests.factories import ArrangementFactory, OrganisationFactory, ProviderFactory, valid_lei
from tether.regulatory.models import (
    ArrangementProfile,
    Branch,
    EntityProfile,
    ExportArtefact,
    ExportStatus,
    Function,
    IctService,
    ProviderProfile,
    RegisterExport,
)


class EntityProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntityProfile

    organisation = factory.SubFactory(OrganisationFactory, lei=factory.LazyFunction(valid_lei))
    entity_type = "eba_CT:x12"
    hierarchy = "eba_RP:x53"
    competent_authority = "ECB"
    total_assets = 125_000_000_000
    integrated_on = date(2025, 1, 1)


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    head_office = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"BR-{n:03d}")
    name = factory.Sequence(lambda n: f"Branch {n}")
    country = "FR"


class FunctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Function

    organisation = factory.SubFactory(OrganisationFactory)
    identifier = factory.Sequence(lambda n: f"F{n:04d}")
    name = factory.Sequence(lambda n: f"Function {n}")
    licenced_activity = "eba_TA:x162"
    criticality = "eba_BT:x28"
    criticality_reasons = "Payments stop without it."
    assessed_on = date(2025, 6, 30)
    rto_hours = 4
    rpo_hours = 1
    discontinuing_impact = "eba_ZZ:x793"


class IctServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IctService

    arrangement = factory.SubFactory(ArrangementFactory)
    organisation = factory.SelfAttribute("arrangement.organisation")
    function = factory.SubFactory(FunctionFactory,
                                  organisation=factory.SelfAttribute("..organisation"))
    service_type = "eba_TA:S19"
    provision_country = "IE"
    stores_data = True
    storage_country = "IE"
    processing_country = "DE"
    data_sensitivity = "eba_ZZ:x793"
    reliance = "eba_ZZ:x797"


class ArrangementProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArrangementProfile

    arrangement = factory.SubFactory(ArrangementFactory)
    reintegration = "eba_ZZ:x966"
    discontinuing_impact = "eba_ZZ:x793"


class ProviderProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderProfile

    provider = factory.SubFactory(ProviderFactory)
    latin_name = "Nimbus Hosting"


def regulatory_objects(arrangement) -> dict:
    """One object of each register-of-information model, around `arrangement`."""
    organisation = arrangement.organisation
    service = IctServiceFactory(arrangement=arrangement)
    return {
        EntityProfile: EntityProfileFactory(organisation=organisation),
        Branch: BranchFactory(head_office=organisation),
        Function: service.function,
        IctService: service,
        ArrangementProfile: ArrangementProfileFactory(arrangement=arrangement),
        ProviderProfile: ProviderProfileFactory(provider=arrangement.provider),
        RegisterExport: finished_export(organisation),
    }


def finished_export(organisation) -> RegisterExport:
    """An export as its job leaves it: done, with a (tiny) package."""
    export = RegisterExport.objects.create(
        organisation=organisation, reference_date=date(2025, 12, 31), status=ExportStatus.DONE,
        file_name="package.zip", rows=1)
    ExportArtefact.objects.create(export=export, content=b"PK\x05\x06" + b"\0" * 18)
    return export
