from django.db import models


class CalendarFeed(models.Model):
    """A user's secret calendar address: calendar programs subscribe to it without signing in.

    Only the token's SHA-256 is stored, so the address is shown once, when it is made; a new
    one replaces it, and deleting the feed stops it. The feed shows what its user's role may
    see at the time it is read, never more.
    """

    user = models.OneToOneField("core.User", on_delete=models.CASCADE,
                                related_name="calendar_feed")
    token_digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Calendar subscription of {self.user}"
