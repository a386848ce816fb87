"""`generate_risk`: add synthetic risk data to a generated register, and report rows/s."""

from argparse import BooleanOptionalAction

from django.core.management.base import BaseCommand, CommandError

from tether.risk.generate import risk_data_generate


class Command(BaseCommand):
    help = ("Add synthetic risk data to a register made by `tether generate`: country ratings, "
            "intakes, risks and controls, accepted questionnaires. Set-based, audited, "
            "deterministic for a seed; refuses a register that already has risks or intakes.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--country-ratings", action=BooleanOptionalAction, default=True,
                            help="Rate every country the providers name (existing ratings "
                            "are kept). Default: on.")
        parser.add_argument("--intake-share", type=float, default=0.4,
                            help="Share of the live arrangements that get an intake.")
        parser.add_argument("--risks-per-provider", type=float, default=1.5,
                            help="Risks in the register per provider (on providers, "
                            "arrangements and activities).")
        parser.add_argument("--controls-per-risk", type=float, default=1.2)
        parser.add_argument("--questionnaire-share", type=float, default=0.3,
                            help="Share of the providers with an accepted questionnaire.")

    def handle(self, *args, **options):
        try:
            report = risk_data_generate(
                seed=options["seed"], country_ratings=options["country_ratings"],
                intake_share=options["intake_share"],
                risks_per_provider=options["risks_per_provider"],
                controls_per_risk=options["controls_per_risk"],
                questionnaire_share=options["questionnaire_share"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("“all rows” counts audit entries too; “risk ratings” are updates.")
        for line in report.lines():
            self.stdout.write(line)
