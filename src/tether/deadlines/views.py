"""Upcoming deadlines: a list by week, a month calendar, an iCalendar export and the secret
calendar address that calendar programs subscribe to."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from tether.core.deadlines import deadlines_between
from tether.deadlines import feeds
from tether.deadlines.forms import DeadlineFilterForm, filter_deadlines, parse_month
from tether.deadlines.grouping import by_week, month_bounds, month_grid, shift_month
from tether.deadlines.ics import calendar_text

ICS_DAYS_BACK, ICS_DAYS_AHEAD = 30, 365


class DeadlineViewMixin:
    """Any internal user; each source shows only what the user's role may see."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_internal:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def filtered(self, request, *, start=None, end=None):
        return filtered(request, request.user, start=start, end=end)


def filtered(request, user, *, start=None, end=None):
    """The filter form on the query, its criteria, and the deadlines `user` may see."""
    form = DeadlineFilterForm(request.GET or None, user=user)
    criteria = form.criteria()
    start, end = start or criteria["start"], end or criteria["end"]
    found = deadlines_between(user=user, start=start, end=end, kinds=criteria["kinds"])
    found = filter_deadlines(found, provider=criteria["provider"],
                             critical=criteria["critical"])
    return form, criteria, found


def calendar_response(request, user) -> HttpResponse:
    """`user`'s deadlines as .ics: the filters apply; without a range, from a month back to a
    year ahead, so a calendar program shows what is coming and what just passed."""
    today = timezone.localdate()
    given = "start" in request.GET or "end" in request.GET
    _, _, found = filtered(
        request, user, start=None if given else today - timedelta(days=ICS_DAYS_BACK),
        end=None if given else today + timedelta(days=ICS_DAYS_AHEAD))
    response = HttpResponse(calendar_text(found, now=timezone.now()),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tether-deadlines.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


class UpcomingView(DeadlineViewMixin, View):
    def get(self, request):
        form, criteria, found = self.filtered(request)
        context = {"form": form, "weeks": by_week(found), "count": len(found),
                   "start": criteria["start"], "end": criteria["end"],
                   "today": timezone.localdate(), "query": request.GET.urlencode()}
        template = ("deadlines/inc/upcoming_results.html"
                    if request.htmx and request.htmx.target == "results"
                    else "deadlines/upcoming.html")
        return render(request, template, context)


class CalendarView(DeadlineViewMixin, View):
    def get(self, request):
        today = timezone.localdate()
        month = parse_month(request.GET.get("month"), today)
        start, end = month_bounds(month)
        form, _, found = self.filtered(request, start=start, end=end)
        params = request.GET.copy()
        params.pop("month", None)
        context = {"form": form, "month": month, "weeks": month_grid(month, found, today),
                   "previous": shift_month(month, -1), "next": shift_month(month, 1),
                   "count": sum(1 for d in found if d.day.month == month.month),
                   "filters": params.urlencode(), "today": today}
        template = ("deadlines/inc/calendar_grid.html"
                    if request.htmx and request.htmx.target == "calendar"
                    else "deadlines/calendar.html")
        return render(request, template, context)


class CalendarExportView(DeadlineViewMixin, View):
    def get(self, request):
        return calendar_response(request, request.user)


class CalendarFeedView(View):
    """The secret calendar address: the token names the user (calendar programs cannot sign
    in), and the feed shows what that user's role may see now. An unknown, replaced or
    stopped address, or one of a deactivated user, answers 404."""

    def get(self, request, token):
        user = feeds.feed_user(token)
        if user is None:
            raise Http404("No such calendar.")
        response = calendar_response(request, user)
        response["X-Robots-Tag"] = "noindex"
        return response


FEED_FILTERS = ("kind", "provider", "critical")


def feed_filters(query: str) -> str:
    """The upcoming page's filters a calendar address can carry (not its date range: a feed
    always runs from a month back to a year ahead)."""
    given = QueryDict(query[:2000])
    kept = QueryDict(mutable=True)
    for name in FEED_FILTERS:
        values = [value for value in given.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


class SubscriptionView(DeadlineViewMixin, View):
    """Make, replace or stop one's calendar address; the address is shown once, when made."""

    template_name = "deadlines/subscription.html"

    def get(self, request):
        return render(request, self.template_name, self._context(request))

    def post(self, request):
        if request.POST.get("action") == "stop":
            if feeds.feed_stop(request.user):
                messages.success(request, "Your calendar address no longer works.")
            return redirect("deadlines:subscription")
        token = feeds.feed_create(request.user)
        address = request.build_absolute_uri(reverse("deadlines_feed", args=[token]))
        filters = feed_filters(request.POST.get("filters", ""))
        context = self._context(request) | {
            "address": address, "filtered_address": f"{address}?{filters}" if filters else ""}
        return render(request, self.template_name, context)

    def _context(self, request) -> dict:
        return {"feed": getattr(request.user, "calendar_feed", None),
                "filters": feed_filters(request.GET.get("filters", ""))}
