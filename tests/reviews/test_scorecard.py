"""Scorecards: the pure score on hand-computed cases, and the SQL aggregation over period
results, reviews and open findings equal to a hand computation."""

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import ArrangementFactory, ProviderFactory
from tests.performance.factories import ServiceLevelFactory
from tests.reviews.factories import period_results, review_for
from tether.core.roles import Role
from tether.oversight.models import Finding
from tether.reviews.scorecard import Figures, scorecard
from tether.reviews.scorecard_selectors import provider_figures, scorecard_ranking

TODAY = date(2026, 11, 26)


def test_score_is_the_weighted_mean_of_the_components_with_data():
    card = scorecard(Figures(sla_assessed=10, sla_met=8, sla_mean_attainment=97.5,
                             kpi_assessed=4, kpi_met=2, latest_rating=Decimal("4.00"),
                             previous_rating=Decimal("3.50"), open_findings=2,
                             finding_points=7))
    values = {c.code: c.value for c in card.components}
    assert values == {"sla": 80.0, "kpi": 50.0, "review": 75.0, "findings": 65.0}
    # (80×40 + 50×15 + 75×30 + 65×15) / 100
    assert card.score == 71.8
    assert card.trend == 0.5
    assert card.band == ("Fair", "warning")
    assert "sla periods met 80 × 40/100" in card.explanation


def test_missing_components_share_their_weight_and_findings_alone_make_no_score():
    card = scorecard(Figures(sla_assessed=4, sla_met=4))
    # SLA 100 × 40 and findings 100 × 15, over 55.
    assert card.score == 100.0
    assert scorecard(Figures(latest_rating=1, finding_points=30)).score == 0.0
    empty = scorecard(Figures(open_findings=1, finding_points=10))
    assert empty.score is None and empty.band == ("No data", "secondary")
    assert "Not enough data" in empty.explanation


@pytest.mark.django_db
def test_figures_are_aggregated_in_sql_over_the_last_twelve_months(users,
                                                                   django_assert_num_queries):
    manager = users[Role.VENDOR_MANAGER]
    provider = ProviderFactory(name="Gamma Services")
    arrangement = ArrangementFactory(provider=provider)
    sla = ServiceLevelFactory(arrangement=arrangement, kind="sla")
    kpi = ServiceLevelFactory(arrangement=arrangement, kind="kpi")
    period_results(sla, [
        (date(2025, 10, 1), "breached", 50.0),  # before the window: ignored
        (date(2026, 1, 1), "met", 100.5), (date(2026, 2, 1), "breached", 90.0),
        (date(2026, 3, 1), "met", 101.0), (date(2026, 4, 1), "insufficient", None),
    ])
    period_results(kpi, [(date(2026, 5, 1), "met", 110.0), (date(2026, 6, 1), "breached", 80.0)])
    review_for(arrangement, actor=manager, held_on=date(2026, 3, 1), quality_rating=3)
    review_for(arrangement, actor=manager, held_on=date(2026, 9, 1), quality_rating=4,
               delivery_rating=5)
    Finding.objects.create(provider=provider, title="No DR test", severity="high")
    Finding.objects.create(provider=provider, title="Old", severity="critical", status="closed")
    Finding.objects.create(provider=provider, arrangement=arrangement, title="Logs",
                           severity="medium", status="in_progress")
    other = ProviderFactory(name="Delta Idle")

    providers = type(provider).objects.filter(pk__in=[provider.pk, other.pk])
    with django_assert_num_queries(3):
        figures = provider_figures(providers, today=TODAY)
    gamma = figures[provider.pk]
    assert (gamma.sla_assessed, gamma.sla_met) == (3, 2)
    assert gamma.sla_mean_attainment == pytest.approx((100.5 + 90 + 101) / 3)
    assert (gamma.kpi_assessed, gamma.kpi_met) == (2, 1)
    assert (gamma.latest_rating, gamma.previous_rating) == (Decimal("4.50"), Decimal("3.00"))
    assert (gamma.open_findings, gamma.finding_points) == (2, 5 + 2)
    assert figures[other.pk] == Figures()

    card = scorecard(gamma)
    # SLA 2/3 → 66.67, KPI 50, review (4.5−1)/4 → 87.5, findings 100 − 35 = 65.
    expected = (200 / 3 * 40 + 50 * 15 + 87.5 * 30 + 65 * 15) / 100
    assert card.score == round(expected, 1)

    ranking = scorecard_ranking(user=users[Role.EXECUTIVE], today=TODAY)
    assert (ranking[0].name, ranking[0].rank) == ("Gamma Services", 1)
    rest = ranking[1:]
    assert all(row.rank is None and row.score is None for row in rest)
    assert [row.name for row in rest] == sorted(row.name for row in rest)  # no data: by name
