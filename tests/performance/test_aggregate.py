"""The arithmetic of SLA results on hand-computed cases (no database)."""

import numpy as np
import pytest

from tether.performance import aggregate as agg


def levels(*specs):
    """specs: dicts with aggregation, target, higher (default True), percentile, item_target,
    minimum (default 1), sla (default True), cap, bands [(worse_than, percent)]."""
    width = max((len(s.get("bands", [])) for s in specs), default=0)
    bounds = np.full((len(specs), width), np.nan)
    percents = np.full((len(specs), width), np.nan)
    for i, spec in enumerate(specs):
        for k, (bound, percent) in enumerate(spec.get("bands", [])):
            bounds[i, k], percents[i, k] = bound, percent
    return agg.Levels(
        higher_is_better=np.array([s.get("higher", True) for s in specs]),
        aggregation=np.array([agg.AGGREGATION_CODES[s["aggregation"]] for s in specs],
                             dtype=np.int8),
        percentile=np.array([s.get("percentile", np.nan) for s in specs], dtype=float),
        item_target=np.array([s.get("item_target", np.nan) for s in specs], dtype=float),
        target=np.array([s["target"] for s in specs], dtype=float),
        minimum_count=np.array([s.get("minimum", 1) for s in specs]),
        gives_credit=np.array([s.get("sla", True) for s in specs]),
        credit_cap=np.array([s.get("cap", np.nan) for s in specs], dtype=float),
        band_bounds=bounds, band_percents=percents)


def run(spec_list, groups):
    """groups: [(level index, [values…])]"""
    table = levels(*spec_list)
    level = np.array([g[0] for g in groups])
    size = np.array([len(g[1]) for g in groups])
    values = np.array([v for g in groups for v in g[1]], dtype=float)
    return agg.aggregate(table, level, size, values)


def test_mean_met_and_breached_with_attainment():
    result = run([{"aggregation": "mean", "target": 99.5}],
                 [(0, [99.9, 99.7, 99.8]), (0, [99.0, 99.6])])
    assert result.value == pytest.approx([99.8, 99.3])
    assert result.outcome.tolist() == [agg.MET, agg.BREACHED]
    assert result.attainment == pytest.approx([99.8 / 99.5 * 100, 99.3 / 99.5 * 100])


def test_lower_is_better_inverts_attainment_and_verdict():
    result = run([{"aggregation": "max", "target": 200, "higher": False}],
                 [(0, [120, 180, 150]), (0, [120, 250])])
    assert result.value.tolist() == [180, 250]
    assert result.outcome.tolist() == [agg.MET, agg.BREACHED]
    assert result.attainment == pytest.approx([200 / 180 * 100, 80.0])


def test_percentile_interpolates_like_numpy_within_each_group_only():
    rng = np.random.default_rng(7)
    first, second = rng.random(37) * 500, rng.random(11) * 500
    result = run([{"aggregation": "percentile", "percentile": 95, "target": 400,
                   "higher": False},
                  {"aggregation": "mean", "target": 1}],
                 [(0, first.tolist()), (1, [5, 6]), (0, second.tolist())])
    assert result.value[0] == pytest.approx(np.percentile(first, 95))
    assert result.value[1] == pytest.approx(5.5)
    assert result.value[2] == pytest.approx(np.percentile(second, 95))


def test_share_within_item_target_for_both_directions():
    result = run([{"aggregation": "within_target", "item_target": 4, "target": 90,
                   "higher": False},
                  {"aggregation": "within_target", "item_target": 3, "target": 50}],
                 [(0, [1, 2, 3, 5, 4]), (1, [1, 3, 5, 2])])
    # resolution hours ≤ 4: 4 of 5 → 80 %; satisfaction ≥ 3: 2 of 4 → 50 %
    assert result.value == pytest.approx([80.0, 50.0])
    assert result.outcome.tolist() == [agg.BREACHED, agg.MET]


def test_sum_and_min():
    result = run([{"aggregation": "sum", "target": 2, "higher": False},
                  {"aggregation": "min", "target": 10}],
                 [(0, [1, 1, 1]), (1, [12, 9, 30])])
    assert result.value.tolist() == [3, 9]
    assert result.outcome.tolist() == [agg.BREACHED, agg.BREACHED]


def test_too_few_measurements_is_not_assessed_and_earns_no_credit():
    result = run([{"aggregation": "mean", "target": 99, "minimum": 3,
                   "bands": [(99, 10)]}],
                 [(0, [10, 20])])
    assert result.outcome.tolist() == [agg.INSUFFICIENT]
    assert np.isnan(result.value[0]) and np.isnan(result.attainment[0])
    assert result.credit_percent.tolist() == [0]


def test_most_severe_applicable_band_wins_and_cap_applies():
    bands = [(99.9, 5), (99.5, 10), (99.0, 25)]
    result = run([{"aggregation": "mean", "target": 99.9, "bands": bands},
                  {"aggregation": "mean", "target": 99.9, "bands": bands, "cap": 15}],
                 [(0, [99.95]), (0, [99.7]), (0, [99.3]), (0, [98.0]), (1, [98.0])])
    assert result.credit_percent.tolist() == [0, 5, 10, 25, 15]


def test_bands_for_lower_is_better():
    result = run([{"aggregation": "mean", "target": 200, "higher": False,
                   "bands": [(200, 2), (300, 8)]}],
                 [(0, [250]), (0, [350]), (0, [150])])
    assert result.credit_percent.tolist() == [2, 8, 0]


def test_kpis_never_earn_credits():
    result = run([{"aggregation": "mean", "target": 99, "sla": False, "bands": [(99, 10)]}],
                 [(0, [50])])
    assert result.outcome.tolist() == [agg.BREACHED]
    assert result.credit_percent.tolist() == [0]


def test_zero_target_and_zero_value_do_not_crash():
    result = run([{"aggregation": "sum", "target": 0, "higher": False},
                  {"aggregation": "sum", "target": 5, "higher": False}],
                 [(0, [0, 0]), (0, [1]), (1, [0])])
    assert result.outcome.tolist() == [agg.MET, agg.BREACHED, agg.MET]
    assert result.attainment[0] == 100
    assert result.attainment[1] == 0
    assert result.attainment[2] == agg.ATTAINMENT_CAP


def test_matches_a_python_loop_on_random_groups():
    rng = np.random.default_rng(3)
    specs = [{"aggregation": name, "target": 50, "percentile": 90, "item_target": 40,
              "higher": bool(i % 2)}
             for i, name in enumerate(["mean", "percentile", "within_target", "sum", "min",
                                       "max"] * 3)]
    groups = [(int(rng.integers(len(specs))), (rng.random(int(rng.integers(1, 40))) * 100)
               .tolist()) for _ in range(300)]
    result = run(specs, groups)
    for g, (level, values) in enumerate(groups):
        spec, data = specs[level], np.array(values)
        expected = {"mean": data.mean(), "percentile": np.percentile(data, 90),
                    "within_target": ((data >= 40) if spec["higher"] else (data <= 40)).mean()
                    * 100, "sum": data.sum(), "min": data.min(), "max": data.max()}
        assert result.value[g] == pytest.approx(expected[spec["aggregation"]])
