"""`backup`: one archive with every table and every document file, for `tether restore`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tether.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = ("Write one archive (.tar.gz) with the database, read in one consistent snapshot, "
            "and every document file. The document keys are NOT in it: keep them separately.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", type=Path,
            help="Archive to write (default: tether-backup-YYYYmmdd-HHMMSS.tar.gz here).")

    def handle(self, *args, **options):
        progress = self.stdout.write if options["verbosity"] >= 2 else None
        try:
            report = backup_create(options["output"], progress=progress)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(report.rows.values())
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {rows:,} rows of {len(report.rows)} tables and {report.documents:,} "
            f"document files ({report.document_bytes:,} bytes) in {report.seconds:.1f} s."))
        self.stdout.write(f"  {report.path}  ({report.archive_bytes:,} bytes)")
        self.stdout.write(f"  sha256 {report.sha256}")
        for name in report.skipped_documents:
            self.stderr.write(f"Skipped {name}: deleted while the backup ran.")
        keys = ", ".join(report.key_ids) or "none configured"
        self.stderr.write(self.style.WARNING(
            "WARNING: the archive does NOT contain the document encryption keys, without which "
            "the documents in it cannot be read.\n"
            f"  Keep the keys ({keys}) separately from the backups: they are in "
            f"{report.key_source} (settings.TETHER_DOCUMENT_KEYS).\n"
            "  The archive itself holds password hashes, API tokens and two-factor secrets: "
            "store it protected."))
