"""Tether's benchmark: one command, prints its figures.

    python bench/run.py [--postgres] [--providers N] [--arrangements N] [--links N]

Generates a portfolio with Tether's own generator into a fresh database (SQLite in a temporary
data directory, or a fresh PostgreSQL database with --postgres), then measures (wall time, and
the command's own CPU time, which on PostgreSQL leaves out the server's):
  - bulk generation rate (rows/s);
  - import of 100,000 arrangement rows from CSV and from XLSX: time, rows/s, peak memory;
  - re-import of the same CSV (every row an update);
  - list, detail and API pages: server-side p50/p95, CPU p50 and SQL queries per request.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TETHER = [PYTHON, "-m", "tether.cli"]
MEASURE = [PYTHON, str(ROOT / "bench" / "measure.py")]
TARGETS = {"csv_import_s": 60, "xlsx_import_s": 120, "import_peak_mb": 500,
           "bulk_rows_per_s": 25_000, "list_p95_ms": 300, "detail_p95_ms": 500, "queries": 15}


def run_measured(command: list[str], env: dict) -> dict:
    output = subprocess.run([*MEASURE, *command], env=env, capture_output=True, text=True,
                            check=True).stdout
    result = json.loads(output)
    if result["returncode"] != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result['stdout']}\n{result['stderr']}")
    return result


def step_report(command: list[str], env: dict) -> tuple[dict, dict]:
    """Run a benchmark's child step, measured: (the JSON report it printed last, the
    process's measurements)."""
    measured = run_measured(command, env)
    lines = [line for line in measured["stdout"].splitlines() if line.startswith("{")]
    if not lines:
        sys.exit(f"{' '.join(command)} printed no report:\n{measured['stdout']}\n"
                 f"{measured['stderr']}")
    return json.loads(lines[-1]), measured


def verdict(ok: bool) -> str:
    return "within target" if ok else "OVER TARGET"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"{memory_gb:.0f} GiB RAM, Python {platform.python_version()}")


def fresh_postgres(name: str) -> str:
    base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name],
                   check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    return f"{base}/{name}"


def write_phase(result: dict) -> str:
    """The import command's own line on how fast the bulk write went."""
    lines = [line for line in result["stdout"].splitlines() if line.startswith("Checked in")]
    return lines[-1] if lines else ""


def generator_total(result: dict) -> str:
    """The generator's own line: every row it wrote (audit entries and links too) until commit."""
    for line in result["stdout"].splitlines():
        if line.startswith("until commit"):
            _, rows, seconds, _, rate = line.split()[2:]
            return (f"{rows} rows in all (register objects, their audit entries, links) until "
                    f"commit in {seconds} s: {rate} rows/s")
    return ""


def generate_portfolio(args, env: dict) -> dict:
    """Migrate and fill the bench database with `tether generate`; prints and returns its run."""
    subprocess.run([*TETHER, "migrate", "-v0"], env=env, check=True)
    generated = run_measured([*TETHER, "generate", "--providers", str(args.providers),
                              "--arrangements", str(args.arrangements), "--subcontracting",
                              str(args.links), "--seed", "7"], env)
    total_rows = args.providers + args.arrangements + args.links
    print(f"generate {args.providers:,} providers, {args.arrangements:,} arrangements, "
          f"{args.links:,} links: {generated['seconds']} s "
          f"({total_rows / generated['seconds']:,.0f} register rows/s, each with its chained "
          f"audit entry), CPU {generated['cpu_seconds']} s, peak {generated['peak_mb']} MB",
          flush=True)
    return generated


def change_every_row(source: Path, target: Path) -> int:
    """Copy an arrangements CSV with a new annual cost and note on every row."""
    import csv

    with open(source, newline="", encoding="utf-8-sig") as infile, \
            open(target, "w", newline="", encoding="utf-8") as outfile:
        reader = csv.DictReader(infile)
        writer = csv.DictWriter(outfile, fieldnames=reader.fieldnames)
        writer.writeheader()
        count = 0
        for row in reader:
            cost = float(row["annual_cost"] or 0)
            row["annual_cost"] = f"{cost * 1.03 + 1:.2f}"
            row["notes"] = "Repriced +3 % (benchmark)"
            writer.writerow(row)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--providers", type=int, default=50_000)
    parser.add_argument("--arrangements", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="tether-bench-"))
    env = {**os.environ, "TETHER_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    if args.postgres:
        env["DATABASE_URL"] = fresh_postgres("tether_bench")
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Tether benchmark on {engine}\n{machine()}\n", flush=True)
    try:
        generated = generate_portfolio(args, env)
        print(f"    {generator_total(generated)}", flush=True)

        imports = {}
        for fmt in ("csv", "xlsx"):
            path = data_dir / f"arrangements.{fmt}"
            subprocess.run([PYTHON, "-c", (
                "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                "'tether.settings'); import django; django.setup(); "
                "from tether.registry.generate import write_arrangements_file; "
                f"write_arrangements_file({str(path)!r}, rows={args.import_rows}, fmt={fmt!r}, "
                f"seed={11 if fmt == 'csv' else 13})"
            )], env=env, check=True)
            result = run_measured([*TETHER, "import", "arrangements", str(path)], env)
            imports[fmt] = result
            print(f"import {args.import_rows:,} arrangements from {fmt.upper()} "
                  f"({path.stat().st_size / 2**20:.1f} MB): {result['seconds']} s "
                  f"({args.import_rows / result['seconds']:,.0f} rows/s), "
                  f"CPU {result['cpu_seconds']} s, peak {result['peak_mb']} MB\n"
                  f"    {write_phase(result)}", flush=True)
        same = run_measured([*TETHER, "import", "arrangements",
                             str(data_dir / "arrangements.csv")], env)
        print(f"re-import the same CSV (nothing changed, nothing written): {same['seconds']} s, "
              f"CPU {same['cpu_seconds']} s, peak {same['peak_mb']} MB", flush=True)
        changed = data_dir / "arrangements-changed.csv"
        changed_rows = change_every_row(data_dir / "arrangements.csv", changed)
        updated = run_measured([*TETHER, "import", "arrangements", str(changed)], env)
        print(f"re-import with every row changed ({changed_rows:,} updates, audited): "
              f"{updated['seconds']} s ({changed_rows / updated['seconds']:,.0f} rows/s), "
              f"CPU {updated['cpu_seconds']} s, peak {updated['peak_mb']} MB\n"
              f"    {write_phase(updated)}", flush=True)
        for fmt in ("csv", "xlsx"):
            exported = run_measured([*TETHER, "export", "arrangements",
                                     str(data_dir / f"export.{fmt}")], env)
            print(f"export all {args.arrangements + 2 * args.import_rows:,} arrangements to "
                  f"{fmt.upper()}: {exported['seconds']} s, CPU {exported['cpu_seconds']} s, "
                  f"peak {exported['peak_mb']} MB", flush=True)
        print(flush=True)

        pages = json.loads(subprocess.run([PYTHON, str(ROOT / "bench" / "pages.py")], env=env,
                                          capture_output=True, text=True, check=True).stdout)
        print(f"{'page':<52} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'CPU p50':>8}")
        for row in pages:
            print(f"{row['page']:<52} {row['status']:>6} {row['queries']:>7} "
                  f"{row['p50_ms']:>8} {row['p95_ms']:>8} {row['cpu_p50_ms']:>8}")
        worst_list = max(r["p95_ms"] for r in pages if r["kind"] == "list")
        worst_detail = max(r["p95_ms"] for r in pages if r["kind"] == "detail")
        most_queries = max(r["queries"] for r in pages)
        print(f"\nworst list p95 {worst_list} ms (target ≤ {TARGETS['list_p95_ms']}), "
              f"worst detail p95 {worst_detail} ms (target ≤ {TARGETS['detail_p95_ms']}), "
              f"most queries {most_queries} (target ≤ {TARGETS['queries']})")
        print(f"CSV import {imports['csv']['seconds']} s (target ≤ {TARGETS['csv_import_s']}), "
              f"XLSX import {imports['xlsx']['seconds']} s "
              f"(target ≤ {TARGETS['xlsx_import_s']}), peak "
              f"{max(r['peak_mb'] for r in imports.values())} MB "
              f"(target ≤ {TARGETS['import_peak_mb']})")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
