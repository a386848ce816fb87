"""Factories for SLAs/KPIs, their credit bands and measurement batches."""

import factory

from tests.factories import ArrangementFactory
from tether.performance.models import CreditBand, MeasurementBatch, ServiceLevel


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
