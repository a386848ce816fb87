"""The pack's figures against a portfolio worked out by hand (tests/board/conftest.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArrangementFactory, ProviderFactory
from tests.oversight.factories import CorrectiveActionFactory, FindingFactory, IncidentFactory
from tests.performance.factories import PeriodResultFactory, ServiceLevelFactory
from tests.risk.factories import RiskFactory, category
from tether.board.figures import SECTIONS, board_figures, portfolio_reader
from tether.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(portfolio, users):
    return board_figures(user=users[Role.EXECUTIVE], as_of=portfolio.today)


def test_portfolio_overview_counts_and_spend_per_currency(figures):
    overview = figures["portfolio"]
    assert (overview["providers"], overview["arrangements"], overview["critical"]) == (
        2 + 2, 3, 1)  # two providers of the users fixture too
    assert overview["spend"] == [
        {"currency": "EUR", "total": "400000.00", "arrangements": 2},
        {"currency": "USD", "total": "50000.00", "arrangements": 1}]
    assert overview["by_type"] == [
        {"type": "bpo", "label": "Business process outsourcing (BPO)", "arrangements": 2,
         "critical": 0},
        {"type": "ito", "label": "IT outsourcing (ITO)", "arrangements": 1, "critical": 1}]


def test_top_risks_lists_only_risks_above_appetite(figures):
    risk = figures["risk"]
    assert (risk["open"], risk["above_appetite"]) == (2, 1)
    assert [(r["title"], r["rating"]) for r in risk["top"]] == [("Data leak at Alpha",
                                                                   "Medium")]
    assert sum(n for _l, _i, n in risk["heat_map"]) == 2
    assert sum(row["providers"] for row in risk["tiers"]) == 2


def test_concentration_is_dependences_hhi(figures):
    by_provider = next(c for c in figures["concentration"]["figures"]
                       if (c["dimension"], c["measure"]) == ("provider", "spend"))
    # 300,000 and 100,000 EUR: shares 75 % and 25 %, HHI 75² + 25² = 6,250.
    assert by_provider["hhi"] == 6250.0 and by_provider["level"] == "high"
    assert [(s["label"], s["share"]) for s in by_provider["top"]] == [
        ("Alpha Hosting SA", 75.0), ("Beta Contact Centres Ltd", 25.0)]
    assert figures["concentration"]["other_currencies"] == {"USD": "50000.00"}


def test_sla_performance_reads_the_stored_results(figures, portfolio):
    sla = figures["sla"]
    assert sla["month"] == portfolio.last_month.isoformat()
    assert sla["counts"] == {"met": 1, "breached": 1, "insufficient": 0}
    assert [(r["reference"], r["provider"], r["attainment"]) for r in sla["worst"]] == [
        ("SL-AVAIL", "Alpha Hosting SA", 90.0)]
    assert dict(sla["breaches_per_month"])[portfolio.last_month.isoformat()] == 1
    assert dict(sla["attainment_per_month"]) == {portfolio.last_month.isoformat(): 95.2}
    same_year = portfolio.last_month.year == portfolio.today.year
    assert sla["credits"] == ([["EUR", "50.00"]] if same_year else [])


def test_overdue_actions_and_open_incidents(figures):
    oversight = figures["oversight"]
    assert oversight["overdue_count"] == 1
    assert [(a["description"], a["provider"], a["days_overdue"])
            for a in oversight["overdue"]] == [("Rotate the backup keys", "Alpha Hosting SA",
                                                10)]
    assert (oversight["incidents"], oversight["major_incidents"]) == (1, 1)
    assert oversight["open_incidents"][0]["title"] == "Telephony outage"


def test_renewals_within_ninety_days(figures, portfolio):
    renewals = figures["renewals"]
    assert [(d["day"], d["label"], d["critical"]) for d in renewals["items"]] == [
        ((portfolio.today + timedelta(days=30)).isoformat(), "Last day to give notice", True),
        ((portfolio.today + timedelta(days=45)).isoformat(), "Contract ends", False)]
    assert (renewals["count"], renewals["critical"]) == (2, 1)


def test_exit_readiness_counts_the_critical_arrangement_without_a_plan(figures):
    readiness = figures["exit"]
    assert readiness["critical"] == 1 and readiness["ready_percent"] == 0.0
    assert {row["code"]: row["count"] for row in readiness["counts"]}["missing"] == 1


def test_every_section_is_in_the_figures(figures):
    assert figures["sections"] == [key for key, _title, _f in SECTIONS]
    assert all(key in figures for key in figures["sections"])


def test_the_schedules_reader_sees_what_an_executive_sees(portfolio, users):
    as_executive = board_figures(user=users[Role.EXECUTIVE], as_of=portfolio.today)
    assert board_figures(user=portfolio_reader(), as_of=portfolio.today) == as_executive


def test_a_provider_contact_sees_nothing_of_the_portfolio(portfolio, users):
    figures = board_figures(user=users["contact_a"], as_of=portfolio.today)
    assert figures["portfolio"]["arrangements"] == 0
    assert figures["risk"]["top"] == [] and figures["oversight"]["overdue_count"] == 0
    assert figures["sla"]["worst"] == [] and figures["renewals"]["items"] == []


def _grow(portfolio, n: int) -> None:
    """More providers, each with everything the pack reads."""
    for index in range(n):
        provider = ProviderFactory(outsourcing_type="kpo")
        arrangement = ArrangementFactory(provider=provider, is_critical=True,
                                         end_date=portfolio.today + timedelta(days=100))
        level = ServiceLevelFactory(arrangement=arrangement)
        PeriodResultFactory(service_level=level, period_start=portfolio.last_month,
                            outcome="breached", attainment=80.0 + index, credit_amount=10)
        RiskFactory(provider=provider, category=category("data_security_ip"),
                    inherent_likelihood=4, inherent_impact=4)
        CorrectiveActionFactory(finding=FindingFactory(provider=provider),
                                due_date=portfolio.today - timedelta(days=3))
        IncidentFactory(provider=provider)


def test_queries_do_not_grow_with_the_number_of_providers(portfolio, users):
    executive = users[Role.EXECUTIVE]
    _grow(portfolio, 12)  # past the lists' length, where the totals are counted apart
    with CaptureQueriesContext(connection) as small:
        board_figures(user=executive, as_of=portfolio.today)
    _grow(portfolio, 5)
    with CaptureQueriesContext(connection) as large:
        figures = board_figures(user=executive, as_of=portfolio.today)
    assert figures["oversight"]["overdue_count"] == 18  # the larger portfolio was read
    assert len(large) == len(small) <= 60
