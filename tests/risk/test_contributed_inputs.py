"""SLA breaches, open findings and recent incidents move a provider's residual score."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ArrangementFactory, ProviderFactory
from tests.performance.factories import ServiceLevelFactory
from tether.oversight.models import Finding, Incident
from tether.performance.evidence import window_start
from tether.performance.models import PeriodResult
from tether.risk import engine
from tether.risk.models import ProviderScore

pytestmark = pytest.mark.django_db


def inputs_of(provider) -> dict:
    engine.providers_rescore(methodology=engine.methodology_current(),
                             provider_ids=[provider.pk])
    explanation = ProviderScore.objects.get(provider=provider).explanation
    return {item["input"]: item for item in explanation["inputs"]}


def result(level, months_ago: int, outcome: str):
    start = window_start()
    index = start.year * 12 + start.month - 1 + (11 - months_ago)
    period = start.replace(year=index // 12, month=index % 12 + 1)
    PeriodResult.objects.create(service_level=level, period_start=period, count=10, value=1,
                                outcome=outcome, attainment=100)


def test_share_of_breached_sla_periods_in_the_window():
    provider = ProviderFactory()
    level = ServiceLevelFactory(arrangement=ArrangementFactory(provider=provider))
    kpi = ServiceLevelFactory(arrangement=level.arrangement, kind="kpi")
    for months_ago, outcome in [(0, "breached"), (1, "met"), (2, "met"), (3, "met"),
                                (4, "insufficient")]:
        result(level, months_ago, outcome)
    result(kpi, 0, "breached")  # KPIs are followed, not contractual: not counted
    PeriodResult.objects.create(service_level=level, period_start=window_start().replace(
        year=window_start().year - 1), count=1, value=0, outcome="breached")  # too old
    found = inputs_of(provider)["performance"]
    assert found["value"] == 25.0
    assert found["detail"] == "1 of 4 SLA periods breached in the last 12 months"
    assert found["contribution"] == pytest.approx(1.25)


def test_open_findings_and_recent_incidents_add_up_and_cap_at_100():
    provider = ProviderFactory()
    Finding.objects.create(provider=provider, title="Weak backups", severity="high")
    Finding.objects.create(provider=provider, title="Closed", severity="critical",
                           status="closed")
    Incident.objects.create(provider=provider, kind="outage", severity="medium",
                            title="Outage", is_major=True)
    Incident.objects.create(provider=provider, kind="outage", severity="critical",
                            title="Old", detected_at=timezone.now() - timedelta(days=400))
    found = inputs_of(provider)["oversight"]
    assert found["value"] == 65.0  # high finding 25 + major incident 40
    assert found["detail"] == "1 open finding, 1 incident in 12 months (1 major)"
    for n in range(3):
        Finding.objects.create(provider=provider, title=f"Critical {n}", severity="critical")
    assert inputs_of(provider)["oversight"]["value"] == 100.0


def test_a_provider_without_either_scores_zero_on_both():
    provider = ProviderFactory()
    found = inputs_of(provider)
    assert (found["performance"]["value"], found["oversight"]["value"]) == (0.0, 0.0)
    assert found["performance"]["detail"] == "No SLA period assessed in the last 12 months"
