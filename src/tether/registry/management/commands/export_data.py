"""`export_data ENTITY FILE`: export the register to CSV or XLSX (`tether export`)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tether.registry.management.commands.import_data import _user
from tether.registry.transfer import export_rows
from tether.registry.transfer.columns import ENTITIES, entity_named
from tether.registry.transfer.readers import FORMATS, file_format


class Command(BaseCommand):
    help = "Export one kind of register object to a CSV or XLSX file that imports back unchanged."

    def add_arguments(self, parser):
        parser.add_argument("entity", help=f"One of: {', '.join(ENTITIES)}.")
        parser.add_argument("file", help="The file to write; - writes CSV to standard output.")
        parser.add_argument("--format", choices=FORMATS,
                            help="csv or xlsx; by default from the file's extension.")
        parser.add_argument("--user", help="Export only what this user may see.")

    def handle(self, *args, **options):
        try:
            entity = entity_named(options["entity"]).name
        except ValueError as error:
            raise CommandError(str(error)) from None
        path = options["file"]
        fmt = options["format"] or ("csv" if path == "-" else file_format(path, None))
        if fmt is None:
            raise CommandError("Name the file .csv or .xlsx, or give --format.")
        user = _user(options["user"])
        if path == "-":
            count = export_rows(user=user, entity=entity, fmt=fmt, out=sys.stdout.buffer)
        else:
            with Path(path).open("wb") as out:
                count = export_rows(user=user, entity=entity, fmt=fmt, out=out)
        self.stderr.write(f"Exported {count} {entity}.")
