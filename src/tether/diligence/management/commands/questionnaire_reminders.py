"""`tether questionnaire_reminders`: remind providers' contacts of questionnaires to answer."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tether.diligence.reminders import send_questionnaire_reminders


class Command(BaseCommand):
    help = ("Remind providers' contacts of questionnaires not yet submitted, before the due "
            "date and once overdue (run daily). Links use TETHER_BASE_URL.")

    def handle(self, *args, **options):
        sent = send_questionnaire_reminders(timezone.localdate())
        self.stdout.write(f"Sent {sent} reminder(s).")
