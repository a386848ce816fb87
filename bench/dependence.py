"""Tether's dependence benchmark: one command, prints its figures.

    python bench/dependence.py [--postgres] [--providers N] [--arrangements N] [--links N]

Generates a portfolio with Tether's own generator into a fresh database (SQLite in a temporary
data directory, or a fresh PostgreSQL database tether_bench_dependence with --postgres), as
bench/run.py does (defaults: 50,000 providers, 100,000 arrangements, 200,000 subcontracting
links), then, in one child process with Django (wall time, best of three unless said):
  - concentration: HHI and shares of both measures by all four dimensions (target ≤ 2 s);
  - the subcontracting graph: building it (edge list and per-provider figures), every
    provider's indirect exposure and the single points of failure, the longest chains;
  - what if a provider / a group / a country / a subcontractor fails, for the biggest of
    each: with the graph built for the request (cold) and with the graph kept from an
    earlier request (warm) (target ≤ 1 s).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import PYTHON, ROOT, fresh_postgres, generate_portfolio, machine

CONCENTRATION_TARGET, WHAT_IF_TARGET = 2.0, 1.0


def _best(function, repeat: int = 3) -> tuple[float, object]:
    best, result = None, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def step_measure() -> dict:
    """The child step: every figure, timed in-process."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    import django

    django.setup()
    from django.db.models import Count

    from tether.dependence import graph as graph_module
    from tether.dependence.concentration import concentration_all
    from tether.dependence.graph import SupplyGraph, supply_graph
    from tether.dependence.whatif import what_if
    from tether.registry.models import Arrangement, Provider, SubcontractingLink

    figures = {"providers": Provider.objects.count(),
               "arrangements": Arrangement.objects.count(),
               "links": SubcontractingLink.objects.count()}
    seconds, result = _best(concentration_all)
    figures["concentration_s"] = seconds
    figures["hhi"] = {f"{f.dimension}/{f.measure}": f.hhi for f in result}

    figures["graph_load_s"], graph = _best(SupplyGraph.load)

    def exposures():
        graph._exposures = None
        return graph.single_points_of_failure()

    figures["exposure_spof_s"], spofs = _best(exposures, repeat=1)
    figures["spofs"] = len(spofs)
    figures["chains_s"], chains = _best(graph.longest_chains)
    figures["longest_chain"] = len(chains[0]) if chains else 0

    busiest = (Arrangement.objects.values("provider_id").annotate(n=Count("id"))
               .order_by("-n", "provider_id").values_list("provider_id", flat=True).first())
    group = (Provider.objects.filter(ultimate_parent__isnull=False)
             .values("ultimate_parent_id").annotate(n=Count("id")).order_by("-n")
             .values_list("ultimate_parent_id", flat=True).first())
    country = (Provider.objects.values("country").annotate(n=Count("id")).order_by("-n")
               .values_list("country", flat=True).first())
    picks = [("provider", str(busiest)), ("group", str(group)), ("country", country),
             ("subcontractor", str(spofs[0].provider_id))]
    figures["what_if"] = []
    for kind, key in picks:
        def cold(kind=kind, key=key):
            graph_module._BUILT.clear()
            return what_if(supply_graph(), kind, key)

        cold_s, answer = _best(cold)
        supply_graph()  # kept for the warm runs
        warm_s, answer = _best(lambda kind=kind, key=key: what_if(supply_graph(), kind, key))
        figures["what_if"].append({
            "kind": kind, "label": answer.label, "failed": len(answer.failed),
            "providers": answer.providers_affected, "arrangements": answer.total,
            "critical": answer.critical, "cold_s": cold_s, "warm_s": warm_s})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--providers", type=int, default=50_000)
    parser.add_argument("--arrangements", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=200_000)
    parser.add_argument("--step", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step_measure()))
        return

    data_dir = Path(tempfile.mkdtemp(prefix="tether-bench-dependence-"))
    env = {**os.environ, "TETHER_DATA_DIR": str(data_dir),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench")])}
    env.pop("DATABASE_URL", None)
    if args.postgres:
        env["DATABASE_URL"] = fresh_postgres("tether_bench_dependence")
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Tether dependence benchmark on {engine}\n{machine()}\n", flush=True)
    try:
        generate_portfolio(args, env)
        completed = subprocess.run([PYTHON, __file__, "--step"], env=env, capture_output=True,
                                   text=True, check=False)
        if completed.returncode != 0:
            sys.exit(f"measure step failed:\n{completed.stdout[-4000:]}\n"
                     f"{completed.stderr[-4000:]}")
        f = json.loads(completed.stdout.strip().splitlines()[-1])
        print(f"register: {f['providers']:,} providers, {f['arrangements']:,} arrangements, "
              f"{f['links']:,} subcontracting links\n")
        ok = f["concentration_s"] <= CONCENTRATION_TARGET
        print(f"concentration, 4 dimensions × 2 measures: {f['concentration_s']:.2f} s "
              f"(target ≤ {CONCENTRATION_TARGET:.0f} s): {'PASS' if ok else 'FAIL'}")
        print("    HHI " + ", ".join(f"{k} {v:,.0f}" for k, v in f["hhi"].items()))
        print(f"graph: build {f['graph_load_s']:.2f} s; every provider's indirect exposure "
              f"and the {f['spofs']:,} single points of failure {f['exposure_spof_s']:.2f} s; "
              f"longest chains {f['chains_s']:.2f} s (longest {f['longest_chain']} providers)")
        for row in f["what_if"]:
            verdicts = ", ".join(
                f"{name} {'PASS' if row[key] <= WHAT_IF_TARGET else 'FAIL'}"
                for name, key in (("kept", "warm_s"), ("building", "cold_s")))
            print(f"what if {row['kind']} fails ({row['label'][:60]}): {row['failed']:,} "
                  f"failing, {row['providers']:,} providers and {row['arrangements']:,} "
                  f"arrangements ({row['critical']:,} critical) hit; {row['warm_s']:.2f} s "
                  f"with the graph kept, {row['cold_s']:.2f} s building it "
                  f"(target ≤ {WHAT_IF_TARGET:.0f} s): {verdicts}", flush=True)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
