"""`load_demo`: load the demo portfolio once; running it again changes nothing."""

import time

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from tether.continuity.demo import continuity_demo_load
from tether.contracts.demo import contracts_demo_load
from tether.deadlines.reminders import send_deadline_reminders
from tether.decisions.demo import decisions_demo_load
from tether.diligence.demo import diligence_demo_load
from tether.oversight.demo import oversight_demo_load
from tether.performance.demo import performance_demo_load
from tether.portal.demo import exchange_demo_load
from tether.registry.demo import demo_load
from tether.regulatory.demo import regulatory_demo_load
from tether.reviews.demo import reviews_demo_load
from tether.risk.demo import risk_demo_load


class Command(BaseCommand):
    help = "Load the demo portfolio (two organisations, ~300 providers, ~400 arrangements)."

    # The demo's people and providers are made up: their invitations, campaign e-mails and
    # reminders go nowhere, even where a real mail server is configured.
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = demo_load()
        if counts is None:
            self.stdout.write("The demo portfolio is already loaded; nothing changed.")
            return
        counts.update(exchange_demo_load())
        counts.update(diligence_demo_load())
        counts.update(risk_demo_load())
        counts.update(continuity_demo_load())
        counts.update(decisions_demo_load())
        counts.update(performance_demo_load())
        counts.update(contracts_demo_load())
        counts.update(oversight_demo_load())
        counts.update(reviews_demo_load())
        counts.update(regulatory_demo_load())
        # Today's reminders, so the demo's people find their notifications waiting.
        counts["reminders"] = send_deadline_reminders(timezone.localdate())["notifications"]
        seconds = time.perf_counter() - started
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo loaded in {seconds:.1f} s: {summary}."))
