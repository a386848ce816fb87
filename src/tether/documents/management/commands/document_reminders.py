"""`tether document_reminders`: e-mail the people concerned about documents about to expire."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tether.documents.reminders import send_expiry_reminders


class Command(BaseCommand):
    help = "Send expiry reminders for documents entering their reminder window (run daily)."

    def handle(self, *args, **options):
        sent = send_expiry_reminders(timezone.localdate())
        self.stdout.write(f"Sent {sent} reminder(s).")
