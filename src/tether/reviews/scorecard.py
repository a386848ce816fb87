"""A provider's scorecard: how it did over the last twelve months, as a score from 0 to 100.

Pure functions over figures the selectors aggregate in SQL; the weights are here, once.

Components (each 0–100, higher is better):
- SLA: the share of assessed SLA periods that met their target (periods with too few
  measurements are not assessed). Mean attainment is shown beside it, not scored: one bad
  month at 20 % must not hide behind eleven at 101 %.
- KPI: the share of assessed KPI periods met.
- Review: the latest review's overall rating, 1 → 0 and 5 → 100.
- Findings: 100 less FINDING_PENALTY points per severity point of the open findings
  (low 1, medium 2, high 5, critical 10), never below 0: one open critical finding halves
  it, two empty it.

The score is the weighted mean of the components the provider has data for: a provider
without KPIs is not punished for it. Findings always count, but alone they make no score:
without SLA, KPI or review data there is nothing to score ("not enough data").
"""

from dataclasses import dataclass, field
from decimal import Decimal

WEIGHTS = {"sla": 40, "kpi": 15, "review": 30, "findings": 15}
SEVERITY_POINTS = {"low": 1, "medium": 2, "high": 5, "critical": 10}
FINDING_PENALTY = 5
WINDOW_MONTHS = 12
LABELS = {"sla": "SLA periods met", "kpi": "KPI periods met", "review": "Latest review",
          "findings": "Open findings"}
# Score bands for badges: (lowest score, label, Bootstrap colour).
BANDS = ((80, "Good", "success"), (60, "Fair", "warning"), (0, "Poor", "danger"))


@dataclass(frozen=True)
class Figures:
    """What the selectors aggregate for one provider over the window."""

    sla_assessed: int = 0
    sla_met: int = 0
    sla_mean_attainment: float | None = None
    kpi_assessed: int = 0
    kpi_met: int = 0
    latest_rating: Decimal | float | None = None
    previous_rating: Decimal | float | None = None
    open_findings: int = 0
    finding_points: int = 0


@dataclass(frozen=True)
class Component:
    code: str
    label: str
    value: float | None  # 0–100; None: no data, left out of the score
    weight: int
    explanation: str


@dataclass(frozen=True)
class Scorecard:
    score: float | None
    components: list[Component] = field(default_factory=list)
    trend: float | None = None  # latest review's overall minus the one before

    @property
    def band(self) -> tuple[str, str]:
        return score_band(self.score)

    @property
    def explanation(self) -> str:
        if self.score is None:
            return "Not enough data: no assessed SLA or KPI period and no review in the window."
        used = [c for c in self.components if c.value is not None]
        total = sum(c.weight for c in used)
        return "Weighted mean of " + ", ".join(
            f"{c.label.lower()} {c.value:.0f} × {c.weight}/{total}" for c in used) + "."


def score_band(score: float | None) -> tuple[str, str]:
    if score is None:
        return "No data", "secondary"
    for lowest, label, colour in BANDS:
        if score >= lowest:
            return label, colour
    return BANDS[-1][1], BANDS[-1][2]


def share(met: int, assessed: int) -> float | None:
    return 100.0 * met / assessed if assessed else None


def rating_component(rating) -> float | None:
    return None if rating is None else (float(rating) - 1) / 4 * 100


def findings_component(points: int) -> float:
    return float(max(0, 100 - FINDING_PENALTY * points))


def scorecard(figures: Figures) -> Scorecard:
    """The score, its components and how each was reached."""
    sla = share(figures.sla_met, figures.sla_assessed)
    kpi = share(figures.kpi_met, figures.kpi_assessed)
    review = rating_component(figures.latest_rating)
    findings = findings_component(figures.finding_points)
    attainment = ("" if figures.sla_mean_attainment is None
                  else f"; mean attainment {figures.sla_mean_attainment:.1f} % of target")
    components = [
        Component("sla", LABELS["sla"], sla, WEIGHTS["sla"],
                  f"{figures.sla_met} of {figures.sla_assessed} assessed SLA periods met"
                  f"{attainment}" if figures.sla_assessed else "No assessed SLA period."),
        Component("kpi", LABELS["kpi"], kpi, WEIGHTS["kpi"],
                  f"{figures.kpi_met} of {figures.kpi_assessed} assessed KPI periods met"
                  if figures.kpi_assessed else "No assessed KPI period."),
        Component("review", LABELS["review"], review, WEIGHTS["review"],
                  f"Overall rating {float(figures.latest_rating):.2f} of 5"
                  if figures.latest_rating is not None else "No review in the window."),
        Component("findings", LABELS["findings"], findings, WEIGHTS["findings"],
                  f"{figures.open_findings} open, {figures.finding_points} severity points "
                  f"(−{FINDING_PENALTY} each)"),
    ]
    trend = None
    if figures.latest_rating is not None and figures.previous_rating is not None:
        trend = round(float(figures.latest_rating) - float(figures.previous_rating), 2)
    if sla is None and kpi is None and review is None:
        return Scorecard(None, components, trend)
    used = [c for c in components if c.value is not None]
    total = sum(c.weight for c in used)
    score = round(sum(c.value * c.weight for c in used) / total, 1)
    return Scorecard(score, components, trend)
