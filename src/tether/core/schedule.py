"""Schedules: background jobs queued periodically by whichever worker gets there first.

An app declares a schedule once, on the function that does the work:

    @scheduled("deadlines.reminders", daily_at=time(6, 0), title="Deadline reminders")
    def send_reminders(job, progress): ...

The function becomes a job kind (`core.jobs`). Every `tether worker` (and so the in-process
worker of `tether serve`) calls `enqueue_due_schedules` every 30 seconds. For each schedule
it looks at the latest slot that has started (today 06:00, or the current 15-minute period)
and claims it by inserting a `ScheduledRun(name, slot_start)` row, unique on both: with many
workers on many machines the first insert wins and the others get an IntegrityError, so each
slot is queued exactly once. Only the latest slot is ever claimed, so slots missed while every
worker was down collapse into one run when a worker comes back.

Times come from the code and can be changed or turned off by TETHER_SCHEDULES, e.g.
`deadlines.reminders=07:30,dependence.concentration_snapshot=off,x.y=every:900`.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from tether.core.jobs import JOB_KINDS, job_enqueue
from tether.core.models import ScheduledRun

logger = logging.getLogger(__name__)

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
KEEP_RUNS = timedelta(days=60)


@dataclass(frozen=True)
class Schedule:
    name: str
    title: str
    every: timedelta | None = None
    daily_at: time | None = None
    enabled: bool = True

    def slot_start(self, now: datetime) -> datetime:
        """The start of the latest slot that has begun at `now`."""
        if self.daily_at is not None:
            local = timezone.localtime(now)
            start = timezone.make_aware(datetime.combine(local.date(), self.daily_at))
            if start > now:
                start = timezone.make_aware(
                    datetime.combine(local.date() - timedelta(days=1), self.daily_at))
            return start
        periods = (now - EPOCH) // self.every
        return EPOCH + periods * self.every

    def next_slot(self, now: datetime) -> datetime:
        if self.daily_at is not None:
            current = timezone.localtime(self.slot_start(now))
            return timezone.make_aware(
                datetime.combine(current.date() + timedelta(days=1), self.daily_at))
        return self.slot_start(now) + self.every

    @property
    def when(self) -> str:
        if not self.enabled:
            return "off"
        if self.daily_at is not None:
            return f"daily at {self.daily_at:%H:%M}"
        seconds = int(self.every.total_seconds())
        if seconds % 3600 == 0:
            return f"every {seconds // 3600} h"
        if seconds % 60 == 0:
            return f"every {seconds // 60} min"
        return f"every {seconds} s"


SCHEDULES: dict[str, Schedule] = {}


def scheduled(name: str, *, every: timedelta | None = None, daily_at: time | None = None,
              title: str = ""):
    """Declare `function(job, progress)` as a job kind queued on a schedule.

    Exactly one of `every` (a period, at least a minute) or `daily_at` (local time).
    """
    if (every is None) == (daily_at is None):
        raise ValueError(f"Schedule {name!r} needs exactly one of every= or daily_at=.")
    if every is not None and every < timedelta(minutes=1):
        raise ValueError(f"Schedule {name!r} runs too often: the shortest period is a minute.")

    def register(function: Callable) -> Callable:
        JOB_KINDS[name] = function
        SCHEDULES[name] = Schedule(name=name, title=title or name, every=every,
                                   daily_at=daily_at)
        return function

    return register


_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_EVERY = re.compile(r"^every:(\d+)$")


def parse_override(name: str, value: str, schedule: Schedule) -> Schedule:
    """Apply one TETHER_SCHEDULES value: "off", "HH:MM" or "every:SECONDS"."""
    value = str(value).strip().lower()
    if value in ("off", "false", "disabled", "no"):
        return replace(schedule, enabled=False)
    if value in ("on", "true", "default", ""):
        return schedule
    if match := _TIME.match(value):
        return replace(schedule, daily_at=time(int(match[1]), int(match[2])), every=None)
    if (match := _EVERY.match(value)) and int(match[1]) >= 60:
        return replace(schedule, every=timedelta(seconds=int(match[1])), daily_at=None)
    raise ValueError(f"TETHER_SCHEDULES: {name}={value!r} is not 'off', 'HH:MM' or "
                     "'every:SECONDS' (60 or more).")


def _overrides() -> dict[str, str]:
    raw = getattr(settings, "TETHER_SCHEDULES", {}) or {}
    if isinstance(raw, str):
        raw = dict(part.split("=", 1) for part in raw.split(",") if "=" in part)
    return {str(k).strip(): v for k, v in raw.items()}


def effective_schedules() -> list[Schedule]:
    """Every declared schedule with the settings applied, by name."""
    overrides = _overrides()
    unknown = set(overrides) - set(SCHEDULES)
    if unknown:
        logger.warning("TETHER_SCHEDULES names unknown schedules: %s", ", ".join(sorted(unknown)))
    return [parse_override(name, overrides[name], schedule) if name in overrides else schedule
            for name, schedule in sorted(SCHEDULES.items())]


def enqueue_due_schedules(now: datetime | None = None) -> list[str]:
    """Queue the job of every schedule whose latest slot nobody has claimed; returns the names.

    Safe to call from any number of workers at once: the unique ScheduledRun row decides.
    """
    now = now or timezone.now()
    due = {s.name: (s, s.slot_start(now)) for s in effective_schedules() if s.enabled}
    if not due:
        return []
    taken = set(ScheduledRun.objects.filter(name__in=list(due))
                .filter(slot_start__in=[slot for _, slot in due.values()])
                .values_list("name", "slot_start"))
    queued = []
    for name, (schedule, slot) in due.items():
        if (name, slot) in taken:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=name, slot_start=slot, claimed=now)
                run.job = job_enqueue(kind=name, title=f"{schedule.title} (scheduled)",
                                      params={"slot": slot.isoformat()})
                run.save(update_fields=["job"])
        except IntegrityError:
            continue  # another worker claimed this slot first
        ScheduledRun.objects.filter(name=name, slot_start__lt=now - KEEP_RUNS).delete()
        queued.append(name)
    return queued


@dataclass(frozen=True)
class ScheduleStatus:
    schedule: Schedule
    last_run: ScheduledRun | None
    next_run: datetime | None


def schedule_status(now: datetime | None = None) -> list[ScheduleStatus]:
    """Each schedule with its last claimed slot (and job) and its next slot, in two queries."""
    now = now or timezone.now()
    schedules = effective_schedules()
    latest = dict(ScheduledRun.objects.filter(name__in=[s.name for s in schedules])
                  .values("name").annotate(last=Max("slot_start")).values_list("name", "last"))
    runs = {}
    if latest:
        condition = Q()
        for name, slot in latest.items():
            condition |= Q(name=name, slot_start=slot)
        runs = {run.name: run for run in ScheduledRun.objects.filter(condition)
                .select_related("job")}
    return [ScheduleStatus(s, runs.get(s.name), s.next_slot(now) if s.enabled else None)
            for s in schedules]
