"""Tether's SLA/KPI benchmark: one command, prints its figures.

    python bench/performance.py [--postgres] [--levels N] [--measurements N] [--ingest N]

Generates a portfolio with Tether's own generator into a fresh database (SQLite in a temporary
data directory, or a fresh PostgreSQL database tether_bench_performance with --postgres), as
bench/run.py does; gives its arrangements 50,000 SLAs and KPIs (performance.generate) and
stores 10 million measurements over 2025 through storage.merge_measurements in slices of a
million. Then measures, each step in a child process of its own (wall time, CPU time and peak
memory of that process, start-up included; the step's own time without start-up):
  - a full recompute of every level's monthly results (engine.recompute_all);
  - 1,000,000 measurements (January 2026) POSTed as one JSON body to
    /api/performance/measurements/bulk/ through Django's test client (the whole request:
    middleware, authentication, parsing, merge, incremental recompute), then the same body
    again with the same Idempotency-Key (a replay);
  - 1,000,000 measurements (February 2026) as a CSV file uploaded as a file batch, read by
    its background job (run here with run_job.call, as a worker would), levels named by
    references;
  - one SLA's monthly series (selectors.level_series): p50 and max of 50 queries;
  - an incremental batch of 1,000 measurements through the bulk endpoint.
"""

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from run import (
    PYTHON,
    ROOT,
    fresh_postgres,
    generate_portfolio,
    machine,
    step_report,
    verdict,
)

TARGETS = {"recompute_s": 5, "recompute_peak_mb": 1024, "ingest_s": 60, "series_ms": 50}
SERIES_REPEATS = 50
INCREMENTAL_ROWS = 1000


# Child steps (Django) ----------------------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def _bench_user():
    from tether.core.models import User
    from tether.core.roles import Role

    user, _ = User.objects.get_or_create(username="bench-performance",
                                         defaults={"role": Role.VENDOR_MANAGER})
    return user


def _spread(count: int, month_start: int, seed: int):
    """`count` measurements over every level, evenly, in the 28 days from `month_start`."""
    import numpy as np

    from tether.performance.models import ServiceLevel

    levels = np.array(list(ServiceLevel.objects.order_by("pk").values_list("pk", flat=True)),
                      dtype=np.int64)
    per_level = max(1, count // len(levels))
    rng = np.random.default_rng(seed)
    level_ids = np.repeat(levels, per_level)[:count]
    step = (28 * 86400) // per_level
    times = month_start + np.tile(np.arange(per_level) * step, len(levels))[:count]
    values = np.round(rng.normal(99.6, 0.4, size=level_ids.size), 3)
    return level_ids, times, values


def step_levels(args) -> dict:
    _django()
    from tether.performance.generate import service_levels_generate

    started = time.perf_counter()
    report = service_levels_generate(count=args.levels, seed=7)
    return {**report, "step_s": round(time.perf_counter() - started, 2)}


def step_measurements(args) -> dict:
    _django()
    from tether.performance.generate import measurements_generate

    started = time.perf_counter()
    report = measurements_generate(total=args.measurements, year=2025, seed=7)
    return {**report, "step_s": round(time.perf_counter() - started, 2)}


def step_recompute(args) -> dict:
    _django()
    from tether.performance import engine

    started = time.perf_counter()
    report = engine.recompute_all()
    return {**report, "step_s": round(time.perf_counter() - started, 2)}


def _api_client():
    """A client with the bench user's token, warmed up: the first request loads every URL
    module, which is start-up, not ingestion."""
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=_bench_user())
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.get("/api/performance/batches/?limit=1")
    return client


def _post(client, body: bytes, key: str | None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    started = time.perf_counter()
    response = client.post("/api/performance/measurements/bulk/", data=body,
                           content_type="application/json", **headers)
    seconds = time.perf_counter() - started
    if response.status_code not in (200, 201):
        raise SystemExit(f"bulk endpoint answered {response.status_code}: "
                         f"{response.content[:500]!r}")
    return response.json(), round(seconds, 2), response.status_code


def step_ingest_api(args) -> dict:
    _django()
    from datetime import UTC, datetime

    level_ids, times, values = _spread(args.ingest, int(datetime(
        2026, 1, 1, tzinfo=UTC).timestamp()), seed=11)
    started = time.perf_counter()
    stamps = [datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")
              for t in times.tolist()]
    body = json.dumps([{"level": level, "at": at, "value": value} for level, at, value in zip(
        level_ids.tolist(), stamps, values.tolist(), strict=True)], separators=(",", ":"))
    body = body.encode()
    build_s = round(time.perf_counter() - started, 2)
    client = _api_client()
    batch, seconds, status = _post(client, body, "bench-january")
    replay, replay_seconds, replay_status = _post(client, body, "bench-january")
    assert replay["id"] == batch["id"] and replay_status == 200
    return {"rows": args.ingest, "body_mb": round(len(body) / 1e6, 1), "build_s": build_s,
            "status": status, "seconds": seconds, "accepted": batch["accepted"],
            "rejected": batch["rejected"], "replay_seconds": replay_seconds}


def step_ingest_csv(args) -> dict:
    _django()
    import csv
    from datetime import UTC, datetime

    from django.core.files import File

    from tether.core.jobs import run_job
    from tether.performance.choices import BatchSource
    from tether.performance.ingest_services import batch_receive
    from tether.performance.models import MeasurementBatch, ServiceLevel

    level_ids, times, values = _spread(args.ingest, int(datetime(
        2026, 2, 1, tzinfo=UTC).timestamp()), seed=13)
    references = dict((pk, (arrangement, reference)) for pk, arrangement, reference in
                      ServiceLevel.objects.values_list("pk", "arrangement__reference",
                                                       "reference"))
    path = Path(tempfile.mkdtemp()) / "february.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["arrangement", "level", "at", "value"])
        for level, at, value in zip(level_ids.tolist(), times.tolist(), values.tolist(),
                                    strict=True):
            writer.writerow([*references[level],
                             datetime.fromtimestamp(at, UTC).isoformat(), value])
    started = time.perf_counter()
    with open(path, "rb") as handle:
        batch, _ = batch_receive(actor=_bench_user(), source=BatchSource.FILE,
                                 rows_or_file=File(handle, name="february.csv"))
    queued = time.perf_counter() - started
    run_job.call(batch.job_id)  # what the worker that picks the job up runs
    seconds = time.perf_counter() - started
    batch = MeasurementBatch.objects.get(pk=batch.pk)
    return {"rows": args.ingest, "file_mb": round(path.stat().st_size / 1e6, 1),
            "seconds": round(seconds, 2), "upload_s": round(queued, 2), "status": batch.status,
            "accepted": batch.accepted, "rejected": batch.rejected}


def step_series(args) -> dict:
    _django()
    import statistics

    from django.db import connection, reset_queries

    from tether.performance.models import PeriodResult
    from tether.performance.selectors import level_series

    level_id = PeriodResult.objects.order_by("-pk").values_list("service_level_id",
                                                                flat=True).first()
    started = time.perf_counter()
    first = level_series(level_id)
    cold_ms = (time.perf_counter() - started) * 1000
    timings = []
    for _ in range(SERIES_REPEATS):
        reset_queries()
        started = time.perf_counter()
        level_series(level_id)
        timings.append((time.perf_counter() - started) * 1000)
    connection.close()
    return {"periods": len(first), "cold_ms": round(cold_ms, 2),
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(statistics.quantiles(timings, n=20)[-1], 2),
            "max_ms": round(max(timings), 2)}


def step_incremental(args) -> dict:
    _django()
    from datetime import UTC, datetime

    level_ids, times, values = _spread(INCREMENTAL_ROWS, int(datetime(
        2026, 3, 1, tzinfo=UTC).timestamp()), seed=17)
    body = json.dumps([
        {"level": level, "at": datetime.fromtimestamp(at, UTC).isoformat(), "value": value}
        for level, at, value in zip(level_ids.tolist(), times.tolist(), values.tolist(),
                                    strict=True)]).encode()
    batch, seconds, _ = _post(_api_client(), body, None)
    return {"rows": batch["received"], "accepted": batch["accepted"], "seconds": seconds}


STEPS = {"levels": step_levels, "measurements": step_measurements, "recompute": step_recompute,
         "ingest_api": step_ingest_api, "ingest_csv": step_ingest_csv, "series": step_series,
         "incremental": step_incremental}


# Parent ------------------------------------------------------------------------------------


def run_step(name: str, args, env: dict) -> tuple[dict, dict]:
    """Run a child step, measured; returns (its JSON report, the process's measurements)."""
    command = [PYTHON, __file__, "--step", name, "--levels", str(args.levels),
               "--measurements", str(args.measurements), "--ingest", str(args.ingest)]
    return step_report(command, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--providers", type=int, default=10_000)
    parser.add_argument("--arrangements", type=int, default=25_000)
    parser.add_argument("--links", type=int, default=0)
    parser.add_argument("--levels", type=int, default=50_000)
    parser.add_argument("--measurements", type=int, default=10_000_000)
    parser.add_argument("--ingest", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="Keep the data directory.")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args)))
        return

    data_dir = Path(tempfile.mkdtemp(prefix="tether-bench-performance-"))
    env = {**os.environ, "TETHER_DATA_DIR": str(data_dir), "TETHER_TASKS": "database",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench")]),
           # The bulk body of a million rows is ~60 MB: above the default upload limit of
           # the paths that take documents.
           "TETHER_DOCUMENT_MAX_BYTES": str(200 * 1024 * 1024)}
    env.pop("DATABASE_URL", None)
    if args.postgres:
        env["DATABASE_URL"] = fresh_postgres("tether_bench_performance")
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Tether SLA/KPI benchmark on {engine}\n{machine()}\n", flush=True)
    try:
        generate_portfolio(args, env)
        levels, run = run_step("levels", args, env)
        print(f"generate {levels['levels']:,} SLAs/KPIs and {levels['credit_bands']:,} credit "
              f"bands: {levels['step_s']} s", flush=True)
        stored, run = run_step("measurements", args, env)
        print(f"generate {stored['measurements']:,} measurements over 2025 "
              f"({stored['chunks']:,} level-months) through merge_measurements: "
              f"{stored['step_s']} s ({stored['measurements'] / stored['step_s']:,.0f}/s), "
              f"peak {run['peak_mb']} MB", flush=True)

        report, run = run_step("recompute", args, env)
        print(f"\n(a) full recompute, first fill: {report['levels']:,} levels, "
              f"{report['periods']:,} periods: read and computed in {report['compute_s']} s, "
              f"{report['written']:,} results written in {report['write_s']} s (none were "
              f"stored yet); {report['step_s']} s in all, process peak {run['peak_mb']} MB",
              flush=True)
        report, run = run_step("recompute", args, env)
        ok = report["step_s"] <= TARGETS["recompute_s"] and \
            run["peak_mb"] <= TARGETS["recompute_peak_mb"]
        print(f"    full recompute with results stored: read and computed in "
              f"{report['compute_s']} s, compared in {report['write_s']} s, "
              f"{report['written']:,} written; {report['step_s']} s in all, process peak "
              f"{run['peak_mb']} MB (CPU {run['cpu_seconds']} s) — {verdict(ok)} "
              f"(≤ 5 s, ≤ 1 GB)", flush=True)

        report, run = run_step("ingest_api", args, env)
        print(f"\n(b) bulk endpoint, {report['rows']:,} rows as one JSON body "
              f"({report['body_mb']} MB): {report['seconds']} s, HTTP {report['status']}, "
              f"{report['accepted']:,} accepted, {report['rejected']:,} rejected — "
              f"{verdict(report['seconds'] <= TARGETS['ingest_s'])} (≤ 60 s); the replay "
              f"with the same Idempotency-Key: {report['replay_seconds']} s; process peak "
              f"{run['peak_mb']} MB (body built in {report['build_s']} s)", flush=True)
        report, run = run_step("ingest_csv", args, env)
        print(f"    CSV file, {report['rows']:,} rows ({report['file_mb']} MB), levels by "
              f"reference: stored and queued in {report['upload_s']} s, read by its job: in "
              f"all {report['seconds']} s, {report['status']}, "
              f"{report['accepted']:,} accepted — "
              f"{verdict(report['seconds'] <= TARGETS['ingest_s'])} (≤ 60 s); process peak "
              f"{run['peak_mb']} MB", flush=True)

        report, run = run_step("series", args, env)
        print(f"\n(c) one SLA's monthly series ({report['periods']} periods): p50 "
              f"{report['p50_ms']} ms, p95 {report['p95_ms']} ms, max {report['max_ms']} ms, "
              f"first {report['cold_ms']} ms — "
              f"{verdict(report['p95_ms'] <= TARGETS['series_ms'])} (≤ 50 ms)", flush=True)
        report, run = run_step("incremental", args, env)
        print(f"(d) incremental batch of {report['rows']:,} measurements through the bulk "
              f"endpoint (merge + recompute of the months touched): {report['seconds']} s",
              flush=True)
    finally:
        if args.keep:
            print(f"\nKept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
        if args.postgres and not args.keep:
            subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres",
                            "tether_bench_performance"], check=False)


if __name__ == "__main__":
    main()
