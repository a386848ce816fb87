"""Factories for SLAs/KPIs, their credit bands, measurement batches and stored results."""

from datetime import date

import factory

from tests.factories import ArrangementFactory
from tether.performance.models import (
    CreditBand,
    MeasurementBatch,
    PeriodResult,
    ServiceLevel,
)


class ServiceLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceLevel

    arrangement = factory.SubFactory(ArrangementFactory)
    name = factory.Sequence(lambda n: f"Availability {n}")
    reference = factory.Sequence(lambda n: f"SL-{n:04d}")
    unit = "%"
    direction = "higher"
    aggregation = "mean"
    target = 99.5
    period = "month"


class CreditBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditBand

    service_level = factory.SubFactory(ServiceLevelFactory)
    worse_than = 99.5
    credit_percent = 5


class MeasurementBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasurementBatch

    source = "api"
    status = "done"


class PeriodResultFactory(factory.django.DjangoModelFactory):
    """A stored result, written directly (as the engine would)."""

    class Meta:
        model = PeriodResult

    service_level = factory.SubFactory(ServiceLevelFactory)
    period_start = date(2026, 1, 1)
    count = 30
    value = 99.9
    outcome = "met"
    attainment = 100.4
    credit_percent = 0
    credit_amount = 0


def performance_objects(arrangement) -> dict:
    """One object of each performance model with pages or endpoints, on the arrangement
    given: what the authorization matrix and the API fuzz test need to name existing ids."""
    level = ServiceLevelFactory(arrangement=arrangement, currency=arrangement.currency)
    return {
        ServiceLevel: level,
        CreditBand: CreditBandFactory(service_level=level, worse_than=99.0, credit_percent=5),
        PeriodResult: PeriodResultFactory(service_level=level),
        MeasurementBatch: MeasurementBatchFactory(provider=arrangement.provider),
    }
