"""Upcoming deadlines: a list by week, a month calendar, and an iCalendar export."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from tether.core.deadlines import deadlines_between
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
        form = DeadlineFilterForm(request.GET or None, user=request.user)
        criteria = form.criteria()
        start, end = start or criteria["start"], end or criteria["end"]
        found = deadlines_between(user=request.user, start=start, end=end,
                                  kinds=criteria["kinds"])
        found = filter_deadlines(found, provider=criteria["provider"],
                                 critical=criteria["critical"])
        return form, criteria, found


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
    """The deadlines the user sees as .ics: the filters apply; without a range, from a month
    back to a year ahead, so a calendar program shows what is coming and what just passed."""

    def get(self, request):
        today = timezone.localdate()
        given = "start" in request.GET or "end" in request.GET
        _, _, found = self.filtered(
            request, start=None if given else today - timedelta(days=ICS_DAYS_BACK),
            end=None if given else today + timedelta(days=ICS_DAYS_AHEAD))
        body = calendar_text(found, now=timezone.now())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="tether-deadlines.ics"'
        return response
