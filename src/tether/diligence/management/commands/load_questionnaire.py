"""`load_questionnaire [FILE] [--publish]`: load a questionnaire template, or Tether's default.

Loading a file whose content is already stored (as any version of the same name) changes
nothing, so running it twice, or on every deployment, never makes duplicates.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tether.diligence import template_services
from tether.diligence.transfer import FORMATS, TemplateFileError, read_template

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "default_template.yaml"


class Command(BaseCommand):
    help = ("Load a questionnaire template from a YAML, CSV or XLSX file, or Tether's default "
            "due-diligence questionnaire when no file is given. It is created as a draft (a "
            "new version if the name exists) unless --publish.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The file; the default questionnaire if "
                                                    "left out.")
        parser.add_argument("--publish", action="store_true",
                            help="Publish it at once, so campaigns can send it.")
        parser.add_argument("--format", choices=FORMATS,
                            help="The file's format; by default from its extension.")
        parser.add_argument("--name", help="The questionnaire's name, instead of the file's.")
        parser.add_argument("--user", help="The user name the audit trail records.")

    def handle(self, *args, **options):
        path = Path(options["file"]) if options["file"] else DEFAULT_TEMPLATE
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        actor = _user(options["user"])
        try:
            spec = read_template(path, fmt=options["format"], name=options["name"] or "")
            outcome = template_services.template_import(
                actor=actor, spec=spec, publish=options["publish"], reuse_identical=True,
                source="cli")
        except TemplateFileError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(f"Nothing was loaded: {path.name} has "
                               f"{len(error.problems)} problem(s).") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        template = outcome.template
        questions = len(spec.questions)
        if outcome.created:
            self.stdout.write(self.style.SUCCESS(
                f"Loaded {template} ({template.get_status_display().split(' (')[0].lower()}): "
                f"{len(spec.sections)} sections, {questions} questions."))
        else:
            self.stdout.write(f"{template} already holds this questionnaire "
                              f"({template.get_status_display().split(' (')[0].lower()}); "
                              "nothing to load.")


def _user(username: str | None):
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user is called “{username}”.") from None
