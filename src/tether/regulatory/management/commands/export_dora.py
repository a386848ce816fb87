"""`tether export dora --entity LEI --date YYYY-MM-DD`: the register of information as the
EBA reporting package, validated; the same job as the page's "Export" button."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tether.core.commands import run_job_here
from tether.registry.management.commands.import_data import _user
from tether.regulatory import roi
from tether.regulatory.filing import export_request


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date {text!r} is not a date written YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = ("Build the DORA register of information of an entity at a reference date as the "
            "EBA plain-csv package, validate it and write the zip.")

    def add_arguments(self, parser):
        parser.add_argument("--entity", required=True,
                            help="LEI of the entity maintaining the register.")
        parser.add_argument("--date", required=True, help="Reference date, YYYY-MM-DD.")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--consolidated", dest="consolidated", action="store_true",
                           default=None, help="The group's in-scope entities (CON).")
        scope.add_argument("--individual", dest="consolidated", action="store_false",
                           help="This entity alone (IND).")
        parser.add_argument("--output", default=".",
                            help="Directory (or .zip path) to write; default: here.")
        parser.add_argument("--user", help="Record the export as this user's.")

    def handle(self, *args, entity, date: str, consolidated, output, user, **options):
        reference_date = _day(date)
        try:
            organisation = roi.reporting_entity(entity)
        except roi.RegisterError as error:
            raise CommandError(str(error)) from None
        export = export_request(actor=_user(user), organisation=organisation,
                                reference_date=reference_date, consolidated=consolidated,
                                source="cli", queue=False)
        run_job_here(self, export.job)
        export.refresh_from_db()
        target = Path(output)
        if target.suffix != ".zip":
            target = target / export.file_name
        target.write_bytes(bytes(export.artefact.content))
        self.stdout.write(f"Wrote {target} ({export.rows} rows).")
        for issue in export.artefact.failures[:50]:
            where = " ".join(str(part) for part in (issue["template"], issue["row"] and
                                                    f"row {issue['row']}", issue["column"])
                             if part)
            self.stdout.write(f"  [{issue['severity']}] {where}: {issue['message']}")
        if export.errors:
            raise CommandError(f"{export.errors} errors and {export.warnings} warnings: "
                               "fix them before filing.")
        self.stdout.write(f"No error ({export.warnings} warnings): ready to file.")
