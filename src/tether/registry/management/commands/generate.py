"""`generate`: write a synthetic portfolio of any size, for benchmarks, and report rows/s."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tether.registry.generate import (
    portfolio_generate,
    write_arrangements_file,
    write_providers_file,
)


class Command(BaseCommand):
    help = ("Generate a synthetic portfolio (providers, arrangements, subcontracting) in bulk, "
            "and optionally import files that refer to it.")

    def add_arguments(self, parser):
        parser.add_argument("--providers", type=int, default=1000)
        parser.add_argument("--arrangements", type=int, default=2000)
        parser.add_argument("--subcontracting", type=int, default=500)
        parser.add_argument("--organisations", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--arrangements-file", type=Path,
                            help="Also write an arrangements import file (.csv or .xlsx).")
        parser.add_argument("--providers-file", type=Path,
                            help="Also write a providers import file (.csv or .xlsx).")
        parser.add_argument("--file-rows", type=int, default=10_000,
                            help="Rows in each import file.")

    def handle(self, *args, **options):
        try:
            report = portfolio_generate(
                providers=options["providers"], arrangements=options["arrangements"],
                subcontracting=options["subcontracting"],
                organisations=options["organisations"], seed=options["seed"],
            )
            self.stdout.write("“all rows” counts audit entries and many-to-many links too.")
            for line in report.lines():
                self.stdout.write(line)
            for writer, key in ((write_arrangements_file, "arrangements_file"),
                                (write_providers_file, "providers_file")):
                if options[key]:
                    self._write_file(writer, options[key], options["file_rows"], options["seed"])
        except ValueError as error:
            raise CommandError(str(error)) from error

    def _write_file(self, writer, path: Path, rows: int, seed: int) -> None:
        started = time.perf_counter()
        writer(path, rows, path.suffix.lstrip(".").lower(), seed)
        seconds = time.perf_counter() - started
        self.stdout.write(f"Wrote {path}: {rows:,} rows in {seconds:.2f} s "
                          f"({rows / max(seconds, 1e-9):,.0f} rows/s).")
