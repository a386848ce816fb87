"""Calendar subscriptions: a secret address per user that calendar programs poll.

Calendar programs cannot sign in, so the address carries a random token (256 bits); the
database keeps only its SHA-256. Making, replacing and stopping a feed are in the audit trail.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tether.core.audit import record_change, snapshot
from tether.core.models import AuditAction
from tether.core.security import secret_digest
from tether.deadlines.models import CalendarFeed

# Calendar programs poll every few minutes to hours: "last used" to the hour is enough, and
# saves a write per poll.
LAST_USED_RESOLUTION = timedelta(hours=1)


@transaction.atomic
def feed_create(user, *, source: str = "web") -> str:
    """Give `user` a new secret address (replacing any earlier one); returns its token."""
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=user, token_digest=secret_digest(token))
        record_change(actor=user, instance=feed, action=AuditAction.CREATE, before=None,
                      source=source)
        return token
    before = snapshot(feed)
    feed.token_digest, feed.last_used = secret_digest(token), None
    feed.save(update_fields=["token_digest", "last_used"])
    record_change(actor=user, instance=feed, action=AuditAction.UPDATE, before=before,
                  source=source)
    return token


@transaction.atomic
def feed_stop(user, *, source: str = "web") -> bool:
    """Stop `user`'s calendar address; False if there was none."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return False
    before = snapshot(feed)
    record_change(actor=user, instance=feed, action=AuditAction.DELETE, before=before,
                  source=source)
    feed.delete()
    return True


def feed_user(token: str):
    """The active internal user whose address this is, or None."""
    if not token or len(token) > 100:
        return None
    feed = (CalendarFeed.objects.select_related("user")
            .filter(token_digest=secret_digest(token)).first())
    if feed is None or not feed.user.is_active or not feed.user.is_internal:
        return None
    now = timezone.now()
    if feed.last_used is None or now - feed.last_used >= LAST_USED_RESOLUTION:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used=now)
    return feed.user
