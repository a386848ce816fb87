"""`generate`: write a synthetic portfolio of any size, for benchmarks, and report rows/s."""

from django.core.management.base import BaseCommand, CommandError

from tether.registry.generate import portfolio_generate


class Command(BaseCommand):
    help = "Generate a synthetic portfolio (providers, arrangements, subcontracting) in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--providers", type=int, default=1000)
        parser.add_argument("--arrangements", type=int, default=2000)
        parser.add_argument("--subcontracting", type=int, default=500)
        parser.add_argument("--organisations", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        try:
            report = portfolio_generate(
                providers=options["providers"], arrangements=options["arrangements"],
                subcontracting=options["subcontracting"],
                organisations=options["organisations"], seed=options["seed"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Rows include audit entries and many-to-many links.")
        for line in report.lines():
            self.stdout.write(line)
