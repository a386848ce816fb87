"""The keep-or-outsource Monte Carlo simulation, vectorised with numpy (no loop over runs).

Each option's cost over the horizon, as a net present value at the case's discount rate:

    transition                                  (year 0, not discounted)
  + Σ_t (fee_t + overhead_t) × (1 + g)^(t-1) / (1 + r)^t          t = 1 … horizon
  + Σ_t risk_t / (1 + r)^t
  + exit / (1 + r)^horizon

where every cost is drawn from its triangular distribution (low, most likely, high) — the fee
and the overhead afresh for every year — g is the option's escalation and r the discount rate.

The risk-adjusted cost (risk_t) follows one documented rule:
  * an option whose provider has a risk score: residual score / 100 × the case's share of the
    fee at risk × that year's fee (a score of 50 with a share of 0.20 adds 10 % to the fee);
  * any other option: the expected annual risk cost entered for it (0 if none).

Savings compare the cheapest in-house option (by mean) with each outsourcing option, run by
run: savings = in-house − outsource; P(outsourcing costs more) = P(savings < 0).
"""

import secrets
from dataclasses import dataclass

import numpy as np

DEFAULT_RUNS = 10_000
MAX_RUNS = 200_000
HISTOGRAM_BINS = 30
PERCENTILES = (5, 50, 95)
COMPONENT_LABELS = {
    "transition": "transition", "fee": "recurring fees", "overhead": "management overhead",
    "risk": "risk-adjusted cost", "exit": "exit cost",
}


@dataclass(frozen=True)
class Triangle:
    low: float
    mode: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def draw(self, rng: np.random.Generator, size) -> np.ndarray:
        if self.low == self.high:  # numpy refuses a range of zero width
            return np.full(size, float(self.low))
        return rng.triangular(self.low, self.mode, self.high, size=size)


@dataclass(frozen=True)
class OptionInput:
    id: int
    name: str
    kind: str  # "in_house" or "outsource"
    transition: Triangle
    fee: Triangle
    overhead: Triangle
    exit: Triangle
    escalation: float = 0.0  # yearly growth of fee and overhead, as a fraction
    risk_rate: float = 0.0  # share of each year's fee added as risk cost
    risk_annual: float = 0.0  # expected annual risk cost, when no rate applies


def new_seed() -> int:
    return secrets.randbelow(2**31)


def _stats(values: np.ndarray) -> dict:
    p5, p50, p95 = np.percentile(values, PERCENTILES)
    return {"mean": float(values.mean()), "std": float(values.std()), "p5": float(p5),
            "p50": float(p50), "p95": float(p95), "min": float(values.min()),
            "max": float(values.max())}


def _histogram(values: np.ndarray, bins: int = HISTOGRAM_BINS) -> dict:
    low, high = float(values.min()), float(values.max())
    if low == high:  # all runs equal: one bar around the value
        low, high = low - 0.5, high + 0.5
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def expected_components(option: OptionInput, *, horizon: int, rate: float) -> dict:
    """The expected NPV of each cost component, computed in closed form (no sampling)."""
    years = np.arange(1, horizon + 1)
    discount = (1.0 + float(rate)) ** -years
    growth = (1 + option.escalation) ** (years - 1)
    weight = float((discount * growth).sum())
    return {
        "transition": option.transition.mean,
        "fee": option.fee.mean * weight,
        "overhead": option.overhead.mean * weight,
        "risk": option.risk_rate * option.fee.mean * weight
        + option.risk_annual * float(discount.sum()),
        "exit": option.exit.mean * float(discount[-1]),
    }


def expected_yearly(option: OptionInput, *, horizon: int) -> list[float]:
    """Each year's expected cost, not discounted: the plan that actual costs are compared
    with. Year 1 carries the one-off transition, the last year the exit cost."""
    years = []
    for year in range(1, horizon + 1):
        growth = (1 + option.escalation) ** (year - 1)
        cost = (option.fee.mean * (1 + option.risk_rate) + option.overhead.mean) * growth
        cost += option.risk_annual
        if year == 1:
            cost += option.transition.mean
        if year == horizon:
            cost += option.exit.mean
        years.append(cost)
    return years


def simulate_totals(option: OptionInput, *, horizon: int, rate: float, runs: int,
                    rng: np.random.Generator) -> np.ndarray:
    """The NPV of an option's cost in each of `runs` runs (an array of `runs` values)."""
    years = np.arange(1, horizon + 1)
    discount = (1.0 + float(rate)) ** -years
    growth = (1 + option.escalation) ** (years - 1)
    fee = option.fee.draw(rng, (runs, horizon)) * growth
    overhead = option.overhead.draw(rng, (runs, horizon)) * growth
    yearly = fee * (1 + option.risk_rate) + overhead + option.risk_annual
    return (option.transition.draw(rng, runs) + yearly @ discount
            + option.exit.draw(rng, runs) * discount[-1])


def simulate(options: list[OptionInput], *, horizon: int, rate: float,
             runs: int = DEFAULT_RUNS, seed: int | None = None) -> dict:
    """Simulate every option `runs` times; the result is plain JSON, stored with the case."""
    if not options:
        raise ValueError("A case needs at least one option to simulate.")
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"Runs must be between 1 and {MAX_RUNS}.")
    seed = new_seed() if seed is None else int(seed)
    rng = np.random.default_rng(seed)
    totals = {}
    results = []
    for option in options:
        values = simulate_totals(option, horizon=horizon, rate=rate, runs=runs, rng=rng)
        totals[option.id] = values
        expected = expected_components(option, horizon=horizon, rate=rate)
        results.append({
            "id": option.id, "name": option.name, "kind": option.kind, **_stats(values),
            "expected": sum(expected.values()), "components": expected,
            "risk_rate": option.risk_rate, "risk_annual": option.risk_annual,
            "histogram": _histogram(values, 20),
            "yearly_expected": expected_yearly(option, horizon=horizon),
        })
    stacked = np.vstack([totals[o.id] for o in options])
    cheapest = np.bincount(stacked.argmin(axis=0), minlength=len(options)) / runs
    for result, share in zip(results, cheapest, strict=True):
        result["p_cheapest"] = float(share)
    in_house = [r for r in results if r["kind"] == "in_house"]
    baseline = min(in_house, key=lambda r: r["mean"]) if in_house else None
    comparisons = []
    if baseline is not None:
        for result in results:
            if result["kind"] != "outsource":
                continue
            savings = totals[baseline["id"]] - totals[result["id"]]
            comparisons.append({
                "option": result["id"], "name": result["name"], **_stats(savings),
                "p_outsourcing_costs_more": float((savings < 0).mean()),
                "histogram": _histogram(savings),
            })
    best = min(results, key=lambda r: r["mean"])
    return {
        "runs": runs, "seed": seed, "horizon_years": horizon, "discount_rate": rate,
        "options": results, "baseline": baseline["id"] if baseline else None,
        "comparisons": comparisons, "best": best["id"],
    }
