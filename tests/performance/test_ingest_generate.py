"""The benchmark's generator: levels for a portfolio, a year of measurements, then results."""

import pytest

from tests.factories import ArrangementFactory
from tether.core.models import AuditEntry
from tether.performance import engine
from tether.performance.generate import measurements_generate, service_levels_generate
from tether.performance.models import (
    CreditBand,
    MeasurementChunk,
    PeriodResult,
    ServiceLevel,
)

pytestmark = pytest.mark.django_db


def test_levels_and_a_year_of_measurements_are_generated_and_computed():
    for _ in range(4):
        ArrangementFactory()
    assert service_levels_generate(count=10, seed=3) == {"levels": 10, "credit_bands": 21}
    assert ServiceLevel.objects.count() == 10 and CreditBand.objects.count() == 21
    assert AuditEntry.objects.filter(source="generate").count() == 31
    report = measurements_generate(total=1200, year=2025, seed=3)
    assert report == {"measurements": 1200, "levels": 10, "chunks": 120}
    assert sum(MeasurementChunk.objects.values_list("count", flat=True)) == 1200
    assert engine.recompute_all()["periods"] == 120
    assert PeriodResult.objects.count() == 120
    assert PeriodResult.objects.filter(outcome="met").exists()


def test_generating_levels_needs_arrangements_enough():
    with pytest.raises(ValueError, match="portfolio first"):
        service_levels_generate(count=1)
    ArrangementFactory()
    with pytest.raises(ValueError, match="more than 5 per arrangement"):
        service_levels_generate(count=6)
