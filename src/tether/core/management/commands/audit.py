"""`tether audit verify` and `tether audit export`: check and hand over the audit trail."""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tether.core.audit_chain import verify_chain
from tether.core.audit_export import FORMATS, export_entries, parse_since
from tether.core.models import AuditEntry

ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, or export it with its hashes for auditors."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True,
                                         metavar="{verify,export}")
        verify = commands.add_parser(
            "verify", help="Check every entry's hash and link; exit status 1 if broken.")
        verify.add_argument(
            "--anchor", metavar="SEQUENCE:HASH",
            help="A sequence and hash recorded earlier (printed by a previous verify): also "
                 "proves that entry and all before it are unchanged and that nothing was cut "
                 "off the end since.")
        export = commands.add_parser(
            "export", help="Write every entry with its sequence and hashes.")
        export.add_argument("--format", choices=FORMATS, default="csv")
        export.add_argument("--output", metavar="FILE",
                            help="The file to write (default: standard output).")
        export.add_argument("--since", metavar="DATE",
                            help="Only entries recorded from this date (YYYY-MM-DD) or time.")

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            self.verify(options["anchor"])
        else:
            self.export(options["format"], options["output"], options["since"])

    def verify(self, anchor_text: str | None) -> None:
        anchor = None
        if anchor_text:
            match = ANCHOR.match(anchor_text.strip().lower())
            if match is None:
                raise CommandError("Give the anchor as SEQUENCE:HASH, e.g. 1200:3f5a… "
                                   "(64 hexadecimal characters).")
            anchor = (int(match[1]), match[2])
        result = verify_chain(anchor=anchor)
        if result.intact:
            self.stdout.write(result.summary())
            return
        self.stderr.write(result.summary())
        entry = (AuditEntry.objects.filter(pk=result.broken_id).select_related("content_type")
                 .first() if result.broken_id else None)
        if entry is not None:
            self.stderr.write(
                f"  Entry {entry.sequence} (id {entry.pk}): {entry.get_action_display()} "
                f"{entry.content_type.app_label}.{entry.content_type.model} "
                f"{entry.object_id} “{entry.object_repr}” by {entry.actor_name or 'system'} "
                f"at {entry.timestamp.isoformat()}")
        self.stderr.write(f"  {result.count} entries before it are intact; the last good one "
                          f"is sequence {result.last_sequence}, hash {result.last_hash}.")
        raise SystemExit(1)

    def export(self, fmt: str, output: str | None, since_text: str | None) -> None:
        since = None
        if since_text:
            try:
                since = parse_since(since_text)
            except ValueError:
                raise CommandError(f"“{since_text}” is not a date: use YYYY-MM-DD.") from None
        if output:
            with Path(output).open("w", encoding="utf-8", newline="") as out:
                count = export_entries(out=out, fmt=fmt, since=since, bom=True)
        else:
            self.stdout.ending = ""
            count = export_entries(out=self.stdout, fmt=fmt, since=since)
        self.stderr.write(f"Exported {count} audit entries.")
