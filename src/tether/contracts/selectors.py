"""Reads of the contracts app, and its gap rules, stated once.

An arrangement requires every active clause requirement that applies to every arrangement,
and, when it supports a critical or important function, also those for critical ones. For
each required clause its check says present, partly present, missing or not applicable; a
required clause without a check is "not checked" and counts as missing.

- missing  = checked missing + not checked
- gaps     = required − present − not applicable (partly present and missing ones)

The same rules are one SQL annotation (`with_clause_counts`), so lists filter and sort
100,000 arrangements by their gaps in the database, and `clause_summary` answers for one.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from tether.contracts.choices import AppliesTo, ClauseStatus
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.registry.choices import ArrangementStatus
from tether.registry.models import Arrangement

LIVE_STATUSES = (ArrangementStatus.ACTIVE, ArrangementStatus.DRAFT)
NOT_CHECKED = "not_checked"
STATE_LABELS = {**dict(ClauseStatus.choices), NOT_CHECKED: "Not checked"}
STATE_COLORS = {ClauseStatus.PRESENT: "success", ClauseStatus.PARTIAL: "warning",
                ClauseStatus.MISSING: "danger", ClauseStatus.NOT_APPLICABLE: "secondary",
                NOT_CHECKED: "light"}


@dataclass(frozen=True)
class ClauseSummary:
    required: int
    present: int
    partial: int
    missing_checked: int
    not_applicable: int

    @property
    def not_checked(self) -> int:
        return (self.required - self.present - self.partial - self.missing_checked
                - self.not_applicable)

    @property
    def missing(self) -> int:
        return self.missing_checked + self.not_checked

    @property
    def gaps(self) -> int:
        return self.required - self.present - self.not_applicable


@dataclass(frozen=True)
class ChecklistRow:
    requirement: ClauseRequirement
    check: ArrangementClause | None

    @property
    def state(self) -> str:
        return self.check.status if self.check is not None else NOT_CHECKED


def applies_to_arrangement(is_critical: bool) -> Q:
    """The requirements that apply to an arrangement of this criticality (active or not)."""
    return Q(applies_to=AppliesTo.ALL) | Q(applies_to=AppliesTo.CRITICAL) if is_critical \
        else Q(applies_to=AppliesTo.ALL)


def required_requirements(arrangement) -> QuerySet:
    """The active requirements an arrangement's contract must contain, in checklist order."""
    return ClauseRequirement.objects.filter(
        applies_to_arrangement(arrangement.is_critical), is_active=True)


def arrangement_checklist(arrangement) -> list[ChecklistRow]:
    """Every required clause of the arrangement with its check, or None if not checked
    (two queries)."""
    requirements = list(required_requirements(arrangement))
    checks = {check.requirement_id: check for check in ArrangementClause.objects.filter(
        arrangement=arrangement, requirement__in=[r.pk for r in requirements]).select_related(
        "document", "checked_by")}
    return [ChecklistRow(requirement, checks.get(requirement.pk)) for requirement in requirements]


def summarise(rows: list[ChecklistRow]) -> ClauseSummary:
    states = [row.state for row in rows]
    return ClauseSummary(
        required=len(rows), present=states.count(ClauseStatus.PRESENT),
        partial=states.count(ClauseStatus.PARTIAL),
        missing_checked=states.count(ClauseStatus.MISSING),
        not_applicable=states.count(ClauseStatus.NOT_APPLICABLE))


def clause_summary(arrangement) -> ClauseSummary:
    """One arrangement's clause counts, computed in Python from its checklist."""
    return summarise(arrangement_checklist(arrangement))


# --- the same rules in SQL -----------------------------------------------------------------

def requirement_ids() -> tuple[list[int], list[int]]:
    """(ids of active requirements for every arrangement, ids of all active ones)."""
    common, every = [], []
    for pk, applies_to in ClauseRequirement.objects.filter(is_active=True).order_by(
            "pk").values_list("pk", "applies_to"):
        every.append(pk)
        if applies_to == AppliesTo.ALL:
            common.append(pk)
    return common, every


# An arrangement's checks are tallied in one scalar sub-query: each status adds its weight,
# whose bytes count the checks per slot (at most MAX_ACTIVE_REQUIREMENTS per slot). Derived
# counts then read one slot each, so sorting and filtering 100,000 arrangements by their gaps
# runs that sub-query once per row, not once per status and per derived count.
SLOT = 256
SETTLED, PRESENT, PARTIAL, MISSING, NOT_APPLICABLE, CHECKED, NOT_LACKING = range(7)
WEIGHTS = {
    ClauseStatus.PRESENT: (SETTLED, PRESENT, CHECKED, NOT_LACKING),
    ClauseStatus.PARTIAL: (PARTIAL, CHECKED, NOT_LACKING),
    ClauseStatus.MISSING: (MISSING, CHECKED),
    ClauseStatus.NOT_APPLICABLE: (SETTLED, NOT_APPLICABLE, CHECKED, NOT_LACKING),
}


def _tally(requirement_ids: list[int]) -> Cast:
    # The requirements are tested in the CASE, not the WHERE: one range scan of the
    # arrangement's checks beats a probe of the index per requirement.
    weight = Case(*(When(status=status, requirement__in=requirement_ids,
                         then=_bigint(sum(SLOT ** slot for slot in slots)))
                    for status, slots in WEIGHTS.items()),
                  default=Value(0), output_field=BigIntegerField())
    tally = ArrangementClause.objects.filter(arrangement=OuterRef("pk")).order_by().annotate(
        tally=Func(weight, function="SUM", output_field=BigIntegerField())).values("tally")
    # PostgreSQL sums bigints into a numeric: cast back, so slots are integer divisions.
    return Cast(Coalesce(Subquery(tally, output_field=BigIntegerField()), Value(0),
                         output_field=BigIntegerField()), output_field=BigIntegerField())


def _bigint(number: int) -> Cast:
    # Typed, so PostgreSQL divides integers (a large untyped parameter arrives as numeric).
    return Cast(Value(number), output_field=BigIntegerField())


def _slot(tally, slot: int):
    return ExpressionWrapper(tally / _bigint(SLOT ** slot) % _bigint(SLOT),
                             output_field=IntegerField())


def _per_criticality(common: list[int], every: list[int], value) -> Case:
    """`value(tally, required)` for the arrangement's criticality: one sub-query is run."""
    return Case(When(is_critical=True, then=value(_tally(every), len(every))),
                default=value(_tally(common), len(common)), output_field=IntegerField())


def with_clause_counts(arrangements: QuerySet, *, ids: tuple[list[int], list[int]] | None
                       = None) -> QuerySet:
    """Arrangements annotated with clauses_required, clauses_present, clauses_partial,
    clauses_missing (checked missing + not checked), clauses_missing_checked,
    clauses_not_checked, clauses_not_applicable, clause_gaps, and gap_rank / critical_gap
    (critical ones with gaps first): one query, whatever the number of arrangements."""
    common, every = ids if ids is not None else requirement_ids()

    def count(slot: int):
        return _per_criticality(common, every, lambda tally, _required: _slot(tally, slot))

    def remaining(slot: int):
        return _per_criticality(common, every, lambda tally, required: ExpressionWrapper(
            Value(required) - _slot(tally, slot), output_field=IntegerField()))

    return arrangements.annotate(
        clauses_required=Case(When(is_critical=True, then=Value(len(every))),
                              default=Value(len(common)), output_field=IntegerField()),
        clauses_present=count(PRESENT), clauses_partial=count(PARTIAL),
        clauses_missing_checked=count(MISSING), clauses_not_applicable=count(NOT_APPLICABLE),
        clauses_not_checked=remaining(CHECKED), clauses_missing=remaining(NOT_LACKING),
        clause_gaps=remaining(SETTLED),
        # Critical ones with gaps above every other (at most 255 gaps each), most gaps first.
        gap_rank=Case(
            When(is_critical=True, then=ExpressionWrapper(
                (Value(len(every)) - _slot(_tally(every), SETTLED)) * Value(1000),
                output_field=IntegerField())),
            default=ExpressionWrapper(Value(len(common)) - _slot(_tally(common), SETTLED),
                                      output_field=IntegerField()),
            output_field=IntegerField()),
    ).annotate(critical_gap=Case(When(gap_rank__gte=1000, then=Value(1)), default=Value(0),
                                 output_field=IntegerField()))


def clause_gap_list(*, user, ids: tuple[list[int], list[int]] | None = None) -> QuerySet:
    """The arrangements the user may see with their clause counts, critical ones with gaps
    first, then by most gaps."""
    arrangements = Arrangement.objects.restrict(user).select_related("provider", "organisation")
    return with_clause_counts(arrangements, ids=ids).order_by("-gap_rank", "reference")


def lacking(requirement: ClauseRequirement) -> Q:
    """Arrangements that require `requirement` and lack it (partly present, missing or not
    checked)."""
    settled = ArrangementClause.objects.filter(
        arrangement=OuterRef("pk"), requirement=requirement,
        status__in=[ClauseStatus.PRESENT, ClauseStatus.NOT_APPLICABLE])
    applies = Q() if requirement.applies_to == AppliesTo.ALL else Q(is_critical=True)
    return applies & ~Exists(settled) if requirement.is_active else Q(pk__in=[])


def gap_rollup(arrangements: QuerySet, group_by: str, *,
               ids: tuple[list[int], list[int]] | None = None) -> list[dict]:
    """Clause gaps summed per `group_by` ("provider" or "organisation") over the given
    arrangements: arrangements, critical ones, missing (incl. not checked), partly present
    and gaps. Set-based: one GROUP BY over the arrangements and their checks (and one query
    for the requirements, unless `ids` are given)."""
    common, every = ids if ids is not None else requirement_ids()
    # By id, so the counts' sub-queries on the overview's rows are not grouped along.
    rows = Arrangement.objects.filter(pk__in=arrangements.order_by().values("pk")).order_by(
    ).values(f"{group_by}_id", f"{group_by}__name").annotate(
        **_arrangement_tallies(common, every))
    result = []
    for row in rows:
        required = _required(row, common, every)
        result.append({"id": row[f"{group_by}_id"], "name": row[f"{group_by}__name"],
                       "arrangements": row["arrangements"], "critical": row["critical"],
                       "missing": required - row["not_lacking"], "partial": row["partial"],
                       "gaps": required - row["settled"]})
    result.sort(key=lambda row: (-row["gaps"], row["name"]))
    return result


def _arrangement_tallies(common: list[int], every: list[int]) -> dict:
    """Aggregates over arrangements and their applicable checks: arrangements, critical ones,
    checks settling a clause (present, not applicable), not lacking it (also partly
    present), and partly present ones. Counted over a join, no sub-query per arrangement."""
    critical_only = sorted(set(every) - set(common))
    applicable = Q(clause_checks__requirement__in=common) | Q(
        clause_checks__requirement__in=critical_only, is_critical=True)
    statuses = [ClauseStatus.PRESENT, ClauseStatus.NOT_APPLICABLE, ClauseStatus.PARTIAL]
    return {
        "arrangements": Count("pk", distinct=True),
        "critical": Count("pk", distinct=True, filter=Q(is_critical=True)),
        "settled": Count("clause_checks", filter=applicable & Q(
            clause_checks__status__in=statuses[:2])),
        "not_lacking": Count("clause_checks", filter=applicable & Q(
            clause_checks__status__in=statuses)),
        "partial": Count("clause_checks", filter=applicable & Q(
            clause_checks__status=ClauseStatus.PARTIAL)),
    }


def _required(row: dict, common: list[int], every: list[int]) -> int:
    return row["arrangements"] * len(common) + row["critical"] * (len(every) - len(common))


def dashboard_figures(*, user) -> dict:
    """Live critical arrangements with missing clauses, and the clauses missing (checked
    missing or not checked) and partly present in all live arrangements: three set-based
    queries, never a sub-query per arrangement."""
    common, every = requirement_ids()
    live = Arrangement.objects.restrict(user).filter(status__in=LIVE_STATUSES).order_by()
    totals = live.aggregate(**_arrangement_tallies(common, every))
    complete_critical = ArrangementClause.objects.filter(
        arrangement__in=live.filter(is_critical=True).values("pk"), requirement__in=every,
        status__in=[ClauseStatus.PRESENT, ClauseStatus.NOT_APPLICABLE, ClauseStatus.PARTIAL],
    ).order_by().values("arrangement").annotate(n=Count("pk")).filter(
        n__gte=len(every)).count() if every else totals["critical"]
    return {"critical_with_missing": totals["critical"] - complete_critical,
            "missing": _required(totals, common, every) - totals["not_lacking"],
            "partial": totals["partial"], "live": totals["arrangements"]}


@dataclass(frozen=True)
class Coverage:
    requirement: ClauseRequirement
    applicable: int
    present: int
    partial: int
    missing_checked: int
    not_applicable: int

    @property
    def not_checked(self) -> int:
        return max(0, self.applicable - self.present - self.partial - self.missing_checked
                   - self.not_applicable)

    @property
    def missing(self) -> int:
        return self.missing_checked + self.not_checked

    @property
    def present_percent(self) -> int:
        settled = self.applicable - self.not_applicable
        return round(100 * self.present / settled) if settled > 0 else 100


def clause_coverage(*, user, arrangements: QuerySet | None = None) -> list[Coverage]:
    """Per active requirement: how many of the arrangements (live ones the user may see, by
    default) need it, and how many have it present, partly, missing, not applicable or not
    checked; most often missing first (five queries)."""
    if arrangements is None:
        arrangements = Arrangement.objects.restrict(user).filter(status__in=LIVE_STATUSES)
    arrangements = arrangements.order_by()
    by_criticality = dict(arrangements.values_list("is_critical").annotate(n=Count("pk")))
    everyone = sum(by_criticality.values())
    critical = by_criticality.get(True, 0)
    tallies = defaultdict(dict)
    common, every = requirement_ids()
    critical_only = sorted(set(every) - set(common))
    # Two reads without an OR, so each can use the (requirement, status) index.
    for ids, scope in ((common, arrangements), (critical_only, arrangements.filter(
            is_critical=True))):
        if not ids:
            continue
        checks = ArrangementClause.objects.filter(requirement__in=ids,
                                                  arrangement__in=scope.values("pk"))
        for requirement_id, status, n in checks.order_by().values_list(
                "requirement", "status").annotate(n=Count("pk")):
            tallies[requirement_id][status] = n
    rows = []
    for requirement in ClauseRequirement.objects.filter(is_active=True):
        tally = tallies.get(requirement.pk, {})
        rows.append(Coverage(
            requirement=requirement,
            applicable=everyone if requirement.applies_to == AppliesTo.ALL else critical,
            present=tally.get(ClauseStatus.PRESENT, 0), partial=tally.get(ClauseStatus.PARTIAL, 0),
            missing_checked=tally.get(ClauseStatus.MISSING, 0),
            not_applicable=tally.get(ClauseStatus.NOT_APPLICABLE, 0)))
    rows.sort(key=lambda row: (-row.missing, -row.partial, row.requirement.position))
    return rows
