"""Deadlines laid out for people: grouped by week, or on a month's calendar grid."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from tether.core.deadlines import Deadline


@dataclass
class Week:
    monday: date
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def by_week(deadlines: list[Deadline]) -> list[Week]:
    """Deadlines (sorted by day) in weeks from Monday, only weeks that have some."""
    weeks: list[Week] = []
    for deadline in deadlines:
        monday = deadline.day - timedelta(days=deadline.day.weekday())
        if not weeks or weeks[-1].monday != monday:
            weeks.append(Week(monday))
        weeks[-1].deadlines.append(deadline)
    return weeks


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    deadlines: list[Deadline]


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day shown on the month's grid (whole weeks, Monday first)."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


def month_grid(month: date, deadlines: list[Deadline], today: date) -> list[list[CalendarDay]]:
    start, end = month_bounds(month)
    on_day: dict[date, list[Deadline]] = {}
    for deadline in deadlines:
        on_day.setdefault(deadline.day, []).append(deadline)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    cells = [CalendarDay(d, d.month == month.month, d == today, on_day.get(d, [])) for d in days]
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]


def shift_month(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
