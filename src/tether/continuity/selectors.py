"""Reads of the continuity app, and its readiness rules, stated once.

An exit plan is
- "untested": it has never been tested;
- "stale": its last test, or its last review, is older than its review cadence (months);
- "failed": its last test failed;
- "ready": otherwise.
A critical-or-important live arrangement (active or draft) without a plan is "missing".

The rules are one SQL expression (`readiness_expression`), so the overview filters, counts and
sorts by readiness in the database, and `exit_plan_status_by_arrangement` answers other apps
for many arrangements in a couple of queries.
"""

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    CharField,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Case
from django.utils import timezone

from tether.continuity.choices import CapabilityLevel, PlanTestResult
from tether.continuity.models import ExitPlan, ExitPlanTest, InHouseCapability, ServiceAlternative
from tether.registry.choices import ArrangementStatus, Sourcing
from tether.registry.models import Activity, Arrangement, Service

PANEL_ROWS = 10
# Ids per query when other apps ask about many arrangements (SQLite binds at most 32,766).
ID_BATCH = 10_000

MISSING, UNTESTED, STALE, FAILED, READY = "missing", "untested", "stale", "failed", "ready"
NOT_REQUIRED = "not_required"


@dataclass(frozen=True)
class Readiness:
    code: str
    label: str
    color: str  # a Bootstrap text-bg name for badges, and the bar's fill in charts
    fill: str
    explanation: str


READINESS = [
    Readiness(MISSING, "No plan", "danger", "#dc3545",
              "A critical or important arrangement without an exit plan."),
    Readiness(FAILED, "Last test failed", "danger", "#a52834",
              "The plan's last test failed: fix the plan and test again."),
    Readiness(UNTESTED, "Never tested", "warning", "#ffc107",
              "The plan has never been tested."),
    Readiness(STALE, "Stale", "warning", "#fd7e14",
              "The last test or review is older than the plan's review cadence."),
    Readiness(READY, "Ready", "success", "#198754",
              "Tested and reviewed within the cadence, and the last test did not fail."),
]
READINESS_BY_CODE = {r.code: r for r in READINESS}
READINESS_CHOICES = [(r.code, r.label) for r in READINESS]
LIVE_STATUSES = (ArrangementStatus.ACTIVE, ArrangementStatus.DRAFT)
OUTSOURCED = (Sourcing.OUTSOURCED, Sourcing.PARTLY_OUTSOURCED)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        return date.min
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _last_test(plan_ref: str, field: str) -> Subquery:
    return Subquery(ExitPlanTest.objects.filter(plan=OuterRef(plan_ref))
                    .order_by("-tested_on", "-id").values(field)[:1])


def readiness_expression(*, prefix: str = "", today: date | None = None,
                         review_months=None) -> Case:
    """The readiness of the plan at `prefix` ("" on plans, "exit_plan__" on arrangements),
    as SQL; it needs the `last_test_on` and `last_test_result` annotations (`with_readiness`).

    The cadence varies per plan and date arithmetic in months is not portable SQL, so the
    cut-off date of each cadence in use is computed here (`review_months`: those cadences).
    """
    today = today or timezone.localdate()
    if review_months is None:
        review_months = ExitPlan.objects.order_by().values_list(
            "review_months", flat=True).distinct()
    whens = [When(last_test_on__isnull=True, then=Value(UNTESTED))]
    for months in sorted(set(review_months)):
        cutoff = months_before(today, months)
        whens.append(When(Q(**{f"{prefix}review_months": months}) & (
            Q(last_test_on__lt=cutoff) | Q(**{f"{prefix}last_reviewed__lt": cutoff})),
            then=Value(STALE)))
    whens.append(When(last_test_result=PlanTestResult.FAILED, then=Value(FAILED)))
    if prefix:
        critical = Q(is_critical=True, status__in=LIVE_STATUSES)
        whens = [When(Q(**{f"{prefix}isnull": True}) & critical, then=Value(MISSING)),
                 When(**{f"{prefix}isnull": True}, then=Value(NOT_REQUIRED)), *whens]
    return Case(*whens, default=Value(READY), output_field=CharField())


def with_readiness(queryset: QuerySet, *, today: date | None = None) -> QuerySet:
    """Plans, or arrangements, annotated with their plan's last test and readiness."""
    prefix = "exit_plan__" if queryset.model is Arrangement else ""
    plan_ref = "exit_plan" if prefix else "pk"
    return queryset.annotate(
        last_test_on=_last_test(plan_ref, "tested_on"),
        last_test_result=_last_test(plan_ref, "result"),
    ).annotate(readiness=readiness_expression(prefix=prefix, today=today))


def exit_plan_list(*, user, today: date | None = None) -> QuerySet:
    """The exit plans the user may see, with their readiness."""
    return with_readiness(ExitPlan.objects.restrict(user).select_related(
        "arrangement", "arrangement__provider", "arrangement__organisation",
        "alternative_provider", "owner"), today=today)


def critical_arrangements(*, user, today: date | None = None) -> QuerySet:
    """Live critical-or-important arrangements the user may see, with their plan's readiness."""
    arrangements = Arrangement.objects.restrict(user).filter(
        is_critical=True, status__in=LIVE_STATUSES)
    return with_readiness(arrangements, today=today).select_related(
        "provider", "organisation", "exit_plan")


def readiness_counts(arrangements: QuerySet) -> list[tuple[Readiness, int]]:
    """How many arrangements are at each readiness, in the order of READINESS (one query)."""
    counts = dict(arrangements.order_by().values_list("readiness").annotate(n=Count("pk")))
    return [(readiness, counts.get(readiness.code, 0)) for readiness in READINESS]


def exit_plan_status_by_arrangement(arrangement_ids, *, today: date | None = None
                                    ) -> dict[int, str]:
    """Each arrangement's exit readiness: its plan's ("untested", "stale", "failed",
    "ready"), "missing" for a live critical one without a plan, "not_required" otherwise.

    Unrestricted (the caller has checked what its user may see); one query for the cadences
    in use, then one per 10,000 ids. Ids that do not exist are left out.
    """
    ids = list(dict.fromkeys(arrangement_ids))
    if not ids:
        return {}
    today = today or timezone.localdate()
    cadences = list(ExitPlan.objects.order_by().values_list("review_months", flat=True)
                    .distinct())
    status = {}
    for start in range(0, len(ids), ID_BATCH):
        batch = ids[start:start + ID_BATCH]
        rows = Arrangement.objects.filter(pk__in=batch).order_by().annotate(
            last_test_on=_last_test("exit_plan", "tested_on"),
            last_test_result=_last_test("exit_plan", "result"),
        ).annotate(readiness=readiness_expression(prefix="exit_plan__", today=today,
                                                  review_months=cadences))
        status.update(rows.values_list("pk", "readiness"))
    return status


def plan_steps(*, user, plan: ExitPlan) -> list:
    return list(plan.steps.restrict(user).select_related("owner").order_by("position", "id"))


def plan_tests(*, user, plan: ExitPlan) -> list:
    return list(plan.tests.restrict(user).order_by("-tested_on", "-id"))


# --- in-house capability ---------------------------------------------------------------------

CAPABILITY_NONE_RECORDED = "none_recorded"


def capability_coverage(*, user) -> QuerySet:
    """Outsourced (or partly outsourced) activities with the best capability level the company
    keeps, the people who hold it and how many capabilities are recorded."""
    return Activity.objects.restrict(user).filter(sourcing__in=OUTSOURCED).select_related(
        "organisation").annotate(
        best_level=Max("capabilities__level"),
        people=Sum("capabilities__people"),
        capability_count=Count("capabilities"),
    )


def capability_level_counts(activities: QuerySet) -> list[tuple[str, str, int]]:
    """(code, label, activities) per best level kept, "none recorded" first (one query: the
    levels are aggregates, so they are counted here, not grouped in SQL)."""
    counts = Counter(activities.order_by().values_list("best_level", flat=True))
    rows = [(CAPABILITY_NONE_RECORDED, "No capability recorded", counts.get(None, 0))]
    rows += [(str(level), label.split(":")[0], counts.get(level, 0))
             for level, label in CapabilityLevel.choices]
    return rows


def activity_capabilities(*, user, activity) -> QuerySet:
    return InHouseCapability.objects.restrict(user).filter(activity=activity).order_by(
        "-level", "name")


# --- substitutability ------------------------------------------------------------------------

def service_alternatives_overview(*, user) -> QuerySet:
    """Services with how many alternatives they have, the quickest switch and the cheapest."""
    return Service.objects.restrict(user).annotate(
        alternative_count=Count("alternatives"),
        quickest_switch_days=Min("alternatives__switch_days"),
        cheapest_switch_cost=Min("alternatives__switch_cost"),
        has_contracted=Exists(ServiceAlternative.objects.filter(
            service=OuterRef("pk"), kind="contracted")),
    )


def alternative_counts(services: QuerySet) -> list[tuple[str, str, int]]:
    """(code, label, services) by number of alternatives: none, one, two or more."""
    counts = Counter(min(n, 2) for n in services.order_by().values_list(
        "alternative_count", flat=True))
    return [("none", "No alternative", counts.get(0, 0)),
            ("one", "One alternative", counts.get(1, 0)),
            ("several", "Two or more", counts.get(2, 0))]


def service_alternatives(*, user, service) -> QuerySet:
    return ServiceAlternative.objects.restrict(user).filter(service=service).select_related(
        "provider").order_by("switch_days", "id")


