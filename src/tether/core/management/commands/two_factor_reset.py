"""`tether two_factor_reset USERNAME`: remove a user's authenticator from the server's shell.

For when no administrator can log in to do it in the web app (the only administrator lost
their phone). Recorded in the audit trail, as done by "system" from the command line.
"""

from django.core.management.base import BaseCommand, CommandError

from tether.core.models import User
from tether.core.twofactor import two_factor_remove


class Command(BaseCommand):
    help = "Remove a user's two-factor authenticator (they then log in with the password)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not two_factor_remove(actor=None, user=user, source="cli"):
            raise CommandError(f"{username} has no two-factor authentication set up.")
        self.stdout.write(f"Two-factor authentication of {username} is reset.")
