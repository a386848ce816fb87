"""Cases, options, the simulation stored with its case, the decision, and what a decision
keeps."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.decisions.factories import (
    DecisionCaseFactory,
    DecisionOptionFactory,
    decided_case,
    fixed,
    ranged,
)
from tests.factories import ActivityFactory, ProviderFactory
from tether.core.models import AuditEntry
from tether.decisions import selectors, services
from tether.decisions.choices import CaseStatus, OptionKind
from tether.decisions.forms import DecisionActualForm, DecisionCaseForm, DecisionOptionForm
from tether.decisions.models import DecisionActual, DecisionCase, DecisionOption
from tether.risk.engine import methodology_current
from tether.risk.models import ProviderScore

pytestmark = pytest.mark.django_db


def option_form(case, **changes) -> dict:
    data = {"case": case.pk, "name": "Offer", "kind": "outsource", "escalation_percent": "0"}
    for prefix in ("transition", "fee", "overhead", "exit"):
        data.update({f"{prefix}_low": "0", f"{prefix}_mode": "0", f"{prefix}_high": "0"})
    data.update(changes)
    return data


def scored(provider, residual: str) -> ProviderScore:
    return ProviderScore.objects.create(
        provider=provider, methodology=methodology_current(), inherent_score=Decimal(residual),
        residual_score=Decimal(residual), inherent_rating="medium", residual_rating="medium",
        explanation={}, computed_at=timezone.now())


def test_option_with_high_below_low_is_refused_with_a_clear_message():
    case = DecisionCaseFactory()
    form = DecisionOptionForm(data=option_form(case, fee_low="500", fee_mode="500",
                                               fee_high="400"))
    assert not form.is_valid()
    assert form.errors["fee_high"] == [
        "Recurring annual fee: the high value (400) is below the low value (500)."]


def test_option_with_most_likely_outside_its_range_is_refused():
    case = DecisionCaseFactory()
    form = DecisionOptionForm(data=option_form(case, exit_low="100", exit_mode="50",
                                               exit_high="200"))
    assert not form.is_valid()
    assert "most likely value (50) must lie between the low (100)" in form.errors["exit_mode"][0]


def test_the_database_refuses_an_unordered_range_too():
    case = DecisionCaseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionOption.objects.create(case=case, name="Bad", kind="outsource",
                                      **ranged("fee", 10, 5, 20))


@pytest.mark.parametrize(("horizon", "ok"), [(0, False), (1, True), (15, True), (16, False)])
def test_horizon_runs_from_one_to_fifteen_years(horizon, ok):
    activity = ActivityFactory()
    form = DecisionCaseForm(data={"activity": activity.pk, "title": "Keep?", "currency": "EUR",
                                  "horizon_years": horizon, "discount_rate": "0.05",
                                  "risk_cost_share": "0.2"})
    assert form.is_valid() is ok
    if not ok:
        assert "horizon_years" in form.errors


def test_discount_rate_above_half_is_refused():
    activity = ActivityFactory()
    form = DecisionCaseForm(data={"activity": activity.pk, "title": "Keep?", "currency": "EUR",
                                  "horizon_years": 5, "discount_rate": "0.6",
                                  "risk_cost_share": "0.2"})
    assert not form.is_valid() and "discount_rate" in form.errors


def test_risk_cost_of_a_scored_provider_is_its_residual_score_times_the_share_of_the_fee():
    provider = ProviderFactory()
    scored(provider, "50")
    case = DecisionCaseFactory(horizon_years=1, discount_rate=Decimal("0"),
                               risk_cost_share=Decimal("0.2"))
    DecisionOptionFactory(case=case, provider=provider, **fixed("fee", 1000),
                          risk_cost_manual=Decimal("999"))  # ignored: the score rules
    case = services.case_simulate(case, actor=None, runs=100, seed=1)
    result = case.simulation["options"][0]
    # 50 / 100 × 0.2 = 10 % of the fee.
    assert result["risk_rate"] == pytest.approx(0.1)
    assert result["mean"] == pytest.approx(1100)
    assert result["residual_score"] == 50.0
    assert case.simulation["risk_cost_share"] == 0.2


def test_options_without_a_scored_provider_carry_the_manual_risk_cost():
    case = DecisionCaseFactory(horizon_years=2, discount_rate=Decimal("0"))
    DecisionOptionFactory(case=case, provider=ProviderFactory(), **fixed("fee", 1000),
                          risk_cost_manual=Decimal("50"))
    case = services.case_simulate(case, actor=None, runs=100, seed=1)
    assert case.simulation["options"][0]["mean"] == pytest.approx(2100)


def test_simulation_is_stored_with_its_seed_and_runs_and_audited():
    case = DecisionCaseFactory()
    DecisionOptionFactory(case=case, kind=OptionKind.IN_HOUSE, name="Keep")
    DecisionOptionFactory(case=case, name="Offer")
    case = services.case_simulate(case, actor=None, runs=2000, seed=11)
    case.refresh_from_db()
    assert case.simulation_runs == 2000 and case.simulation_seed == 11
    assert case.simulated_at is not None and len(case.simulation["options"]) == 2
    again = services.case_simulate(case, actor=None, runs=2000, seed=11)
    assert again.simulation["options"] == case.simulation["options"]
    assert AuditEntry.objects.filter(object_id=str(case.pk), action="update").count() == 2


def test_simulation_needs_an_option():
    with pytest.raises(ValidationError, match="at least one option"):
        services.case_simulate(DecisionCaseFactory(), actor=None)


def test_changing_an_option_clears_the_stale_simulation():
    case = DecisionCaseFactory()
    option = DecisionOptionFactory(case=case)
    services.case_simulate(case, actor=None, runs=100, seed=1)
    services.OPTION.update(option, actor=None, data={"fee_high": Decimal("5000")})
    case.refresh_from_db()
    assert case.simulation is None and case.simulation_seed is None


def test_core_competency_is_warned_in_the_suggested_recommendation():
    case = DecisionCaseFactory(activity=ActivityFactory(name="Credit risk models",
                                                        is_core_competency=True))
    DecisionOptionFactory(case=case, kind=OptionKind.IN_HOUSE, name="Keep", **fixed("fee", 900))
    DecisionOptionFactory(case=case, name="Vendor", **fixed("fee", 500))
    case = services.case_simulate(case, actor=None, runs=500, seed=1)
    suggestion = case.simulation["suggestion"]
    assert suggestion.startswith("Outsource: Vendor")
    assert "Credit risk models is marked as a core competency" in suggestion
    assert "normally kept in-house" in case.simulation["suggestion_reasons"]


def test_recommendation_names_the_cheapest_option_its_probability_and_drivers():
    case = DecisionCaseFactory(horizon_years=1, discount_rate=Decimal("0"))
    DecisionOptionFactory(case=case, kind=OptionKind.IN_HOUSE, name="Keep", **fixed("fee", 900))
    DecisionOptionFactory(case=case, name="Vendor", **fixed("fee", 1000),
                          **fixed("transition", 200))
    case = services.case_simulate(case, actor=None, runs=500, seed=1)
    assert case.simulation["suggestion"].startswith("Keep the activity in-house: Keep")
    reasons = case.simulation["suggestion_reasons"]
    assert "cheapest option in 100% of 500 simulated runs" in reasons
    assert "Vendor, costs EUR 300 more" in reasons
    assert "transition: EUR 200 lower than Vendor" in reasons
    assert "outsourcing costs more in 100% of runs" in reasons
    assert "core competency" not in case.simulation["suggestion"]


def test_decision_needs_a_simulation_and_one_of_the_cases_options():
    case = DecisionCaseFactory()
    option = DecisionOptionFactory(case=case)
    with pytest.raises(ValidationError, match="Run the simulation"):
        services.case_decide(case, actor=None, chosen_option=option, recommendation="Go.",
                             reasons="")
    services.case_simulate(case, actor=None, runs=100, seed=1)
    with pytest.raises(ValidationError, match="one of this case's options"):
        services.case_decide(case, actor=None, chosen_option=DecisionOptionFactory(),
                             recommendation="Go.", reasons="")


def test_a_decided_case_keeps_its_assumptions_and_options():
    case = decided_case()
    assert case.status == CaseStatus.DECIDED and case.decided_on is not None
    option = case.options.first()
    with pytest.raises(ValidationError, match="Open a new case to revisit"):
        services.OPTION.update(option, actor=None, data={"fee_mode": Decimal("1")})
    with pytest.raises(ValidationError, match="Open a new case"):
        services.OPTION.create(actor=None, data={"case": case, "name": "Late offer",
                                                 "kind": "outsource"})
    with pytest.raises(ValidationError, match="Open a new case"):
        services.OPTION.delete(option, actor=None)
    with pytest.raises(ValidationError, match="Open a new case"):
        services.CASE.update(case, actor=None, data={"horizon_years": 7})
    with pytest.raises(ValidationError, match="Open a new case"):
        services.case_simulate(case, actor=None)
    with pytest.raises(ValidationError, match="already decided"):
        services.case_decide(case, actor=None, chosen_option=option, recommendation="x",
                             reasons="")
    with pytest.raises(ValidationError, match="Open a new case"):
        services.CASE.delete(case, actor=None)
    services.CASE.update(case, actor=None, data={"title": "Payroll (renamed)"})
    case.refresh_from_db()
    assert case.horizon_years == 3 and case.simulation is not None
    assert DecisionCase.objects.get(pk=case.pk).title == "Payroll (renamed)"


def test_a_decided_case_can_be_closed_once():
    case = services.case_close(decided_case(), actor=None)
    assert case.status == CaseStatus.CLOSED
    with pytest.raises(ValidationError, match="Only a decided case"):
        services.case_close(case, actor=None)


def test_actuals_only_on_decided_cases_and_within_the_horizon():
    draft = DecisionCaseFactory()
    with pytest.raises(ValidationError, match="once the case is decided"):
        DecisionActual(case=draft, year=1, actual_cost=Decimal("10")).full_clean()

    case = decided_case()
    form = DecisionActualForm(data={"case": case.pk, "year": 4, "actual_cost": "10"})
    assert not form.is_valid() and form.errors["year"] == ["The case's horizon is 3 years."]
    draft_form = DecisionActualForm(data={"case": draft.pk, "year": 1, "actual_cost": "10"})
    assert not draft_form.is_valid()
    assert "recorded once the case is decided" in draft_form.errors["case"][0]


def test_planned_vs_achieved_savings_by_hand():
    # In-house 1200 a year; the offer 1000 a year plus a 300 transition (year 1).
    case = decided_case()
    services.ACTUAL.create(actor=None, data={"case": case, "year": 1,
                                             "actual_cost": Decimal("1250"),
                                             "sla_attainment": Decimal("98.5")})
    services.ACTUAL.create(actor=None, data={"case": case, "year": 2,
                                             "actual_cost": Decimal("1050")})
    review = selectors.planned_vs_achieved(case, list(case.actuals.order_by("year")))
    assert [r["planned_cost"] for r in review] == pytest.approx([1300, 1000, 1000])
    assert [r["planned_saving"] for r in review] == pytest.approx([-100, 200, 200])
    assert [r["cumulative_planned"] for r in review] == pytest.approx([-100, 100, 300])
    assert [r["achieved_saving"] for r in review[:2]] == pytest.approx([-50, 150])
    assert [r["cumulative_achieved"] for r in review[:2]] == pytest.approx([-50, 100])
    assert review[0]["variance"] == pytest.approx(-50)
    assert review[2]["actual_cost"] is None and review[2]["cumulative_achieved"] is None
    assert review[0]["sla_attainment"] == Decimal("98.5")


def test_writes_are_audited():
    case = services.CASE.create(actor=None, data={"activity": ActivityFactory(),
                                                  "title": "Keep?"})
    DecisionOptionFactory(case=case)
    assert AuditEntry.objects.filter(object_id=str(case.pk), action="create").exists()
