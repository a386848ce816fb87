"""`restore`: load an archive of `tether backup` into a fresh install."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tether.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Restore an archive of `tether backup` into a fresh, empty install: migrates, "
            "checks every checksum before changing anything, loads every row with its id and "
            "puts the document files back.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz written by `tether backup`.")
        parser.add_argument(
            "--force", action="store_true",
            help="Replace everything in an install that already holds data (its document "
                 "files are moved aside, not deleted).")

    def handle(self, *args, **options):
        progress = self.stdout.write if options["verbosity"] >= 2 else None
        try:
            report = backup_restore(options["archive"], force=options["force"],
                                    progress=progress)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(report.rows.values())
        self.stdout.write(self.style.SUCCESS(
            f"Restored {rows:,} rows of {len(report.rows)} tables and {report.documents:,} "
            f"document files in {report.seconds:.1f} s (backup of {report.backup_created_at}, "
            f"Tether {report.backup_version})."))
        if report.migrated_forward:
            self.stdout.write("The backup came from an older Tether; its data was migrated "
                              "to this version.")
        if report.replaced_documents_dir:
            self.stdout.write(f"The document files that were here are now in "
                              f"{report.replaced_documents_dir}.")
        if report.missing_key_ids:
            self.stderr.write(self.style.WARNING(
                "WARNING: the restored documents need the document key(s) "
                f"{', '.join(report.missing_key_ids)}, which this install does not have. Set "
                "TETHER_DOCUMENT_KEYS (or copy the document_keys file of the old data "
                "directory) before opening documents."))
