"""Concentration, exposure, single points of failure, chains and what-if, against figures
computed by hand from the portfolio in conftest.py."""

import pytest
from django.core.management import call_command

from tests.factories import SubcontractingLinkFactory
from tether.dependence import whatif as whatif_module
from tether.dependence.concentration import concentration, hhi_level, hhi_of
from tether.dependence.graph import SupplyGraph, supply_graph
from tether.dependence.models import ConcentrationSnapshot
from tether.dependence.whatif import what_if

pytestmark = pytest.mark.django_db


def figure(dimension, measure, **kwargs):
    return concentration(dimension=dimension, measure=measure, **kwargs)


def test_hhi_of_fifty_thirty_twenty_is_3800():
    hhi, shares = hhi_of([50, 30, 20])
    assert hhi == pytest.approx(3800)
    assert shares == pytest.approx([50, 30, 20])
    assert hhi_of([]) == (0.0, [])


def test_hhi_levels_follow_the_doj_thresholds(settings):
    assert [hhi_level(v) for v in (1499, 1500, 2500, 2501)] == [
        "unconcentrated", "moderate", "moderate", "high"]
    settings.DEPENDENCE_THRESHOLDS = {"high": 2000}
    assert hhi_level(2100) == "high"


def test_spend_by_provider_counts_live_main_currency_arrangements(portfolio):
    result = figure("provider", "spend")
    assert result.hhi == pytest.approx(3800)
    assert result.total == 100
    assert [(s.label, s.share) for s in result.shares] == [
        ("P1 Group Holding", 50), ("P2 Daughter", 30), ("P3 Services", 20)]
    assert [s.flagged for s in result.shares] == [True, True, False]
    assert result.level == "high"
    assert result.other_currencies == {"USD": 999}
    assert figure("provider", "spend", top=1).groups == 3


def test_spend_in_another_currency_is_its_own_figure(portfolio):
    result = figure("provider", "spend", currency="USD")
    assert result.hhi == pytest.approx(10000)
    assert result.other_currencies == {"EUR": 100}


def test_group_adds_members_to_their_ultimate_parent(portfolio):
    result = figure("group", "spend")
    assert result.hhi == pytest.approx(80 ** 2 + 20 ** 2)
    assert result.shares[0].key == str(portfolio.p1.pk)


def test_country_of_the_provider(portfolio):
    result = figure("country", "spend")
    assert {s.key: s.share for s in result.shares} == {"FR": 50, "DE": 30, "IE": 20}


def test_service_type_splits_spend_evenly_over_services(portfolio):
    result = figure("service_type", "spend")
    assert {s.key: s.value for s in result.shares} == pytest.approx(
        {"ict_service": 55, "bpo": 25, "(no service)": 20})
    assert result.hhi == pytest.approx(55 ** 2 + 25 ** 2 + 20 ** 2)


def test_critical_counts_by_provider_and_group(portfolio):
    by_provider = figure("provider", "critical")
    assert by_provider.total == 3
    assert by_provider.hhi == pytest.approx(3 * (100 / 3) ** 2, abs=0.1)
    by_group = figure("group", "critical")
    assert by_group.hhi == pytest.approx((200 / 3) ** 2 + (100 / 3) ** 2, abs=0.1)


def test_indirect_exposure_through_a_three_level_chain(portfolio):
    graph = SupplyGraph.load()
    exposures = graph.exposures()
    cloud = exposures[portfolio.c2.pk]
    # C2 ← C1 ← P3 (A3 20 EUR critical, A4 USD) and C1 ← P2 (A2 30 EUR critical).
    assert (cloud.spend, cloud.critical, cloud.arrangements, cloud.depending_providers) == (
        50, 2, 3, 2)
    assert graph.exposure_of(portfolio.c2.pk) == cloud
    assert exposures[portfolio.p1.pk].spend == 50
    assert exposures[portfolio.p1.pk].depending_providers == 0


def test_single_points_of_failure_reach_two_critical_arrangements(portfolio):
    spofs = SupplyGraph.load().single_points_of_failure(2)
    assert [e.provider_id for e in spofs] == sorted(
        [portfolio.c1.pk, portfolio.c2.pk])
    assert all(e.critical == 2 for e in spofs)


def test_longest_chain_starts_at_a_contracted_provider(portfolio):
    chains = SupplyGraph.load().longest_chains()
    assert chains[0] == [portfolio.p2.pk, portfolio.c1.pk, portfolio.c2.pk]
    assert [portfolio.p3.pk, portfolio.c1.pk, portfolio.c2.pk] in chains


def test_walks_survive_a_cycle():
    graph = SupplyGraph([(1, 2), (2, 3), (3, 1), (3, 4)], {1: (10.0, 1, 1)}, "EUR")
    assert set(graph.depending_on(4)) == {1, 2, 3, 4}
    assert graph.exposures()[4].spend == 10
    assert graph.longest_chains() == []


@pytest.fixture(params=["focused", "portfolio"])
def reading(request, monkeypatch):
    """Both ways a what-if reads its figures: the depending providers' arrangements only, or
    the whole portfolio's per-provider figures (a big failure, a warm graph). Same answers."""
    if request.param == "portfolio":
        monkeypatch.setattr(whatif_module, "FOCUSED_LIMIT", -1)
    return request.param


def test_what_if_a_subcontractor_fails(portfolio, reading):
    answer = what_if(SupplyGraph.load(), "subcontractor", str(portfolio.c2.pk))
    assert answer.failed == [portfolio.c2.pk]
    assert answer.providers_affected == 4
    assert (answer.total, answer.critical, answer.direct_count) == (3, 2, 0)
    assert answer.spend == {"USD": 999, "EUR": 50}
    rows = {row.reference: row for row in answer.arrangements}
    assert set(rows) == {portfolio.a2.reference, portfolio.a3.reference,
                         portfolio.a4.reference}
    assert answer.path_names(rows[portfolio.a3.reference]) == [
        "P3 Services", "C1 Platform", "C2 Cloud"]
    assert rows[portfolio.a2.reference].exit_plan in ("missing", "unknown")
    assert [s["name"] for s in answer.services] == ["Hosting"]
    assert [a["name"] for a in answer.activities] == ["Payments"]


def test_what_if_a_provider_fails(portfolio, reading):
    answer = what_if(SupplyGraph.load(), "provider", str(portfolio.p1.pk))
    assert (answer.total, answer.critical, answer.direct_count) == (1, 1, 1)
    assert answer.spend == {"EUR": 50}
    assert {s["name"] for s in answer.services} == {"Hosting", "Back office"}
    assert answer.arrangements[0].direct


def test_what_if_a_group_fails_takes_every_member(portfolio, reading):
    answer = what_if(SupplyGraph.load(), "group", str(portfolio.p2.pk))
    assert sorted(answer.failed) == sorted([portfolio.p1.pk, portfolio.p2.pk])
    assert (answer.total, answer.critical, answer.spend) == (2, 2, {"EUR": 80})


def test_what_if_a_country_fails(portfolio, reading):
    graph = SupplyGraph.load()
    established = what_if(graph, "country", "DE")
    assert established.failed == [portfolio.p2.pk]
    assert established.total == 1
    served = what_if(graph, "country", "DE", served_from=True)
    assert sorted(served.failed) == sorted([portfolio.p2.pk, portfolio.p3.pk])
    assert (served.total, served.critical) == (3, 2)
    assert what_if(graph, "country", "XX").failed == []


def test_the_graph_is_reused_until_the_register_changes(portfolio):
    first = supply_graph()
    assert supply_graph() is first
    SubcontractingLinkFactory(provider=portfolio.p1, subcontractor=portfolio.c2)
    rebuilt = supply_graph()
    assert rebuilt is not first
    assert rebuilt.exposures()[portfolio.c2.pk].critical == 3


def test_snapshot_command_is_idempotent_per_day(portfolio):
    call_command("concentration_snapshot")
    call_command("concentration_snapshot")
    assert ConcentrationSnapshot.objects.count() == 8
    spend = ConcentrationSnapshot.objects.get(dimension="provider", measure="spend")
    assert spend.hhi == pytest.approx(3800)
    assert spend.top[0]["label"] == "P1 Group Holding"
