from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tether.board.choices import ReportTrigger
from tether.board.services import board_report_generate, board_report_request


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--as-of: {text!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = ("Generate a board report now (figures of the whole portfolio, as the schedule "
            "reads them), for those who run Tether's periodic work from cron.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_day, help="The day of the figures (default today).")

    def handle(self, *args, as_of=None, **options):
        try:
            report = board_report_request(actor=None, as_of=as_of,
                                          trigger=ReportTrigger.SCHEDULE, source="cli",
                                          queue=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        board_report_generate(report.pk)
        report.refresh_from_db()
        self.stdout.write(f"{report}: {report.get_status_display()}, PDF {report.pdf.name}.")
