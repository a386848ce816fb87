"""Writes of the decisions app: each one transaction with its audit record.

A decided case keeps its assumptions: its figures, options and simulation cannot change (a
later review compares them with what happened); revisiting the decision is a new case.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tether.core.audit import record_change, snapshot
from tether.core.models import AuditAction
from tether.core.services import ModelServices, object_create, object_delete, object_update
from tether.decisions import simulation
from tether.decisions.choices import CaseStatus
from tether.decisions.models import DecisionActual, DecisionCase, DecisionOption
from tether.decisions.recommend import recommendation_draft

KEPT_MESSAGE = ("This case was decided: its assumptions and options are kept as they were "
                "when the decision was taken. Open a new case to revisit the decision.")
CASE_ASSUMPTIONS = ("activity", "horizon_years", "currency", "discount_rate", "risk_cost_share")


def _refuse_if_decided(case: DecisionCase) -> None:
    status = DecisionCase.objects.filter(pk=case.pk).values_list("status", flat=True).first()
    if status is not None and status != CaseStatus.DRAFT:
        raise ValidationError(KEPT_MESSAGE)


def _forget_simulation(case_id: int) -> None:
    """A changed assumption makes the stored result stale: it is cleared, to be run again."""
    DecisionCase.objects.filter(pk=case_id, status=CaseStatus.DRAFT).update(
        simulation=None, simulated_at=None, simulation_runs=None, simulation_seed=None)


@transaction.atomic
def case_create(*, actor, data: dict, source: str = "web") -> DecisionCase:
    """Open a keep-or-outsource case on an activity."""
    return object_create(DecisionCase, actor=actor, source=source,
                         data={**data, "created_by": actor if actor and actor.pk else None})


@transaction.atomic
def case_update(case: DecisionCase, *, actor, data: dict, source: str = "web") -> DecisionCase:
    """Change a case; a decided case keeps its assumptions."""
    stored = DecisionCase.objects.select_for_update().get(pk=case.pk)
    changed = {name for name, value in data.items() if getattr(stored, name) != value}
    if stored.status != CaseStatus.DRAFT and changed & set(CASE_ASSUMPTIONS):
        raise ValidationError(KEPT_MESSAGE)
    case = object_update(case, actor=actor, data=data, source=source)
    if changed & set(CASE_ASSUMPTIONS):
        _forget_simulation(case.pk)
        case.refresh_from_db()
    return case


@transaction.atomic
def case_delete(case: DecisionCase, *, actor, source: str = "web") -> None:
    """Delete a draft case; decided cases are kept for the planned-vs-achieved review."""
    _refuse_if_decided(case)
    object_delete(case, actor=actor, source=source)


@transaction.atomic
def option_create(*, actor, data: dict, source: str = "web") -> DecisionOption:
    """Add an option to a draft case."""
    _refuse_if_decided(data["case"])
    option = object_create(DecisionOption, actor=actor, data=data, source=source)
    _forget_simulation(option.case_id)
    return option


@transaction.atomic
def option_update(option: DecisionOption, *, actor, data: dict,
                  source: str = "web") -> DecisionOption:
    """Change an option of a draft case."""
    _refuse_if_decided(DecisionOption.objects.get(pk=option.pk).case)
    if "case" in data:
        _refuse_if_decided(data["case"])
    option = object_update(option, actor=actor, data=data, source=source)
    _forget_simulation(option.case_id)
    return option


@transaction.atomic
def option_delete(option: DecisionOption, *, actor, source: str = "web") -> None:
    """Remove an option from a draft case."""
    _refuse_if_decided(option.case)
    case_id = option.case_id
    object_delete(option, actor=actor, source=source)
    _forget_simulation(case_id)


def option_inputs(case: DecisionCase, options) -> list[simulation.OptionInput]:
    """The simulation's inputs: each option's ranges, and its risk cost by the documented rule
    (a scored provider: residual score / 100 × the case's share at risk; else the manual
    amount)."""
    inputs = []
    for option in options:
        score = getattr(option.provider, "risk_score", None) if option.provider_id else None
        rate = (float(score.residual_score) / 100 * float(case.risk_cost_share)
                if score is not None else 0.0)
        manual = 0.0 if score is not None else float(option.risk_cost_manual or 0)
        inputs.append(simulation.OptionInput(
            id=option.pk, name=option.name, kind=option.kind,
            **{prefix: simulation.Triangle(*(float(v) for v in option.triple(prefix)))
               for prefix in ("transition", "fee", "overhead", "exit")},
            escalation=float(option.escalation_percent) / 100, risk_rate=rate,
            risk_annual=manual))
    return inputs


def case_options(case: DecisionCase) -> list[DecisionOption]:
    return list(DecisionOption.objects.filter(case=case)
                .select_related("provider", "provider__risk_score").order_by("kind", "name"))


@transaction.atomic
def case_simulate(case: DecisionCase, *, actor, runs: int = simulation.DEFAULT_RUNS,
                  seed: int | None = None, source: str = "web") -> DecisionCase:
    """Run the Monte Carlo simulation of a draft case and store its result with the case."""
    case = DecisionCase.objects.select_for_update().select_related("activity").get(pk=case.pk)
    if case.status != CaseStatus.DRAFT:
        raise ValidationError(KEPT_MESSAGE)
    options = case_options(case)
    if not options:
        raise ValidationError("Add at least one option before running the simulation.")
    before = snapshot(case)
    result = simulation.simulate(option_inputs(case, options), horizon=case.horizon_years,
                                 rate=float(case.discount_rate), runs=runs, seed=seed)
    scores = {o.pk: (float(o.provider.risk_score.residual_score), o.provider.risk_score
                     .residual_rating) for o in options
              if o.provider_id and getattr(o.provider, "risk_score", None) is not None}
    for item in result["options"]:
        if item["id"] in scores:
            item["residual_score"], item["residual_rating"] = scores[item["id"]]
    result["risk_cost_share"] = float(case.risk_cost_share)
    result["suggestion"], result["suggestion_reasons"] = recommendation_draft(
        result=result, activity=case.activity, currency=case.currency)
    case.simulation = result
    case.simulated_at = timezone.now()
    case.simulation_runs = result["runs"]
    case.simulation_seed = result["seed"]
    case.save(update_fields=["simulation", "simulated_at", "simulation_runs",
                             "simulation_seed", "last_updated"])
    record_change(actor=actor, instance=case, action=AuditAction.UPDATE, before=before,
                  source=source)
    return case


@transaction.atomic
def case_decide(case: DecisionCase, *, actor, chosen_option: DecisionOption,
                recommendation: str, reasons: str, decided_on=None,
                source: str = "web") -> DecisionCase:
    """Record the decision on a simulated draft case; from then on its assumptions are kept."""
    case = DecisionCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.DRAFT:
        raise ValidationError("This case is already decided; open a new case to revisit it.")
    if case.simulation is None:
        raise ValidationError("Run the simulation before recording the decision: the decision "
                              "is kept with its figures.")
    if chosen_option.case_id != case.pk:
        raise ValidationError({"chosen_option": "Choose one of this case's options."})
    if not recommendation.strip():
        raise ValidationError({"recommendation": "Write the recommendation down."})
    before = snapshot(case)
    case.status = CaseStatus.DECIDED
    case.chosen_option = chosen_option
    case.recommendation = recommendation.strip()
    case.reasons = reasons.strip()
    case.decided_on = decided_on or timezone.localdate()
    case.decided_by = actor if actor and actor.pk else None
    case.save(update_fields=["status", "chosen_option", "recommendation", "reasons",
                             "decided_on", "decided_by", "last_updated"])
    record_change(actor=actor, instance=case, action=AuditAction.UPDATE, before=before,
                  source=source)
    return case


@transaction.atomic
def case_close(case: DecisionCase, *, actor, source: str = "web") -> DecisionCase:
    """Close a decided case: its review is over."""
    case = DecisionCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.DECIDED:
        raise ValidationError("Only a decided case can be closed.")
    before = snapshot(case)
    case.status = CaseStatus.CLOSED
    case.save(update_fields=["status", "last_updated"])
    record_change(actor=actor, instance=case, action=AuditAction.UPDATE, before=before,
                  source=source)
    return case


def actual_create(*, actor, data: dict, source: str = "web") -> DecisionActual:
    """Record a year's actual cost of a decided case."""
    return object_create(DecisionActual, actor=actor, data=data, source=source)


def actual_update(actual, *, actor, data: dict, source: str = "web") -> DecisionActual:
    """Correct a year's actual cost."""
    return object_update(actual, actor=actor, data=data, source=source)


def actual_delete(actual, *, actor, source: str = "web") -> None:
    """Remove a year's actual cost."""
    object_delete(actual, actor=actor, source=source)


CASE = ModelServices(case_create, case_update, case_delete)
OPTION = ModelServices(option_create, option_update, option_delete)
ACTUAL = ModelServices(actual_create, actual_update, actual_delete)
