"""Board jobs: generating one report, and the monthly report of the schedule.

The schedule runs daily (core.schedule knows days, not months) and makes a report only when
this month's is owed: on TETHER_BOARD_REPORT_DAY (1 by default), or the first day after it a
worker runs. Its time can be changed or turned off like any other schedule with
TETHER_SCHEDULES, e.g. `board.monthly_report=07:00` or `board.monthly_report=off`.
"""

from datetime import time

from django.conf import settings
from django.utils import timezone

from tether.board.services import (
    GENERATE_JOB,
    SCHEDULE_NAME,
    board_report_generate,
    board_report_scheduled,
)
from tether.core.jobs import job_kind
from tether.core.schedule import scheduled


@job_kind(GENERATE_JOB)
def generate_job(job, progress) -> dict:
    """Generate the report `params["report"]` (repeatable: see board_report_generate)."""
    return board_report_generate(job.params["report"], progress=progress)


def report_day() -> int:
    day = int(getattr(settings, "TETHER_BOARD_REPORT_DAY", 1))
    if not 1 <= day <= 28:
        raise ValueError(f"TETHER_BOARD_REPORT_DAY must be a day from 1 to 28, not {day}.")
    return day


@scheduled(SCHEDULE_NAME, daily_at=time(5, 30), title="Monthly board report")
def monthly_report_job(job, progress) -> dict:
    return board_report_scheduled(job=job, today=timezone.localdate(), day_of_month=report_day(),
                                  progress=progress)
