"""Spreadsheet downloads of a case: its options with their ranges, and its actuals with the
planned-vs-achieved figures (CSV or XLSX through core.exports)."""

from tether.decisions.models import COMPONENTS

OPTION_HEADERS = ("option", "kind", "provider", *(
    f"{prefix}_{point}" for prefix, _label in COMPONENTS for point in ("low", "mode", "high")),
    "escalation_percent", "risk_cost_manual", "residual_score", "mean_npv", "p5_npv",
    "p50_npv", "p95_npv", "p_cheapest")
ACTUAL_HEADERS = ("year", "planned_cost", "baseline_cost", "actual_cost", "variance",
                  "planned_saving", "achieved_saving", "cumulative_planned",
                  "cumulative_achieved", "sla_attainment_percent", "notes")


def option_rows(case, options):
    simulated = {o["id"]: o for o in (case.simulation or {}).get("options", [])}
    for option in options:
        stats = simulated.get(option.pk, {})
        yield (option.name, option.get_kind_display(),
               option.provider.name if option.provider_id else "",
               *(value for prefix, _label in COMPONENTS for value in option.triple(prefix)),
               option.escalation_percent, option.risk_cost_manual,
               stats.get("residual_score"), *(
                   round(stats[key], 2) if key in stats else None
                   for key in ("mean", "p5", "p50", "p95", "p_cheapest")))


def actual_rows(review):
    for row in review:
        yield (row["year"], *(None if row[key] is None else round(row[key], 2) for key in (
            "planned_cost", "baseline_cost", "actual_cost", "variance", "planned_saving",
            "achieved_saving", "cumulative_planned", "cumulative_achieved")),
            row["sla_attainment"], row["actual"].notes if row["actual"] else "")
