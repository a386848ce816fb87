"""Reads of the decisions app: lists for the pages and the review of planned vs achieved."""

from tether.decisions.models import DecisionActual, DecisionCase, DecisionOption

PANEL_ROWS = 10


def case_list(*, user):
    return DecisionCase.objects.restrict(user).select_related("activity", "chosen_option")


def case_options(*, user, case: DecisionCase) -> list[DecisionOption]:
    return list(DecisionOption.objects.restrict(user).filter(case=case)
                .select_related("provider", "provider__risk_score").order_by("kind", "name"))


def case_actuals(*, user, case: DecisionCase) -> list[DecisionActual]:
    return list(DecisionActual.objects.restrict(user).filter(case=case).order_by("year"))


def planned_vs_achieved(case: DecisionCase, actuals: list[DecisionActual]) -> list[dict]:
    """Per year of the horizon: the chosen option's planned cost, the in-house baseline's, the
    actual cost, and savings planned vs achieved (each year and cumulative).

    Planned costs are the simulation's expected yearly costs, not discounted (year 1 carries
    the transition, the last year the exit). Savings are against the in-house baseline's plan.
    """
    result = case.simulation or {}
    if not case.chosen_option_id or not result:
        return []
    by_id = {option["id"]: option for option in result.get("options", [])}
    chosen = by_id.get(case.chosen_option_id)
    if chosen is None:
        return []
    baseline = by_id.get(result.get("baseline")) or chosen
    actual_of = {actual.year: actual for actual in actuals}
    rows, planned_total, achieved_total = [], 0.0, 0.0
    for index, planned in enumerate(chosen["yearly_expected"]):
        year = index + 1
        baseline_cost = baseline["yearly_expected"][index]
        actual = actual_of.get(year)
        planned_saving = baseline_cost - planned
        planned_total += planned_saving
        achieved_saving = None
        if actual is not None:
            achieved_saving = baseline_cost - float(actual.actual_cost)
            achieved_total += achieved_saving
        rows.append({
            "year": year, "planned_cost": planned, "baseline_cost": baseline_cost,
            "actual_cost": float(actual.actual_cost) if actual else None,
            "variance": float(actual.actual_cost) - planned if actual else None,
            "planned_saving": planned_saving, "achieved_saving": achieved_saving,
            "cumulative_planned": planned_total,
            "cumulative_achieved": achieved_total if actual is not None else None,
            "sla_attainment": actual.sla_attainment if actual else None,
            "actual": actual,
        })
    return rows
