"""`tether totp_code USERNAME`: the code a user's authenticator app shows now.

A development and demo convenience: whoever can run it has the server's shell, and with it
the database that holds every secret anyway. It is no way around two-factor authentication.
"""

from django.core.management.base import BaseCommand, CommandError

from tether.core.models import User
from tether.core.twofactor import totp_device_of, usable_code


class Command(BaseCommand):
    help = "Print the current two-factor code of a user (development and demo convenience)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        device = totp_device_of(user)
        if device is None:
            raise CommandError(f"{username} has no two-factor authentication set up.")
        self.stdout.write(usable_code(device))
