"""Notifications: personal messages in the navbar bell, and the e-mail digest that carries them.

`notify` writes one notification per person and key, at most once (a second call with the
same key does nothing), so reminder jobs can run again safely. With `email=True` the
notification also waits for the next e-mail digest, for those who want reminders by e-mail;
`send_email_digests` (run by the reminder job) sends each person one e-mail with everything
waiting for them.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tether.core.models import Notification, User


def _clip(text: str, limit: int) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notify(users: Iterable, *, kind: str, title: str, body: str = "", url: str = "",
           key: str = "", email: bool = False) -> int:
    """Notify each user once per key; returns how many notifications were new.

    `users` are User objects or ids. A blank key makes the notification unique.
    """
    recipients = [u if isinstance(u, User) else None for u in users]
    ids = {u.pk if isinstance(u, User) else int(u) for u in users}
    if not ids:
        return 0
    key = _clip(key or f"once:{uuid.uuid4()}", 200)
    wants_email = set()
    if email:
        known = {u.pk: u for u in recipients if u is not None}
        if ids <= set(known):
            wants_email = {pk for pk, u in known.items() if u.remind_by_email and u.email}
        else:
            wants_email = set(User.objects.filter(pk__in=ids, remind_by_email=True)
                              .exclude(email="").values_list("pk", flat=True))
    existing = set(Notification.objects.filter(recipient_id__in=ids, key=key)
                   .values_list("recipient_id", flat=True))
    now = timezone.now()
    rows = [Notification(recipient_id=pk, kind=_clip(kind, 40),
                         title=_clip(title, Notification.TITLE_MAX),
                         body=_clip(body, Notification.BODY_MAX), url=_clip(url, 500), key=key,
                         created=now, email_pending=pk in wants_email)
            for pk in sorted(ids - existing)]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def notify_many(items: Iterable[tuple[int, dict]]) -> int:
    """Bulk `notify` for many (user id, fields) pairs in a few queries; fields as for notify,
    with "email" meaning the user wants it by e-mail. Returns how many were new."""
    items = [(pk, fields) for pk, fields in items]
    if not items:
        return 0
    wanted = {(pk, fields["key"]) for pk, fields in items}
    users = {pk for pk, _ in items}
    keys = {key for _, key in wanted}
    existing = set(Notification.objects.filter(recipient_id__in=users, key__in=keys)
                   .values_list("recipient_id", "key"))
    now = timezone.now()
    rows, seen = [], set()
    for pk, fields in items:
        identity = (pk, fields["key"])
        if identity in existing or identity in seen:
            continue
        seen.add(identity)
        rows.append(Notification(
            recipient_id=pk, kind=_clip(fields["kind"], 40),
            title=_clip(fields["title"], Notification.TITLE_MAX),
            body=_clip(fields.get("body", ""), Notification.BODY_MAX),
            url=_clip(fields.get("url", ""), 500), key=_clip(fields["key"], 200), created=now,
            email_pending=bool(fields.get("email"))))
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def notification_list(*, user):
    """The user's own notifications, newest first (nobody sees another's)."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def unread_count(*, user) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


def mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notifications read (or all of them, pk None); returns how many."""
    unread = notification_list(user=user).filter(read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


def set_email_preference(*, user, remind_by_email: bool) -> None:
    """The user's own choice; not a change to the register, so not in the audit trail."""
    User.objects.filter(pk=user.pk).update(remind_by_email=remind_by_email)
    user.remind_by_email = remind_by_email
    if not remind_by_email:
        Notification.objects.filter(recipient_id=user.pk, email_pending=True).update(
            email_pending=False)


def absolute_url(url: str) -> str:
    base = getattr(settings, "TETHER_BASE_URL", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


def send_email_digests() -> int:
    """One e-mail per person with every notification waiting for e-mail; returns e-mails sent.

    Each person's batch is taken and marked in one transaction and the e-mail is sent inside
    it: a failed send leaves the batch waiting for the next run.
    """
    pending = (Notification.objects.filter(email_pending=True, recipient__is_active=True,
                                           recipient__remind_by_email=True)
               .exclude(recipient__email="")
               .select_related("recipient").order_by("recipient_id", "created", "id"))
    batches: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending:
        batches[notification.recipient_id].append(notification)
    sent = 0
    connection = get_connection()
    for batch in batches.values():
        recipient = batch[0].recipient
        with transaction.atomic():
            taken = Notification.objects.filter(
                pk__in=[n.pk for n in batch], email_pending=True
            ).update(email_pending=False, emailed_at=timezone.now())
            if taken != len(batch):  # another run is sending the same batch
                transaction.set_rollback(True)
                continue
            _digest_message(recipient, batch, connection).send(fail_silently=False)
            sent += 1
    return sent


def _digest_message(recipient, batch: list[Notification], connection) -> EmailMessage:
    count = len(batch)
    subject = (f"Tether: {batch[0].title}" if count == 1
               else f"Tether: {count} reminders")
    body = render_to_string("tether/email/notification_digest.txt", {
        "recipient": recipient,
        "items": [(n, absolute_url(n.url)) for n in batch],
        "notifications_url": absolute_url(reverse("core:notification_list")),
    })
    return EmailMessage(_clip(subject.replace("\n", " ").replace("\r", " "), 180), body,
                        settings.DEFAULT_FROM_EMAIL, [recipient.email], connection=connection)
