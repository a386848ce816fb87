"""The periodic jobs of Tether, declared in one place at the top of the import order.

Times are local (TIME_ZONE) and can be changed or turned off with TETHER_SCHEDULES; see
docs/background-jobs.md. Every job here can run twice without doing anything twice.
"""

from datetime import time

from django.utils import timezone

from tether.core.schedule import scheduled
from tether.deadlines.reminders import send_deadline_reminders


@scheduled("deadlines.reminders", daily_at=time(6, 0), title="Deadline reminders")
def deadline_reminders_job(job, progress):
    progress.step("Looking for deadlines to remind")
    return send_deadline_reminders(timezone.localdate())


@scheduled("documents.expiry_reminders", daily_at=time(6, 5),
           title="Document expiry reminders")
def document_reminders_job(job, progress):
    from tether.documents.reminders import send_expiry_reminders

    return {"sent": send_expiry_reminders(timezone.localdate())}


@scheduled("diligence.questionnaire_reminders", daily_at=time(6, 10),
           title="Questionnaire reminders")
def questionnaire_reminders_job(job, progress):
    from tether.diligence.reminders import send_questionnaire_reminders

    return {"sent": send_questionnaire_reminders(timezone.localdate())}


@scheduled("dependence.concentration_snapshot", daily_at=time(2, 30),
           title="Concentration snapshot")
def concentration_snapshot_job(job, progress):
    from tether.dependence.services import concentration_snapshot_take

    return {"figures": concentration_snapshot_take()}
