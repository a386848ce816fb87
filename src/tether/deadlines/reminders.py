"""The reminder job: every deadline entering a reminder window notifies the people who act.

A deadline is reminded when it is TETHER_REMINDER_DAYS (default 30, 7, 1) days away or
closer, once per window, and once more when it has passed (up to
TETHER_REMINDER_OVERDUE_DAYS back). A run that missed days sends only the window the deadline
is in now, never the windows it skipped. Each reminder is a notification keyed
`<deadline key>:<window>`, so a second run (or a run again after a killed worker) adds
nothing; those who want e-mail get one digest per run with all their new reminders.

Who is reminded: the deadline's owner, or, without one, everyone whose role writes the
deadline's domain (for an arrangement: vendor managers and administrators).
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings

from tether.core.deadlines import DEADLINE_SOURCES, Deadline, deadlines_between
from tether.core.models import User
from tether.core.notifications import notify_many, send_email_digests
from tether.core.roles import INTERNAL_ROLES, WRITE_DOMAINS, role_allows

DEFAULT_OFFSETS = (30, 7, 1)
DEFAULT_OVERDUE_DAYS = 7
# Document expiry keeps its own reminder (documents.reminders: per-document window, the
# provider's contacts too), which also notifies in-app; the job here would remind twice.
KINDS_REMINDED_ELSEWHERE = frozenset({"document_expiry"})


def reminder_offsets() -> tuple[int, ...]:
    """The reminder windows in days before a deadline, largest first."""
    raw = getattr(settings, "TETHER_REMINDER_DAYS", DEFAULT_OFFSETS)
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    try:
        offsets = sorted({int(value) for value in raw}, reverse=True)
    except (TypeError, ValueError) as error:
        raise ValueError(f"TETHER_REMINDER_DAYS must be whole numbers of days: {raw!r}") \
            from error
    if not offsets or offsets[-1] < 1:
        raise ValueError(f"TETHER_REMINDER_DAYS needs days of 1 or more: {raw!r}")
    return tuple(offsets)


def overdue_days() -> int:
    return max(0, int(getattr(settings, "TETHER_REMINDER_OVERDUE_DAYS", DEFAULT_OVERDUE_DAYS)))


def reminder_window(day: date, today: date, offsets: tuple[int, ...]) -> str | None:
    """The window a deadline on `day` is in: "30", "7", "1", "overdue", or None (too far)."""
    days_left = (day - today).days
    if days_left < 0:
        return "overdue"
    fitting = [offset for offset in offsets if days_left <= offset]
    return str(min(fitting)) if fitting else None


def _when(day: date, today: date) -> str:
    days_left = (day - today).days
    if days_left < 0:
        ago = -days_left
        return f"Was due {day:%d %b %Y} ({ago} day{'s' if ago != 1 else ''} ago)."
    if days_left == 0:
        return f"Due today, {day:%d %b %Y}."
    return f"Due {day:%d %b %Y} (in {days_left} day{'s' if days_left != 1 else ''})."


class Recipients:
    """Active internal users, read once per run: owners, and the writers of each domain."""

    def __init__(self):
        self.users = {u.pk: u for u in User.objects.filter(is_active=True,
                                                           role__in=INTERNAL_ROLES)
                      .only("pk", "role", "email", "remind_by_email", "is_active")}

    def writers(self, domain: str) -> list[User]:
        return [u for u in self.users.values() if domain in WRITE_DOMAINS.get(u.role, ())]

    def for_deadline(self, deadline: Deadline) -> list[User]:
        model = DEADLINE_SOURCES[deadline.kind].model if deadline.kind in DEADLINE_SOURCES \
            else None
        domain = model.permission_domain if model is not None else "registry"
        owner = self.users.get(deadline.owner_id)
        if owner is not None and role_allows(owner.role, "view", domain):
            return [owner]
        return self.writers(domain)


def send_deadline_reminders(today: date, *, kinds=None) -> dict:
    """Notify about every deadline in a reminder window; returns counts for the job's result."""
    offsets = reminder_offsets()
    wanted = set(kinds) if kinds else set(DEADLINE_SOURCES) - KINDS_REMINDED_ELSEWHERE
    deadlines = deadlines_between(user=None, start=today - timedelta(days=overdue_days()),
                                  end=today + timedelta(days=offsets[0]), kinds=wanted)
    recipients = Recipients()
    items, per_window = [], defaultdict(int)
    for deadline in deadlines:
        window = reminder_window(deadline.day, today, offsets)
        if window is None:
            continue
        per_window[window] += 1
        prefix = "Overdue" if window == "overdue" else deadline.label
        for user in recipients.for_deadline(deadline):
            items.append((user.pk, {
                "kind": deadline.kind, "title": f"{prefix}: {deadline.title}",
                "body": _when(deadline.day, today),
                "url": deadline.url, "key": f"{deadline.key}:{window}",
                "email": bool(user.remind_by_email and user.email),
            }))
    created = notify_many(items)
    emails = send_email_digests()
    return {"deadlines": sum(per_window.values()), "notifications": created, "emails": emails,
            "windows": dict(per_window)}
