"""The recommendation a simulation suggests: the option with the lowest risk-adjusted expected
cost, how likely it is the cheaper one, what drives the difference, and the core-competency
check. The user edits the text before recording the decision."""

from tether.decisions.simulation import COMPONENT_LABELS

CORE_COMPETENCY_WARNING = (
    "{activity} is marked as a core competency: a capability that sets the company apart is "
    "normally kept in-house, whatever the cost comparison says. Outsourcing it needs a "
    "reason beyond cost."
)


def core_competency_warning(activity) -> str:
    return CORE_COMPETENCY_WARNING.format(activity=activity) if activity.is_core_competency \
        else ""


def money(value: float, currency: str) -> str:
    return f"{currency} {value:,.0f}"


def _drivers(best: dict, other: dict, currency: str, count: int = 3) -> list[str]:
    """The cost components that differ most between two options, largest first."""
    differences = sorted(
        ((other["components"][name] - best["components"][name], name)
         for name in best["components"]), key=lambda item: -abs(item[0]))
    return [f"{COMPONENT_LABELS[name]}: {money(abs(diff), currency)} "
            f"{'lower' if diff > 0 else 'higher'} than {other['name']}"
            for diff, name in differences[:count] if abs(diff) >= 0.5]


def recommendation_draft(*, result: dict, activity, currency: str) -> tuple[str, str]:
    """(recommendation, reasons) from a simulation result, as a starting text."""
    options = {option["id"]: option for option in result["options"]}
    best = options[result["best"]]
    runner_up = min((o for o in result["options"] if o["id"] != best["id"]),
                    key=lambda o: o["mean"], default=None)
    verb = "Keep the activity in-house" if best["kind"] == "in_house" else "Outsource"
    recommendation = (
        f"{verb}: {best['name']}, with the lowest risk-adjusted expected cost over "
        f"{result['horizon_years']} years ({money(best['mean'], currency)} net present value, "
        f"90 % range {money(best['p5'], currency)} – {money(best['p95'], currency)}).")
    reasons = []
    if runner_up is not None:
        reasons.append(
            f"It is the cheapest option in {best['p_cheapest']:.0%} of "
            f"{result['runs']:,} simulated runs; the next best, {runner_up['name']}, costs "
            f"{money(runner_up['mean'] - best['mean'], currency)} more on average.")
        reasons.extend(f"Cost driver — {line}." for line in _drivers(best, runner_up, currency))
    for comparison in result["comparisons"]:
        reasons.append(
            f"{comparison['name']} vs in-house: expected savings "
            f"{money(comparison['mean'], currency)}; outsourcing costs more in "
            f"{comparison['p_outsourcing_costs_more']:.0%} of runs.")
    warning = core_competency_warning(activity)
    if warning:
        recommendation += " " + ("Caution: " if best["kind"] == "outsource" else "") + warning
        reasons.append(warning)
    return recommendation, "\n".join(reasons)
