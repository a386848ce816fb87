"""`import_data ENTITY FILE`: import a CSV or XLSX file into the register (`tether import`)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tether.registry.transfer import import_file
from tether.registry.transfer.columns import ENTITIES, entity_named
from tether.registry.transfer.readers import FORMATS


class Command(BaseCommand):
    help = ("Import providers, arrangements, services, activities, organisations or "
            "subcontracting links from a CSV or XLSX file. Nothing is written if any row is "
            "bad, unless --skip-bad-rows.")

    def add_arguments(self, parser):
        parser.add_argument("entity", help=f"One of: {', '.join(ENTITIES)}.")
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument("--skip-bad-rows", action="store_true",
                            help="Write the good rows and report the bad ones.")
        parser.add_argument("--format", choices=FORMATS,
                            help="The file's format; by default from its extension.")
        parser.add_argument("--encoding",
                            help="A CSV file's encoding if not UTF-8, e.g. cp1252.")
        parser.add_argument("--user", help="The user name the audit trail records.")

    def handle(self, *args, **options):
        try:
            entity = entity_named(options["entity"]).name
        except ValueError as error:
            raise CommandError(str(error)) from None
        actor = _user(options["user"])
        result = import_file(
            actor=actor, entity=entity, file=options["file"],
            skip_bad_rows=options["skip_bad_rows"], fmt=options["format"],
            encoding=options["encoding"],
        )
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors and not (result.created or result.updated or result.unchanged):
            raise CommandError(f"Nothing was imported. {result.summary}")
        self.stdout.write(self.style.SUCCESS(result.summary))
        written = result.created + result.updated
        if options["verbosity"] > 1 or written >= 10_000:
            self.stdout.write(
                f"Checked in {result.check_seconds:.1f} s; wrote {written:,} rows with their "
                f"links and audit entries in {result.write_seconds:.1f} s "
                f"({written / max(result.write_seconds, 1e-9):,.0f} rows/s)."
            )


def _user(username: str | None):
    """The user named on the command line, or None."""
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user is called “{username}”.") from None
