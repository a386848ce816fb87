"""The user's deadlines as an iCalendar file (RFC 5545), written by hand: all-day events.

Text values are escaped (backslash, semicolon, comma, line breaks) and stripped of other
control characters, and lines are folded at 75 octets without splitting a UTF-8 character,
so no title, however hostile, can add a property or an event.
"""

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from tether.core.deadlines import Deadline
from tether.core.notifications import absolute_url

_CONTROL = {code: None for code in range(32) if code not in (9, 10)} | {127: None}


def escape_text(value: str) -> str:
    """An RFC 5545 TEXT value (3.3.11)."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL)
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\n", "\\n").replace("\t", " ")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continued by a space (3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # continuation lines begin with a space
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _uid(deadline: Deadline) -> str:
    digest = hashlib.sha256(deadline.key.encode("utf-8")).hexdigest()[:32]
    return f"{digest}@tether"


def calendar_text(deadlines: Iterable[Deadline], *, now: datetime,
                  name: str = "Tether deadlines") -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tether//Deadlines//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}"]
    for deadline in deadlines:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(deadline)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{deadline.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{deadline.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(f'{deadline.label}: {deadline.title}')}",
            f"DESCRIPTION:{escape_text(absolute_url(deadline.url))}",
            f"CATEGORIES:{escape_text(deadline.kind)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
