"""Measurements stored packed, results computed from them, whole or incrementally."""

from datetime import UTC, date, datetime

import numpy as np
import pytest

from tests.performance.factories import CreditBandFactory, ServiceLevelFactory
from tether.performance import engine
from tether.performance.models import MeasurementChunk, PeriodResult
from tether.performance.storage import merge_measurements, read_measurements

pytestmark = pytest.mark.django_db


def at(*parts) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())


def feed(level, rows):
    """rows: [(datetime parts tuple, value)]"""
    ids = np.full(len(rows), level.pk)
    times = np.array([at(*when) for when, _ in rows])
    values = np.array([value for _, value in rows], dtype=float)
    return merge_measurements(ids, times, values)


def results(level):
    return {r.period_start: r for r in PeriodResult.objects.filter(service_level=level)}


def test_merge_packs_per_month_and_replaces_a_time_sent_again():
    level = ServiceLevelFactory()
    touched = feed(level, [((2026, 1, 5), 99.0), ((2026, 1, 2), 98.0), ((2026, 2, 1), 97.0)])
    assert touched == {(level.pk, date(2026, 1, 1)), (level.pk, date(2026, 2, 1))}
    feed(level, [((2026, 1, 5), 99.5), ((2026, 1, 9), 96.0)])
    assert MeasurementChunk.objects.filter(service_level=level).count() == 2
    times, values = read_measurements(level.pk)
    assert times.tolist() == [at(2026, 1, 2), at(2026, 1, 5), at(2026, 1, 9), at(2026, 2, 1)]
    assert values.tolist() == [98.0, 99.5, 96.0, 97.0]
    january = read_measurements(level.pk, date(2026, 1, 1), date(2026, 1, 31))
    assert len(january[0]) == 3


def test_same_batch_twice_changes_nothing():
    level = ServiceLevelFactory()
    rows = [((2026, 3, d), 99.0 + d / 100) for d in range(1, 20)]
    feed(level, rows)
    engine.recompute_levels([level.pk])
    before = [(r.count, r.value) for r in results(level).values()]
    touched = feed(level, rows)
    assert engine.recompute_months(touched) == 0
    assert [(r.count, r.value) for r in results(level).values()] == before
    assert before[0][0] == 19


def test_a_time_given_twice_in_one_batch_keeps_the_last():
    level = ServiceLevelFactory()
    feed(level, [((2026, 3, 1), 1.0), ((2026, 3, 1), 2.0)])
    assert read_measurements(level.pk)[1].tolist() == [2.0]


def test_breach_and_credit_from_bands_and_monthly_fee():
    level = ServiceLevelFactory(target=99.9, monthly_fee=10_000)
    CreditBandFactory(service_level=level, worse_than=99.9, credit_percent=5)
    CreditBandFactory(service_level=level, worse_than=99.5, credit_percent=10)
    feed(level, [((2026, 1, 10), 99.95), ((2026, 2, 10), 99.4), ((2026, 2, 11), 99.5)])
    engine.recompute_levels([level.pk])
    found = results(level)
    assert found[date(2026, 1, 1)].outcome == "met"
    february = found[date(2026, 2, 1)]
    assert february.outcome == "breached"
    assert february.value == pytest.approx(99.45)
    assert february.credit_percent == 10
    assert float(february.credit_amount) == 1000.0


def test_fee_falls_back_to_the_arrangement_and_quarters_cover_three_months():
    level = ServiceLevelFactory(target=100, period="quarter", arrangement__annual_cost=120_000)
    CreditBandFactory(service_level=level, worse_than=100, credit_percent=2)
    feed(level, [((2026, 1, 10), 90), ((2026, 3, 10), 100), ((2026, 4, 2), 100)])
    engine.recompute_levels([level.pk])
    found = results(level)
    assert set(found) == {date(2026, 1, 1), date(2026, 4, 1)}
    first = found[date(2026, 1, 1)]
    assert (first.count, first.value, first.outcome) == (2, 95.0, "breached")
    assert float(first.credit_amount) == 600.0  # 2 % of three months of 10,000


def test_incremental_update_touches_only_the_periods_fed():
    level = ServiceLevelFactory(target=99)
    feed(level, [((2026, 1, 1), 100), ((2026, 2, 1), 100)])
    engine.recompute_levels([level.pk])
    january_id = results(level)[date(2026, 1, 1)].pk
    written = engine.recompute_months(feed(level, [((2026, 2, 2), 90)]))
    assert written == 1
    found = results(level)
    assert found[date(2026, 2, 1)].outcome == "breached"
    assert found[date(2026, 1, 1)].pk == january_id


def test_full_recompute_equals_incremental_and_repairs_changes():
    first = ServiceLevelFactory(aggregation="percentile", percentile=95, direction="lower",
                                target=300)
    second = ServiceLevelFactory(aggregation="within_target", item_target=4, direction="lower",
                                 target=90)
    rng = np.random.default_rng(1)
    for level in (first, second):
        n = 500
        times = at(2026, 1, 1) + rng.integers(0, 180 * 86400, n)
        merge_measurements(np.full(n, level.pk), times, rng.random(n) * 500)
        engine.recompute_levels([level.pk])
    incremental = sorted(PeriodResult.objects.values_list(
        "service_level", "period_start", "count", "value", "outcome"))
    PeriodResult.objects.filter(service_level=first).update(outcome="met", value=0)
    PeriodResult.objects.filter(service_level=second, period_start=date(2026, 3, 1)).delete()
    stats = engine.recompute_all()
    assert stats["levels"] == 2 and stats["periods"] == 12
    assert sorted(PeriodResult.objects.values_list(
        "service_level", "period_start", "count", "value", "outcome")) == incremental
    times, values = read_measurements(first.pk, date(2026, 2, 1), date(2026, 2, 1))
    february = PeriodResult.objects.get(service_level=first, period_start=date(2026, 2, 1))
    assert february.value == pytest.approx(np.percentile(values, 95))
    assert engine.recompute_all()["written"] == 0


def test_definition_change_moves_results_and_deactivation_clears_them():
    level = ServiceLevelFactory(target=99)
    feed(level, [((2026, 1, 1), 98.0)])
    engine.recompute_levels([level.pk])
    assert results(level)[date(2026, 1, 1)].outcome == "breached"
    level.target = 97
    level.save()
    engine.recompute_levels([level.pk])
    assert results(level)[date(2026, 1, 1)].outcome == "met"
    level.period = "quarter"
    level.save()
    feed(level, [((2026, 2, 1), 96.0)])
    engine.recompute_levels([level.pk])
    assert list(results(level)) == [date(2026, 1, 1)]
    assert results(level)[date(2026, 1, 1)].count == 2
    level.active = False
    level.save()
    engine.recompute_levels([level.pk])
    assert not results(level)


def test_minimum_count_reports_insufficient():
    level = ServiceLevelFactory(target=99, minimum_count=3)
    feed(level, [((2026, 1, 1), 10.0)])
    engine.recompute_levels([level.pk])
    result = results(level)[date(2026, 1, 1)]
    assert (result.outcome, result.value, result.attainment) == ("insufficient", None, None)


def test_merge_refuses_arrays_of_different_length():
    with pytest.raises(ValueError, match="same length"):
        merge_measurements(np.array([1]), np.array([1, 2]), np.array([1.0]))


def test_recompute_command_runs_the_job_and_repeats_safely():
    from io import StringIO

    from django.core.management import call_command

    from tether.core.models import Job

    level = ServiceLevelFactory(target=99)
    feed(level, [((2026, 1, 1), 98.0)])
    out = StringIO()
    call_command("recompute_sla", "--now", stdout=out)
    job = Job.objects.get(kind="performance.recompute")
    assert job.status == "succeeded"
    assert (job.result["levels"], job.result["periods"], job.result["written"]) == (1, 1, 1)
    assert results(level)[date(2026, 1, 1)].outcome == "breached"
    call_command("recompute_sla", "--now", stdout=out)
    assert Job.objects.filter(kind="performance.recompute").latest("pk").result["written"] == 0
    call_command("recompute_sla", stdout=out)
    assert "Queued job" in out.getvalue()
