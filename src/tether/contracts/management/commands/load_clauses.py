"""`load_clauses`: bring the built-in clause library in line with Tether's clauses.yaml.

Adds new built-in requirements and updates the wording, sources and scope of changed ones;
what an administrator deactivated stays deactivated. Running it twice changes nothing.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tether.contracts.library import LIBRARY_PATH, LibraryError, read_library
from tether.contracts.services import clause_library_load


class Command(BaseCommand):
    help = "Load or update Tether's built-in contract clause library (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="A library file in the format of Tether's own "
                                           "(default: the one shipped with Tether).")
        parser.add_argument("--user", help="The user name the audit trail records.")

    def handle(self, *args, **options):
        path = Path(options["file"]) if options["file"] else LIBRARY_PATH
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']}.")
        try:
            outcome = clause_library_load(actor=actor, specs=read_library(path), source="cli")
        except LibraryError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(f"Nothing was loaded: {path.name} has {len(error.problems)} "
                               "problem(s).") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Clause library: {outcome.created} added, {outcome.updated} "
                          f"updated, {outcome.unchanged} unchanged.")
