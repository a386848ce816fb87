"""`tether rotate_document_keys`: re-encrypt every document under the active key."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from tether.documents.crypto import KeyRing, generate_key_spec
from tether.documents.services import rotate_keys


class Command(BaseCommand):
    help = ("Re-encrypt documents under the active (first) key of TETHER_DOCUMENT_KEYS. "
            "With --new-key, first add a freshly generated key.")

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true",
                            help="Generate a new key and make it the active one.")
        parser.add_argument("--print-new-key", action="store_true",
                            help="Only print a newly generated key, for TETHER_DOCUMENT_KEYS.")

    def handle(self, *args, new_key: bool, print_new_key: bool, **options):
        if print_new_key:
            self.stdout.write(generate_key_spec())
            return
        keys = list(settings.TETHER_DOCUMENT_KEYS)
        if new_key:
            spec = generate_key_spec()
            key_file = settings.DATA_DIR / "document_keys"
            if os.environ.get("TETHER_DOCUMENT_KEYS"):
                self.stdout.write(
                    "Keys come from TETHER_DOCUMENT_KEYS. Put this new key FIRST in it on every "
                    f"server, keep the old ones after it, restart, and run this again:\n\n"
                    f"  {spec}\n")
                return
            key_file.write_text("\n".join([spec, *keys]) + "\n")
            keys = [spec, *keys]
            settings.TETHER_DOCUMENT_KEYS = keys
            self.stdout.write(f"Added key {spec.split(':', 1)[0]} to {key_file} as the active "
                              "key. Back this file up.")
        keyring = KeyRing(keys)
        count = rotate_keys(keyring)
        self.stdout.write(f"Re-encrypted {count} document(s) under key {keyring.active_key_id}."
                          " Older keys can be removed once backups made with them have expired.")
