"""The readiness rules, on hand-made dates: untested, stale, failed, ready, missing."""

from datetime import date

import pytest

from tests.continuity.factories import (
    CriticalArrangementFactory,
    ExitPlanFactory,
    ExitPlanTestFactory,
)
from tests.factories import ArrangementFactory
from tether.continuity.models import ExitPlan
from tether.continuity.selectors import (
    exit_plan_status_by_arrangement,
    months_before,
    readiness_counts,
    with_readiness,
)
from tether.registry.models import Arrangement

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


def readiness_of(plan) -> str:
    return with_readiness(ExitPlan.objects.filter(pk=plan.pk), today=TODAY).get().readiness


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(date(2026, 11, 26), 12) == date(2025, 11, 26)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_plan_never_tested_is_untested():
    assert readiness_of(ExitPlanFactory(last_reviewed=date(2026, 10, 1))) == "untested"


def test_plan_tested_and_reviewed_within_its_cadence_is_ready():
    plan = ExitPlanFactory(last_reviewed=date(2026, 1, 1), review_months=12)
    ExitPlanTestFactory(plan=plan, tested_on=date(2025, 11, 26), result="partial")
    assert readiness_of(plan) == "ready"


def test_plan_whose_last_test_is_older_than_its_cadence_is_stale():
    plan = ExitPlanFactory(review_months=12)
    ExitPlanTestFactory(plan=plan, tested_on=date(2025, 11, 25))
    assert readiness_of(plan) == "stale"


def test_plan_whose_last_review_is_older_than_its_cadence_is_stale():
    plan = ExitPlanFactory(review_months=6, last_reviewed=date(2026, 5, 25))
    ExitPlanTestFactory(plan=plan, tested_on=date(2026, 10, 1))
    assert readiness_of(plan) == "stale"


def test_each_plan_is_judged_by_its_own_cadence():
    plan = ExitPlanFactory(review_months=24)
    ExitPlanTestFactory(plan=plan, tested_on=date(2025, 1, 1))
    assert readiness_of(plan) == "ready"


def test_plan_whose_last_test_failed_is_failed_even_after_an_earlier_pass():
    plan = ExitPlanFactory()
    ExitPlanTestFactory(plan=plan, tested_on=date(2026, 3, 1), result="passed")
    ExitPlanTestFactory(plan=plan, tested_on=date(2026, 9, 1), result="failed")
    assert readiness_of(plan) == "failed"


def test_a_passed_test_after_a_failed_one_makes_the_plan_ready():
    plan = ExitPlanFactory()
    ExitPlanTestFactory(plan=plan, tested_on=date(2026, 3, 1), result="failed")
    ExitPlanTestFactory(plan=plan, tested_on=date(2026, 9, 1), result="passed")
    assert readiness_of(plan) == "ready"


def test_live_critical_arrangement_without_plan_is_missing_others_not_required():
    critical = CriticalArrangementFactory()
    draft = CriticalArrangementFactory(status="draft")
    ended = CriticalArrangementFactory(status="terminated")
    ordinary = ArrangementFactory()
    status = exit_plan_status_by_arrangement(
        [critical.pk, draft.pk, ended.pk, ordinary.pk, 999_999], today=TODAY)
    assert status == {critical.pk: "missing", draft.pk: "missing", ended.pk: "not_required",
                      ordinary.pk: "not_required"}


def test_status_by_arrangement_reads_the_plans_readiness_in_two_queries(
        django_assert_max_num_queries):
    ready = ExitPlanFactory()
    ExitPlanTestFactory(plan=ready, tested_on=date(2026, 9, 1))
    untested = ExitPlanFactory(review_months=6)
    ids = [ready.arrangement_id, untested.arrangement_id]
    with django_assert_max_num_queries(2):
        status = exit_plan_status_by_arrangement(ids, today=TODAY)
    assert status == {ready.arrangement_id: "ready", untested.arrangement_id: "untested"}
    assert exit_plan_status_by_arrangement([]) == {}


def test_readiness_counts_cover_every_state_in_one_query(django_assert_num_queries):
    CriticalArrangementFactory()
    failed = ExitPlanFactory()
    ExitPlanTestFactory(plan=failed, tested_on=date(2026, 9, 1), result="failed")
    ExitPlanFactory()
    arrangements = with_readiness(Arrangement.objects.filter(is_critical=True), today=TODAY)
    with django_assert_num_queries(1):
        counts = {readiness.code: count for readiness, count in readiness_counts(arrangements)}
    assert counts == {"missing": 1, "failed": 1, "untested": 1, "stale": 0, "ready": 0}
