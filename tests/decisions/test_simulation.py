"""The Monte Carlo simulation against figures computed by hand."""

import math

import numpy as np
import pytest

from tether.decisions.simulation import (
    OptionInput,
    Triangle,
    expected_components,
    expected_yearly,
    simulate,
)

ZERO = Triangle(0, 0, 0)


def fixed(value: float) -> Triangle:
    return Triangle(value, value, value)


def option(id_=1, kind="outsource", *, transition=ZERO, fee=ZERO, overhead=ZERO, exit=ZERO,
           **extra) -> OptionInput:
    return OptionInput(id=id_, name=f"Option {id_}", kind=kind, transition=transition, fee=fee,
                       overhead=overhead, exit=exit, **extra)


def test_known_costs_give_the_npv_computed_by_hand():
    # 1000 now; 100 fee + 10 overhead in years 1-3 at 10 %; 500 exit at the end of year 3:
    # 1000 + 110 × (0.909091 + 0.826446 + 0.751315) + 500 × 0.751315 = 1649.2111
    known = option(transition=fixed(1000), fee=fixed(100), overhead=fixed(10), exit=fixed(500))
    result = simulate([known], horizon=3, rate=0.1, runs=1000, seed=7)
    stats = result["options"][0]
    assert stats["mean"] == pytest.approx(1649.2111, abs=1e-3)
    assert stats["p5"] == pytest.approx(stats["p95"]) == pytest.approx(1649.2111, abs=1e-3)
    assert stats["std"] == pytest.approx(0, abs=1e-9)
    assert stats["expected"] == pytest.approx(1649.2111, abs=1e-3)


def test_escalation_equal_to_the_discount_rate_cancels_out():
    # 100 growing 10 % a year, discounted at 10 %: each year is worth 100 / 1.1 = 90.909 today.
    growing = option(fee=fixed(100), escalation=0.1)
    result = simulate([growing], horizon=3, rate=0.1, runs=100, seed=1)
    assert result["options"][0]["mean"] == pytest.approx(3 * 100 / 1.1, abs=1e-6)
    assert expected_yearly(growing, horizon=3) == pytest.approx([100, 110, 121])


def test_no_discounting_sums_the_years():
    result = simulate([option(fee=fixed(250))], horizon=4, rate=0.0, runs=10, seed=1)
    assert result["options"][0]["mean"] == pytest.approx(1000)


def test_one_triangular_cost_has_the_triangles_mean_and_variance():
    # Tri(0, 30, 90): mean (0 + 30 + 90) / 3 = 40; variance (0² + 30² + 90² − 0·30 − 0·90
    # − 30·90) / 18 = 6300 / 18 = 350.
    result = simulate([option(fee=Triangle(0, 30, 90))], horizon=1, rate=0.0, runs=10_000,
                      seed=3)
    stats = result["options"][0]
    standard_error = math.sqrt(350 / 10_000)
    assert stats["mean"] == pytest.approx(40, abs=4 * standard_error)
    assert stats["std"] == pytest.approx(math.sqrt(350), rel=0.03)


def test_yearly_draws_are_independent_so_variances_add_up():
    # Ten independent years of Tri(0, 30, 90), no discounting: mean 400, variance 3500.
    result = simulate([option(fee=Triangle(0, 30, 90))], horizon=10, rate=0.0, runs=10_000,
                      seed=4)
    stats = result["options"][0]
    assert stats["mean"] == pytest.approx(400, abs=4 * math.sqrt(3500 / 10_000))
    assert stats["std"] == pytest.approx(math.sqrt(3500), rel=0.03)


def test_percentiles_of_a_symmetric_triangle():
    # Tri(0, 50, 100): F(x) = x² / 5000 below 50, so P5 = √250 = 15.81 and P95 = 84.19.
    result = simulate([option(fee=Triangle(0, 50, 100))], horizon=1, rate=0.0, runs=10_000,
                      seed=5)
    stats = result["options"][0]
    assert stats["p5"] == pytest.approx(math.sqrt(250), abs=1.0)
    assert stats["p50"] == pytest.approx(50, abs=1.0)
    assert stats["p95"] == pytest.approx(100 - math.sqrt(250), abs=1.0)


def test_closed_form_expectation_matches_the_simulated_mean():
    ranged = option(transition=Triangle(100, 200, 600), fee=Triangle(900, 1000, 1300),
                    overhead=Triangle(50, 60, 100), exit=Triangle(0, 100, 500),
                    escalation=0.03, risk_rate=0.1, risk_annual=25)
    result = simulate([ranged], horizon=8, rate=0.07, runs=10_000, seed=6)
    stats = result["options"][0]
    expected = sum(expected_components(ranged, horizon=8, rate=0.07).values())
    assert stats["mean"] == pytest.approx(expected, rel=0.005)
    assert stats["expected"] == pytest.approx(expected)


def test_probability_outsourcing_costs_more_with_known_costs():
    keep = option(1, "in_house", fee=fixed(1000))
    dearer = option(2, fee=fixed(1200))
    cheaper = option(3, fee=fixed(800))
    result = simulate([keep, dearer, cheaper], horizon=1, rate=0.0, runs=1000, seed=1)
    by_option = {c["option"]: c for c in result["comparisons"]}
    assert by_option[2]["p_outsourcing_costs_more"] == 1.0
    assert by_option[2]["mean"] == pytest.approx(-200)
    assert by_option[3]["p_outsourcing_costs_more"] == 0.0
    assert by_option[3]["mean"] == pytest.approx(200)
    assert result["baseline"] == 1 and result["best"] == 3


def test_probability_outsourcing_costs_more_for_a_skewed_offer():
    # In-house costs 50; the offer is Tri(0, 0, 100): P(offer > 50) = 50² / (100 × 100) = 0.25.
    keep = option(1, "in_house", fee=fixed(50))
    offer = option(2, fee=Triangle(0, 0, 100))
    result = simulate([keep, offer], horizon=1, rate=0.0, runs=10_000, seed=8)
    assert result["comparisons"][0]["p_outsourcing_costs_more"] == pytest.approx(0.25,
                                                                                 abs=0.015)


def test_identical_uncertain_options_cost_more_half_of_the_time():
    keep = option(1, "in_house", fee=Triangle(0, 50, 100))
    offer = option(2, fee=Triangle(0, 50, 100))
    result = simulate([keep, offer], horizon=1, rate=0.0, runs=10_000, seed=9)
    comparison = result["comparisons"][0]
    assert comparison["p_outsourcing_costs_more"] == pytest.approx(0.5, abs=0.02)
    assert comparison["mean"] == pytest.approx(0, abs=1.5)


def test_the_cheapest_in_house_option_is_the_baseline():
    costly = option(1, "in_house", fee=fixed(2000))
    lean = option(2, "in_house", fee=fixed(1500))
    offer = option(3, fee=fixed(1600))
    result = simulate([costly, lean, offer], horizon=1, rate=0.0, runs=100, seed=1)
    assert result["baseline"] == 2
    assert result["comparisons"][0]["mean"] == pytest.approx(-100)


def test_risk_rate_adds_a_share_of_each_years_fee():
    result = simulate([option(fee=fixed(1000), risk_rate=0.1)], horizon=2, rate=0.0, runs=10,
                      seed=1)
    assert result["options"][0]["mean"] == pytest.approx(2200)
    assert result["options"][0]["components"]["risk"] == pytest.approx(200)


def test_same_seed_same_result_and_the_seed_is_kept():
    options = [option(1, "in_house", fee=Triangle(0, 50, 100)),
               option(2, fee=Triangle(10, 40, 90))]
    first = simulate(options, horizon=5, rate=0.05, runs=2000, seed=42)
    again = simulate(options, horizon=5, rate=0.05, runs=2000, seed=42)
    other = simulate(options, horizon=5, rate=0.05, runs=2000, seed=43)
    assert first == again
    assert first["seed"] == 42 and first["runs"] == 2000
    assert first["options"][0]["mean"] != other["options"][0]["mean"]
    assert isinstance(simulate(options, horizon=1, rate=0, runs=10)["seed"], int)


def test_histograms_count_every_run():
    options = [option(1, "in_house", fee=Triangle(0, 50, 100)), option(2, fee=fixed(40))]
    result = simulate(options, horizon=1, rate=0.0, runs=3000, seed=1)
    assert sum(result["options"][0]["histogram"]["counts"]) == 3000
    assert sum(result["options"][1]["histogram"]["counts"]) == 3000  # one value only
    savings = result["comparisons"][0]["histogram"]
    assert sum(savings["counts"]) == 3000 and len(savings["edges"]) == 31
    assert np.all(np.diff(savings["edges"]) > 0)


def test_the_cheapest_share_sums_to_one():
    options = [option(i, fee=Triangle(0, 50, 100)) for i in range(1, 4)]
    result = simulate(options, horizon=1, rate=0.0, runs=5000, seed=1)
    assert sum(o["p_cheapest"] for o in result["options"]) == pytest.approx(1)
    assert result["comparisons"] == [] and result["baseline"] is None


@pytest.mark.parametrize("runs", [0, 10**7])
def test_runs_out_of_range_are_refused(runs):
    with pytest.raises(ValueError, match="Runs must be between"):
        simulate([option()], horizon=1, rate=0, runs=runs)


def test_no_option_no_simulation():
    with pytest.raises(ValueError, match="at least one option"):
        simulate([], horizon=1, rate=0)
