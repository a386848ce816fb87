"""Tether's risk-rescoring benchmark: one command, prints its figures.

    python bench/risk.py [--postgres] [--providers N] [--arrangements N] [--links N] [--keep]

Generates a portfolio with Tether's own generator into a fresh database (SQLite in a temporary
data directory, or a fresh PostgreSQL database tether_bench_risk with --postgres), as
bench/run.py does, adds risk data with `tether generate_risk` (its defaults: country ratings,
intakes on 40 % of the live arrangements, 1.5 risks per provider, 1.2 controls per risk,
accepted questionnaires for 30 % of the providers), then measures:
  - a full rescoring as a background job: `tether rescore` queues it and
    `tether worker --batch` runs it (the worker's wall time, CPU time and peak memory); from
    the Job row, queued → finished (the target), started → finished, and worker start →
    finished; providers scored, rows written to ProviderScore and ProviderScoreHistory;
  - the same rescoring again: no score moves, so no history row may be written (checked);
  - `tether rescore --provider ID --now` for the provider with the most arrangements and for
    a typical one: the command's wall time (start-up included) and the job's own.
Steps that need Django run in child processes of this script (--step), like bench/security.py.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import PYTHON, ROOT, TETHER, fresh_postgres, generate_portfolio, machine, run_measured

TARGET_SECONDS = 60
WORKER = [*TETHER, "worker", "--batch", "--no-reload", "--no-startup-delay"]


# Child step (Django) ---------------------------------------------------------------------


def step_state(args) -> dict:
    """Counts of what the engine reads and writes, and the latest job's timestamps."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    import django

    django.setup()
    from django.db.models import Count

    from tether.core.models import Job
    from tether.diligence.choices import ResponseStatus
    from tether.diligence.models import QuestionnaireResponse
    from tether.registry.models import Arrangement, Provider
    from tether.risk.engine import LIVE_ARRANGEMENTS
    from tether.risk.models import (
        ArrangementIntake,
        Control,
        CountryRisk,
        ProviderScore,
        ProviderScoreHistory,
        Risk,
    )

    state = {
        "providers": Provider.objects.count(),
        "live_arrangements": Arrangement.objects.filter(status__in=LIVE_ARRANGEMENTS).count(),
        "country_ratings": CountryRisk.objects.count(),
        "intakes": ArrangementIntake.objects.count(),
        "risks": Risk.objects.count(),
        "controls": Control.objects.count(),
        "questionnaires": QuestionnaireResponse.objects.filter(
            status=ResponseStatus.ACCEPTED).count(),
        "scores": ProviderScore.objects.count(),
        "history": ProviderScoreHistory.objects.count(),
    }
    by_size = list(Provider.objects.annotate(n=Count("arrangements")).filter(n__gt=0)
                   .order_by("-n", "pk").values_list("pk", "n"))
    state["busiest"] = by_size[0] if by_size else None
    state["typical"] = by_size[len(by_size) // 2] if by_size else None
    job = Job.objects.filter(pk=args.job).first() if args.job else None
    if job is not None:
        state["job"] = {
            "status": job.status, "result": job.result, "error": job.error[-2000:],
            "created": job.created.timestamp(),
            "started": job.started.timestamp() if job.started else None,
            "finished": job.finished.timestamp() if job.finished else None,
        }
    return state


STEPS = {"state": step_state}


# The orchestrator ------------------------------------------------------------------------


def state(env: dict, job: int | None = None) -> dict:
    command = [PYTHON, __file__, "--step", "state"] + (["--job", str(job)] if job else [])
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"state step failed:\n{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def job_id(output: str) -> int:
    found = re.search(r"[Jj]ob (\d+)", output)
    if found is None:
        sys.exit(f"no job id in:\n{output}")
    return int(found.group(1))


def full_rescoring(env: dict, label: str) -> dict:
    """Queue a full rescoring, run the worker until the queue is empty, read the job back."""
    before = state(env)
    queued = subprocess.run([*TETHER, "rescore"], env=env, capture_output=True, text=True,
                            check=True).stdout
    job = job_id(queued)
    launched = time.time()
    worker = run_measured(WORKER, env)
    after = state(env, job)
    timings = after["job"]
    if timings["status"] != "succeeded":
        sys.exit(f"job {job} {timings['status']}:\n{timings['error']}\n{worker['stdout']}")
    figures = {
        "queued_to_finished": timings["finished"] - timings["created"],
        "started_to_finished": timings["finished"] - timings["started"],
        "worker_start_to_finished": timings["finished"] - launched,
        "providers": timings["result"]["providers"],
        "scores": after["scores"],
        "scores_added": after["scores"] - before["scores"],
        "history_added": after["history"] - before["history"],
        "worker": worker,
    }
    print(f"{label} (job {job}, `tether rescore` then `tether worker --batch`):\n"
          f"    job queued → finished {figures['queued_to_finished']:.2f} s, "
          f"started → finished {figures['started_to_finished']:.2f} s; "
          f"worker start → job finished {figures['worker_start_to_finished']:.2f} s\n"
          f"    worker process: {worker['seconds']} s, CPU {worker['cpu_seconds']} s, "
          f"peak {worker['peak_mb']} MB\n"
          f"    {figures['providers']:,} providers scored; ProviderScore: {after['scores']:,} "
          f"rows upserted ({figures['scores_added']:,} new), ProviderScoreHistory: "
          f"{figures['history_added']:,} rows added", flush=True)
    return figures


def one_provider(env: dict, label: str, provider: list) -> None:
    pk, arrangements = provider
    command = run_measured([*TETHER, "rescore", "--provider", str(pk), "--now"], env)
    timings = state(env, job_id(command["stdout"]))["job"]
    noun = "arrangement" if arrangements == 1 else "arrangements"
    print(f"one provider, {label} ({arrangements:,} {noun}), `tether rescore --provider "
          f"{pk} --now`: command {command['seconds']} s (start-up included), CPU "
          f"{command['cpu_seconds']} s; the job itself "
          f"{(timings['finished'] - timings['started']) * 1000:.0f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--providers", type=int, default=50_000)
    parser.add_argument("--arrangements", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true",
                        help="Keep the data directory afterwards (to profile), and say where.")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--job", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args)))
        return

    data_dir = Path(tempfile.mkdtemp(prefix="tether-bench-risk-"))
    env = {**os.environ, "TETHER_DATA_DIR": str(data_dir),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench")])}
    env.pop("DATABASE_URL", None)
    if args.postgres:
        env["DATABASE_URL"] = fresh_postgres("tether_bench_risk")
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Tether risk rescoring benchmark on {engine}\n{machine()}\n", flush=True)
    try:
        generate_portfolio(args, env)
        generated = run_measured([*TETHER, "generate_risk", "--seed", "7"], env)
        total = next((line for line in generated["stdout"].splitlines()
                      if line.startswith("until commit")), "").split()
        print(f"generate_risk: {int(total[2].replace(',', '')):,} objects, "
              f"{int(total[3].replace(',', '')):,} rows with their audit entries, until commit "
              f"in {total[4]} s ({total[6]} rows/s); command {generated['seconds']} s, "
              f"CPU {generated['cpu_seconds']} s, peak {generated['peak_mb']} MB", flush=True)
        register = state(env)
        print(f"register: {register['providers']:,} providers, {register['live_arrangements']:,} "
              f"live arrangements of which {register['intakes']:,} with an intake, "
              f"{register['country_ratings']} rated countries, {register['risks']:,} risks, "
              f"{register['controls']:,} controls, {register['questionnaires']:,} accepted "
              "questionnaires\n", flush=True)

        first = full_rescoring(env, "full rescoring")
        second = full_rescoring(env, "second full rescoring, nothing changed")
        unchanged = second["history_added"] == 0
        print(f"    no score moved, so no history row: "
              f"{'yes' if unchanged else 'NO, ' + str(second['history_added']) + ' rows'}\n",
              flush=True)
        one_provider(env, "the busiest", register["busiest"])
        one_provider(env, "a typical one", register["typical"])

        passed = first["queued_to_finished"] <= TARGET_SECONDS
        print(f"\nrescoring {first['providers']:,} providers as a background job: "
              f"{first['queued_to_finished']:.1f} s queued → finished (target ≤ "
              f"{TARGET_SECONDS} s): {'PASS' if passed else 'FAIL'}; the repeat "
              f"{second['queued_to_finished']:.1f} s; peak memory of the worker "
              f"{max(first['worker']['peak_mb'], second['worker']['peak_mb'])} MB")
        if not unchanged:
            sys.exit("the repeated rescoring wrote history rows although nothing changed")
    finally:
        if args.keep:
            print(f"\nkept TETHER_DATA_DIR={data_dir}"
                  + (f" DATABASE_URL={env['DATABASE_URL']}" if args.postgres else ""))
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
