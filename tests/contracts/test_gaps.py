"""The gap rules: which clauses an arrangement needs, and its counts in Python and in SQL."""

import pytest

from tests.contracts.factories import ArrangementClauseFactory, ClauseRequirementFactory
from tests.factories import ArrangementFactory, OrganisationFactory, ProviderFactory
from tether.contracts import selectors
from tether.contracts.library import read_library
from tether.contracts.models import ClauseRequirement
from tether.registry.models import Arrangement

pytestmark = pytest.mark.django_db

LIBRARY = read_library()
FOR_ALL = [spec.code for spec in LIBRARY if spec.applies_to == "all"]
FOR_CRITICAL = [spec.code for spec in LIBRARY if spec.applies_to == "critical"]


def check(arrangement, code, status, **values):
    return ArrangementClauseFactory(arrangement=arrangement, status=status,
                                    requirement=ClauseRequirement.objects.get(code=code),
                                    **values)


def test_the_builtin_library_is_installed_with_dora_and_eba_sources():
    requirements = {r.code: r for r in ClauseRequirement.objects.all()}
    assert set(requirements) == set(FOR_ALL + FOR_CRITICAL)
    assert all(r.is_builtin and r.is_active and r.source_list for r in requirements.values())
    cited = "\n".join(r.sources for r in requirements.values())
    for letter in "abcdefghi":
        assert f"DORA Art. 30(2)({letter})" in cited
    for letter in "abcdef":
        assert f"DORA Art. 30(3)({letter}" in cited
    assert "EBA/GL/2019/02 para. 75(e)" in requirements["SUBCONTRACTING"].source_list
    assert requirements["AUDIT_ACCESS"].applies_to == "critical"
    assert requirements["TERMINATION"].applies_to == "all"


def test_critical_arrangements_need_the_full_set_others_only_the_common_clauses():
    ordinary = ArrangementFactory(is_critical=False)
    critical = ArrangementFactory(is_critical=True)
    assert [r.code for r in selectors.required_requirements(ordinary)] == FOR_ALL
    assert [r.code for r in selectors.required_requirements(critical)] == FOR_ALL + FOR_CRITICAL


def test_unchecked_clauses_count_as_missing_and_not_applicable_ones_are_no_gap():
    arrangement = ArrangementFactory(is_critical=False)
    check(arrangement, "SERVICE_DESCRIPTION", "present")
    check(arrangement, "SERVICE_LEVELS", "partial")
    check(arrangement, "SUBCONTRACTING", "missing")
    check(arrangement, "LOCATIONS", "not_applicable", reason="Nothing is stored.")
    summary = selectors.clause_summary(arrangement)
    assert (summary.required, summary.present, summary.partial, summary.missing_checked,
            summary.not_applicable) == (len(FOR_ALL), 1, 1, 1, 1)
    assert summary.not_checked == len(FOR_ALL) - 4
    assert summary.missing == len(FOR_ALL) - 3
    assert summary.gaps == len(FOR_ALL) - 2


def test_a_deactivated_requirement_drops_out_of_checklists_and_counts():
    arrangement = ArrangementFactory()
    check(arrangement, "GOVERNING_LAW", "missing")
    before = selectors.clause_summary(arrangement)
    ClauseRequirement.objects.filter(code="GOVERNING_LAW").update(is_active=False)
    after = selectors.clause_summary(arrangement)
    assert after.required == before.required - 1
    assert after.missing_checked == 0
    annotated = selectors.with_clause_counts(Arrangement.objects.filter(pk=arrangement.pk)).get()
    assert (annotated.clauses_required, annotated.clauses_missing_checked) == (
        after.required, 0)


def test_a_check_on_a_critical_only_clause_is_ignored_once_the_arrangement_is_not_critical():
    arrangement = ArrangementFactory(is_critical=True)
    check(arrangement, "TLPT", "present")
    Arrangement.objects.filter(pk=arrangement.pk).update(is_critical=False)
    arrangement.refresh_from_db()
    annotated = selectors.with_clause_counts(Arrangement.objects.filter(pk=arrangement.pk)).get()
    assert annotated.clauses_present == selectors.clause_summary(arrangement).present == 0


def mixed_portfolio() -> list[Arrangement]:
    own = ClauseRequirementFactory(code="OWN_ESG", applies_to="critical")
    statuses = ["present", "partial", "missing", "not_applicable"]
    arrangements = []
    for index in range(12):
        arrangement = ArrangementFactory(is_critical=index % 3 == 0,
                                         status="active" if index % 4 else "draft")
        codes = FOR_ALL + (FOR_CRITICAL if arrangement.is_critical else [])
        for position, code in enumerate(codes):
            if (index + position) % 5 == 4:
                continue  # not checked
            status = statuses[(index * 7 + position) % 4]
            check(arrangement, code, status, reason="n/a" if status == "not_applicable" else "")
        if arrangement.is_critical and index % 2:
            check(arrangement, own.code, "missing")
        arrangements.append(arrangement)
    ArrangementClauseFactory(arrangement=arrangements[1], requirement=own, status="present")
    return arrangements


def test_the_sql_counts_equal_the_per_arrangement_function_on_a_mixed_portfolio():
    arrangements = mixed_portfolio()
    annotated = {a.pk: a for a in selectors.with_clause_counts(Arrangement.objects.all())}
    for arrangement in arrangements:
        expected = selectors.clause_summary(arrangement)
        row = annotated[arrangement.pk]
        assert (row.clauses_required, row.clauses_present, row.clauses_partial,
                row.clauses_missing, row.clauses_not_checked, row.clauses_not_applicable,
                row.clause_gaps) == (
            expected.required, expected.present, expected.partial, expected.missing,
            expected.not_checked, expected.not_applicable, expected.gaps), arrangement


def test_gap_list_is_one_query_and_puts_critical_arrangements_with_gaps_first(
        django_assert_num_queries, users):
    mixed_portfolio()
    complete = ArrangementFactory(is_critical=True, reference="A-COMPLETE")
    for requirement in selectors.required_requirements(complete):
        check(complete, requirement.code, "present")
    with django_assert_num_queries(2):  # the requirement counts, then the list
        rows = list(selectors.clause_gap_list(user=users["auditor"]))
    flags = [row.critical_gap for row in rows]
    assert flags == sorted(flags, reverse=True) and flags[0] == 1
    assert rows[-1].critical_gap == 0
    assert next(r for r in rows if r.pk == complete.pk).clause_gaps == 0
    leading = [row.clause_gaps for row in rows if row.critical_gap]
    assert leading == sorted(leading, reverse=True)


def test_rollups_sum_the_arrangements_gaps_per_provider_and_organisation(users):
    arrangements = mixed_portfolio()
    provider, organisation = ProviderFactory(name="Rollup Provider"), OrganisationFactory()
    Arrangement.objects.filter(pk__in=[a.pk for a in arrangements[:5]]).update(
        provider=provider, organisation=organisation)
    listed = selectors.clause_gap_list(user=users["auditor"])
    expected = sum(selectors.clause_summary(a).gaps for a in arrangements[:5])
    by_provider = {row["id"]: row for row in selectors.gap_rollup(listed, "provider")}
    by_organisation = {row["id"]: row for row in selectors.gap_rollup(listed, "organisation")}
    assert by_provider[provider.pk]["gaps"] == by_organisation[organisation.pk]["gaps"] \
        == expected
    assert by_provider[provider.pk]["arrangements"] == 5


def test_coverage_counts_each_clause_over_live_arrangements(users):
    arrangements = mixed_portfolio()
    coverage = {row.requirement.code: row for row in selectors.clause_coverage(
        user=users["auditor"])}
    live = [a for a in arrangements if a.status in ("active", "draft")]
    tlpt = coverage["TLPT"]
    assert tlpt.applicable == sum(1 for a in live if a.is_critical)
    assert coverage["GOVERNING_LAW"].applicable == len(live)
    for code, row in coverage.items():
        states = [row_.state for a in live for row_ in selectors.arrangement_checklist(a)
                  if row_.requirement.code == code]
        assert row.missing == states.count("missing") + states.count("not_checked"), code
        assert row.present == states.count("present"), code
    missing = [row.missing for row in coverage.values()]
    assert [row.missing for row in selectors.clause_coverage(user=users["auditor"])] == sorted(
        missing, reverse=True)


def test_clause_filter_finds_arrangements_lacking_it():
    arrangements = mixed_portfolio()
    requirement = ClauseRequirement.objects.get(code="TLPT")
    lacking = set(Arrangement.objects.filter(selectors.lacking(requirement)).values_list(
        "pk", flat=True))
    expected = {a.pk for a in arrangements for row in selectors.arrangement_checklist(a)
                if row.requirement.code == "TLPT" and row.state not in (
                    "present", "not_applicable")}
    assert lacking == expected and lacking


def test_dashboard_figures_equal_the_per_arrangement_function(users):
    arrangements = mixed_portfolio()
    live = [a for a in arrangements if a.status in selectors.LIVE_STATUSES]
    summaries = {a.pk: selectors.clause_summary(a) for a in live}
    figures = selectors.dashboard_figures(user=users["auditor"])
    assert figures["missing"] == sum(s.missing for s in summaries.values())
    assert figures["partial"] == sum(s.partial for s in summaries.values())
    assert figures["critical_with_missing"] == sum(
        1 for a in live if a.is_critical and summaries[a.pk].missing)
    assert figures["live"] == len(live)
