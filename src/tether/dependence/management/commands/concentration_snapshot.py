from django.core.management.base import BaseCommand

from tether.dependence.services import concentration_snapshot_take


class Command(BaseCommand):
    help = "Record today's concentration figures (HHI per dimension and measure), for trends."

    def add_arguments(self, parser):
        parser.add_argument("--currency", default="EUR")

    def handle(self, *args, currency, **options):
        written = concentration_snapshot_take(currency=currency)
        self.stdout.write(f"Recorded {written} concentration figures for today.")
