"""Tether's keep-or-outsource benchmark: one command, prints its figures.

    python bench/decisions.py [--runs N] [--repeat N] [--no-service]

Target (issue "Dependence and decisions"): a 10,000-run Monte Carlo decision in ≤ 1 s.

A case with 4 options (one in-house, three offers, one of them with a risk rate from a
provider score), a 10-year horizon, every cost component a triangular range, escalation and
discounting, 10,000 runs:
  - the engine alone (`tether.decisions.simulation.simulate`: draws, NPVs, statistics,
    histograms, the savings of each offer over in-house): best and median of --repeat timed
    calls after one warm-up;
  - the whole "Run simulation" button, in a fresh SQLite database: the service
    `case_simulate` reads the case and its options, simulates, writes the suggested
    recommendation, stores the result with the case and its audit entry, in one transaction.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from run import machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TARGET_SECONDS = 1.0


def timed(function, repeat: int) -> list[float]:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def engine_options():
    from tether.decisions.simulation import OptionInput, Triangle

    return [
        OptionInput(1, "Keep in-house", "in_house", Triangle(50e3, 80e3, 150e3),
                    Triangle(3.3e6, 3.5e6, 3.9e6), Triangle(0, 0, 0), Triangle(0, 0, 0),
                    escalation=0.03, risk_annual=60e3),
        OptionInput(2, "Offer A", "outsource", Triangle(300e3, 450e3, 800e3),
                    Triangle(2.5e6, 2.7e6, 3.0e6), Triangle(180e3, 220e3, 300e3),
                    Triangle(200e3, 350e3, 600e3), escalation=0.025, risk_rate=0.084),
        OptionInput(3, "Offer B", "outsource", Triangle(250e3, 400e3, 700e3),
                    Triangle(2.7e6, 2.95e6, 3.4e6), Triangle(150e3, 200e3, 260e3),
                    Triangle(150e3, 250e3, 450e3), escalation=0.02, risk_annual=120e3),
        OptionInput(4, "Offer C", "outsource", Triangle(100e3, 200e3, 400e3),
                    Triangle(3.0e6, 3.2e6, 3.5e6), Triangle(100e3, 150e3, 200e3),
                    Triangle(100e3, 200e3, 300e3), escalation=0.02),
    ]


def bench_service(runs: int, repeat: int) -> list[float]:
    """The service behind the button, on a fresh SQLite database in a temporary directory."""
    data_dir = tempfile.mkdtemp(prefix="tether-bench-decisions-")
    os.environ["TETHER_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from decimal import Decimal

    from tether.decisions import services
    from tether.registry.models import Activity, Organisation

    organisation = Organisation.objects.create(name="Bench AG", country="DE")
    activity = Activity.objects.create(organisation=organisation, name="Contact centre",
                                       porter_area="service")
    case = services.case_create(actor=None, source="bench", data={
        "activity": activity, "title": "Bench case", "horizon_years": 10,
        "discount_rate": Decimal("0.06")})
    for option in engine_options():
        data = {"case": case, "name": option.name, "kind": option.kind,
                "escalation_percent": Decimal(str(option.escalation * 100)),
                "risk_cost_manual": Decimal(str(option.risk_annual))}
        for prefix in ("transition", "fee", "overhead", "exit"):
            triangle = getattr(option, prefix)
            data.update({f"{prefix}_low": Decimal(str(triangle.low)),
                         f"{prefix}_mode": Decimal(str(triangle.mode)),
                         f"{prefix}_high": Decimal(str(triangle.high))})
        services.option_create(actor=None, data=data, source="bench")
    return timed(lambda: services.case_simulate(case, actor=None, runs=runs, seed=7,
                                                source="bench"), repeat)


def report(label: str, times: list[float]) -> float:
    best, median = min(times), statistics.median(times)
    verdict = "PASS" if median <= TARGET_SECONDS else "FAIL"
    print(f"{label}: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms, "
          f"worst {max(times) * 1000:.1f} ms over {len(times)} runs "
          f"(target ≤ {TARGET_SECONDS:.0f} s): {verdict}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-service", action="store_true",
                        help="time the engine only (no Django, no database)")
    args = parser.parse_args()
    import numpy

    from tether.decisions.simulation import simulate

    print("Tether keep-or-outsource benchmark")
    print(f"{machine()}, numpy {numpy.__version__}")
    print(f"a case with 4 options, 10-year horizon, {args.runs:,} runs\n")
    options = engine_options()
    engine = timed(lambda: simulate(options, horizon=10, rate=0.06, runs=args.runs, seed=7),
                   args.repeat)
    medians = [report("simulation engine", engine)]
    if not args.no_service:
        medians.append(report("'Run simulation' service (SQLite, result and audit stored)",
                              bench_service(args.runs, args.repeat)))
    sys.exit(0 if max(medians) <= TARGET_SECONDS else 1)


if __name__ == "__main__":
    main()
