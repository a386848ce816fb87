"""Each person's notifications (the bell), and the schedules of periodic jobs."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from tether.core.models import Job
from tether.core.notifications import (
    mark_read,
    notification_list,
    set_email_preference,
    unread_count,
)
from tether.core.schedule import schedule_status

PAGE_SIZE = 50


class InternalUserMixin:
    """Notifications are for internal users; provider contacts have no internal pages."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_internal:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _page_context(request, *, only_unread: bool) -> dict:
    notifications = notification_list(user=request.user)
    if only_unread:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "only_unread": only_unread,
            "unread": unread_count(user=request.user)}


class NotificationListView(InternalUserMixin, View):
    def get(self, request):
        context = _page_context(request, only_unread=request.GET.get("unread") == "1")
        template = ("tether/notifications/list_inc.html" if request.htmx
                    and request.htmx.target == "notifications" else
                    "tether/notifications/list.html")
        return render(request, template, context)


class NotificationReadView(InternalUserMixin, View):
    """POST: mark one notification read (pk) or all of them; htmx gets the list back."""

    def post(self, request, pk=None):
        if pk is not None and not notification_list(user=request.user).filter(pk=pk).exists():
            raise Http404  # someone else's, or none: the same answer
        mark_read(user=request.user, pk=pk)
        if request.htmx:
            context = _page_context(request, only_unread=request.POST.get("unread") == "1")
            context["update_bell"] = True
            return render(request, "tether/notifications/list_inc.html", context)
        return redirect("core:notification_list")


class NotificationPreferenceView(InternalUserMixin, View):
    def post(self, request):
        set_email_preference(user=request.user,
                             remind_by_email=request.POST.get("remind_by_email") == "on")
        return redirect("core:notification_list")


class ScheduleListView(View):
    """The periodic jobs: when they run, their last run and the next."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.can("view", Job):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "tether/schedule_list.html",
                      {"schedules": schedule_status(), "now": timezone.now()})
