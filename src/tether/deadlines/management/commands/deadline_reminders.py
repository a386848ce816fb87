"""`tether deadline_reminders`: the scheduled reminder job, run here and now (for cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tether.deadlines.reminders import send_deadline_reminders


class Command(BaseCommand):
    help = ("Remind owners of deadlines in a reminder window (in-app and one e-mail digest "
            "each). The workers run this daily; running it again sends nothing twice.")

    def handle(self, *args, **options):
        result = send_deadline_reminders(timezone.localdate())
        self.stdout.write(f"{result['deadlines']} deadline(s) in a reminder window, "
                          f"{result['notifications']} new notification(s), "
                          f"{result['emails']} e-mail(s).")
