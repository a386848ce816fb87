"""Tether's DORA register-of-information benchmark: one command, prints its figures.

    python bench/dora.py [--postgres] [--providers N] [--arrangements N] [--links N]
                         [--functions N] [--services N] [--profile]

Generates a portfolio with Tether's own generator (`tether generate`; defaults: 20,000
providers, 60,000 arrangements, 10,000 subcontracting links) and its register-of-information
data (`tether.regulatory.generate`: a group of three entities with branches and 300 functions
each, ~3 ICT service rows per ICT arrangement), sized so the register has about 200,000 rows,
into a fresh database (SQLite in a temporary data directory, or a fresh PostgreSQL database
tether_bench_dora with --postgres). Then, each in a child process whose wall time, CPU time
and peak memory are recorded (bench/measure.py), at the generator's date:
  - build_register: rows per template, and its SQL queries, which must not grow with rows
    (the consolidated register against one entity's, a third of it);
  - build_register, write_package and validate_package of the zip in one process: each
    phase's time, and the whole against the target (≤ 30 s and ≤ 300 MB);
  - the export job end to end (filing.export_request, then run_job.call as a worker would);
  - what a Django process takes before any work, to read the peaks against;
  - with --profile, where build + write + validate spend their time (cProfile).
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

TARGETS = {"package_s": 30, "package_mb": 300}
DATABASE = "tether_bench_dora"
PROFILE_LINES = 25


# Child steps (Django) ----------------------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _entity_lei() -> str:
    from tether.regulatory.models import EntityProfile

    return EntityProfile.objects.filter(parent=None).order_by("pk").values_list(
        "organisation__lei", flat=True).first()


def _today():
    from django.utils import timezone

    return timezone.now().date()


def _warm_urls() -> float:
    """Load the URL configuration, as any running web or worker process has it loaded."""
    from django.urls import reverse

    started = time.perf_counter()
    reverse("registry:arrangement_edit", args=[1])
    return round(time.perf_counter() - started, 2)


def step_baseline(args) -> dict:
    _django()
    from tether.regulatory import filing, packaging, roi, validation  # noqa: F401

    return {"urls_s": _warm_urls(), "peak_mb": _peak_mb()}


def step_generate(args) -> dict:
    _django()
    from tether.regulatory.generate import regulatory_generate

    return regulatory_generate(functions_per_entity=args.functions,
                               services_per_arrangement=args.services, seed=7)


def step_build(args) -> dict:
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tether.regulatory.roi import build_register

    lei, today = _entity_lei(), _today()
    urls_s = _warm_urls()
    started, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        register = build_register(lei, today, consolidated=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _peak_mb()
    with CaptureQueriesContext(connection) as alone:
        single = build_register(lei, today, consolidated=False)
    return {"seconds": round(seconds, 2), "cpu_s": round(cpu, 2), "peak_mb": peak,
            "urls_s": urls_s, "rows": register.row_count,
            "templates": {code: len(rows) for code, rows in register.rows.items()},
            "queries": len(queries), "single_rows": single.row_count,
            "single_queries": len(alone)}


def step_package(args) -> dict:
    _django()
    from tether.regulatory.packaging import write_package
    from tether.regulatory.roi import build_register
    from tether.regulatory.validation import ERROR, validate_package

    lei, today = _entity_lei(), _today()
    urls_s = _warm_urls()
    phases = {}

    def phase(name, function):
        started, cpu = time.perf_counter(), time.process_time()
        result = function()
        phases[name] = {"seconds": round(time.perf_counter() - started, 2),
                        "cpu_s": round(time.process_time() - cpu, 2), "peak_mb": _peak_mb()}
        return result

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    register = phase("build", lambda: build_register(lei, today, consolidated=True))
    package = phase("write", lambda: write_package(register))
    row_count = register.row_count
    register.rows = {}  # as the export job does: the validator reads the zip
    failures = phase("validate", lambda: validate_package(package.content,
                                                          file_name=package.name))
    total = round(time.perf_counter() - started, 2)
    if profiler:
        import io
        import pstats

        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(PROFILE_LINES)
        Path(args.profile_file).write_text(text.getvalue())
    errors = [f for f in failures if f.severity == ERROR]
    by_check: dict[str, int] = {}
    for failure in failures:
        key = f"{failure.check} ({failure.severity})"
        by_check[key] = by_check.get(key, 0) + 1
    return {"phases": phases, "seconds": total, "urls_s": urls_s, "rows": row_count,
            "zip_mb": round(len(package.content) / 1e6, 2), "errors": len(errors),
            "warnings": len(failures) - len(errors), "by_check": by_check}


def step_export(args) -> dict:
    _django()
    from tether.core.jobs import run_job
    from tether.core.models import User
    from tether.core.roles import Role
    from tether.registry.models import Organisation
    from tether.regulatory.filing import export_request
    from tether.regulatory.models import RegisterExport

    user, _ = User.objects.get_or_create(username="bench-dora",
                                         defaults={"role": Role.RISK_OFFICER})
    organisation = Organisation.objects.get(lei=_entity_lei())
    urls_s = _warm_urls()
    started = time.perf_counter()
    export = export_request(actor=user, organisation=organisation, reference_date=_today(),
                            source="bench", queue=False)
    run_job.call(export.job_id)  # what the worker that picks the job up runs
    seconds = round(time.perf_counter() - started, 2)
    export = RegisterExport.objects.get(pk=export.pk)
    return {"seconds": seconds, "urls_s": urls_s, "status": export.status, "rows": export.rows,
            "errors": export.errors, "warnings": export.warnings, "file": export.file_name}


STEPS = {"baseline": step_baseline, "generate": step_generate, "build": step_build,
         "package": step_package, "export": step_export}


# Parent ------------------------------------------------------------------------------------


def run_step(name: str, args, env: dict, *, profile: bool = False) -> tuple[dict, dict]:
    """Run a child step, measured; returns (its JSON report, the process's measurements)."""
    command = [PYTHON, __file__, "--step", name, "--functions", str(args.functions),
               "--services", str(args.services)]
    if profile:
        command += ["--profile", "--profile-file", args.profile_file]
    return step_report(command, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--providers", type=int, default=20_000)
    parser.add_argument("--arrangements", type=int, default=60_000)
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--functions", type=int, default=300, help="Functions per entity.")
    parser.add_argument("--services", type=int, default=3,
                        help="Mean ICT service rows per ICT arrangement.")
    parser.add_argument("--profile", action="store_true",
                        help="Profile build + write + validate (cProfile) and print the top.")
    parser.add_argument("--profile-file", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="Keep the data directory.")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args)))
        return

    data_dir = Path(tempfile.mkdtemp(prefix="tether-bench-dora-"))
    args.profile_file = str(data_dir / "package.prof.txt")
    env = {**os.environ, "TETHER_DATA_DIR": str(data_dir), "TETHER_TASKS": "database",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench")])}
    env.pop("DATABASE_URL", None)
    if args.postgres:
        env["DATABASE_URL"] = fresh_postgres(DATABASE)
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Tether DORA register-of-information benchmark on {engine}\n{machine()}\n",
          flush=True)
    try:
        generate_portfolio(args, env)
        report, run = run_step("generate", args, env)
        counts = ", ".join(f"{value:,} {name}" for name, value in report.items()
                           if name != "seconds")
        print(f"generate DORA data: {counts}: {report['seconds']} s, peak {run['peak_mb']} MB",
              flush=True)
        baseline, run = run_step("baseline", args, env)
        print(f"a Django process with the DORA modules loaded, before any work: peak "
              f"{baseline['peak_mb']} MB (loading the URL configuration: "
              f"{baseline['urls_s']} s, done before each timing below)\n", flush=True)

        build, run = run_step("build", args, env)
        print(f"(1) build_register: {build['rows']:,} rows in {build['seconds']} s "
              f"(CPU {build['cpu_s']} s), {build['queries']} SQL queries; process peak "
              f"{run['peak_mb']} MB", flush=True)
        print(f"    one entity's register (IND): {build['single_rows']:,} rows, "
              f"{build['single_queries']} SQL queries — "
              f"{'no more' if build['queries'] <= build['single_queries'] else 'MORE'} "
              f"for the whole group's (CON) rows", flush=True)
        print(f"    {'template':<10} {'rows':>9}")
        for code, rows in build["templates"].items():
            print(f"    {code:<10} {rows:>9,}")
        print(f"    {'total':<10} {build['rows']:>9,}\n", flush=True)

        package, run = run_step("package", args, env)
        print(f"build + write + validate in one process ({package['rows']:,} rows, zip "
              f"{package['zip_mb']} MB):", flush=True)
        print(f"    {'phase':<22} {'seconds':>8} {'CPU s':>7} {'peak MB so far':>15}")
        names = {"build": "(1) build_register", "write": "(2) write_package",
                 "validate": "(3) validate_package"}
        for name, figures in package["phases"].items():
            print(f"    {names[name]:<22} {figures['seconds']:>8} {figures['cpu_s']:>7} "
                  f"{figures['peak_mb']:>15}")
        ok = (package["seconds"] <= TARGETS["package_s"]
              and run["peak_mb"] <= TARGETS["package_mb"])
        print(f"    {'whole':<22} {package['seconds']:>8} {run['cpu_seconds']:>7} "
              f"{run['peak_mb']:>15}  (CPU and peak of the process, start-up included)")
        print(f"    validation: {package['errors']:,} errors, {package['warnings']:,} warnings "
              f"{package['by_check']}", flush=True)

        export, export_run = run_step("export", args, env)
        print(f"\n(4) export job end to end (export_request + run_job): {export['seconds']} s, "
              f"{export['status']}, {export['rows']:,} rows, {export['errors']:,} errors, "
              f"{export['warnings']:,} warnings; process CPU {export_run['cpu_seconds']} s, "
              f"peak {export_run['peak_mb']} MB", flush=True)

        print(f"\n{'figure':<44} {'measured':>10} {'target':>8}  verdict")
        rows = [("build + write + validate, seconds", package["seconds"], TARGETS["package_s"]),
                ("build + write + validate, peak MB", run["peak_mb"], TARGETS["package_mb"]),
                ("export job end to end, seconds", export["seconds"], TARGETS["package_s"]),
                ("export job process, peak MB", export_run["peak_mb"], TARGETS["package_mb"])]
        for label, value, target in rows:
            print(f"{label:<44} {value:>10} {target:>8}  {verdict(value <= target)}")
        print(f"{'build_register SQL queries (IND / CON)':<44} "
              f"{build['single_queries']:>4} / {build['queries']:<3} {'CON<=IND':>8}  "
              f"{verdict(build['queries'] <= build['single_queries'])}")
        print(f"\noverall: {verdict(ok)} (≤ {TARGETS['package_s']} s, "
              f"≤ {TARGETS['package_mb']} MB)", flush=True)
        if args.profile:
            run_step("package", args, env, profile=True)
            print(f"\nProfile of build + write + validate, a separate run (top {PROFILE_LINES} "
                  f"by cumulative time; cProfile slows the run):")
            print(Path(args.profile_file).read_text())
    finally:
        if args.keep:
            print(f"\nKept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
        if args.postgres and not args.keep:
            subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres",
                            DATABASE], check=False)


if __name__ == "__main__":
    main()
