"""The navbar bell: the unread count, one query per request at most."""

from django import template

from tether.core.notifications import unread_count

register = template.Library()


@register.inclusion_tag("tether/notifications/bell.html", takes_context=True)
def notification_bell(context, oob: bool = False):
    """The bell; with oob=True, for an htmx answer to replace the bell already on the page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_internal:
        return {"show": False}
    if not hasattr(request, "_tether_unread_notifications"):
        request._tether_unread_notifications = unread_count(user=user)
    return {"show": True, "unread": request._tether_unread_notifications, "oob": oob}
