"""`import_country_risk FILE`: country risk ratings from a CSV or XLSX file (the web import's
service); nothing is written unless every row is good."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tether.risk.country_transfer import country_risks_import


class Command(BaseCommand):
    help = ("Import country risk ratings (columns country, political, economic, legal, and "
            "optionally source, as_of, notes) from a CSV or XLSX file. Every row is checked "
            "first: one bad row and nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV or XLSX file.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        result = country_risks_import(actor=None, file=path, filename=path.name, source="cli")
        for error in result.errors:
            self.stderr.write(str(error))
        if not result.ok:
            raise CommandError(result.summary)
        self.stdout.write(result.summary)
