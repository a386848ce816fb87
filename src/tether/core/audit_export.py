"""The audit trail for auditors: every entry with its sequence and hashes, as CSV or JSON Lines.

JSON Lines is the exact form: each line is the hashed record (see `audit_chain`) plus the
entry's `id` and `entry_hash`, so an auditor can recompute every hash without Tether:
drop `id` and `entry_hash`, serialise with sorted keys, no spaces and ASCII escapes, SHA-256.
CSV is for reading in a spreadsheet: the JSON columns as canonical JSON text, and text that a
spreadsheet would run as a formula prefixed with a quote (as the register's exports do).
"""

import csv
import io
from datetime import datetime, time
from typing import TextIO

from django.apps import apps
from django.utils import timezone

from tether.core.audit_chain import canonical_json, stored_entries
from tether.core.spreadsheet import escape_formula

FORMATS = ("csv", "jsonl")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
COLUMNS = ("sequence", "id", "timestamp", "actor", "actor_name", "action", "content_type",
           "object_id", "object_repr", "before", "after", "source", "previous_hash",
           "entry_hash")
FLUSH_ROWS = 1000


def parse_since(text: str) -> datetime:
    """A date or date-time (ISO 8601) as an aware date-time; a plain date means its midnight."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = timezone.make_aware(value)
    return value


def export_entries(*, out: TextIO, fmt: str, since: datetime | None = None, queryset=None,
                   bom: bool = False) -> int:
    """Write the entries of `queryset` (default: all) in sequence order; returns how many.

    `since` keeps the entries recorded from then on. The first entry exported still names
    the hash of the one before it, so consecutive exports link up.
    """
    if fmt not in FORMATS:
        raise ValueError(f"“{fmt}” is not a format of the audit export: use csv or jsonl.")
    if queryset is None:
        queryset = apps.get_model("core", "AuditEntry").objects.all()
    if since is not None:
        if not isinstance(since, datetime):
            since = timezone.make_aware(datetime.combine(since, time.min))
        queryset = queryset.filter(timestamp__gte=since)
    entries = stored_entries(queryset.order_by("sequence"))
    if bom and fmt == "csv":
        out.write("\ufeff")  # so Excel reads accents right
    write = _write_csv if fmt == "csv" else _write_jsonl
    return write(entries, out)


def _write_jsonl(entries, out: TextIO) -> int:
    count, lines = 0, []
    for entry in entries:
        lines.append(canonical_json({**entry.record, "id": entry.id,
                                     "entry_hash": entry.entry_hash}) + "\n")
        count += 1
        if len(lines) >= FLUSH_ROWS:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))
    return count


def _write_csv(entries, out: TextIO) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for entry in entries:
        record = entry.record
        writer.writerow([
            record["sequence"], entry.id, record["timestamp"],
            "" if record["actor"] is None else record["actor"],
            escape_formula(record["actor_name"]), record["action"], record["content_type"],
            escape_formula(record["object_id"]), escape_formula(record["object_repr"]),
            _json_cell(record["before"]), _json_cell(record["after"]),
            escape_formula(record["source"]), record["previous_hash"], entry.entry_hash,
        ])
        count += 1
        if count % FLUSH_ROWS == 0:
            out.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue())
    return count


def _json_cell(value) -> str:
    return "" if value is None else escape_formula(canonical_json(value))
