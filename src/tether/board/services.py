"""Writes of the board app: asking for a pack, generating it (the job's work), the schedule.

Every change of a report is in the audit trail. The entries name the PDF by its SHA-256 and
leave out the figures themselves: the report keeps them, the trail proves which file was filed.
"""

import hashlib
import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from tether.board.choices import PENDING_STATUSES, ReportStatus, ReportTrigger
from tether.board.figures import SECTIONS, board_figures, portfolio_reader
from tether.board.models import BoardReport
from tether.board.pdf import board_pdf
from tether.core.audit import BulkChange, record_bulk, snapshot
from tether.core.jobs import job_enqueue
from tether.core.models import AuditAction

logger = logging.getLogger(__name__)

GENERATE_JOB = "board.generate"
SCHEDULE_NAME = "board.monthly_report"
OMITTED = ("figures",)


def _audit_values(report: BoardReport) -> dict:
    values = snapshot(report)
    for name in OMITTED:
        values.pop(name, None)
    return values


def _audit(*, actor, report: BoardReport, action: str, before: dict | None,
           source: str) -> None:
    record_bulk(actor=actor, model=BoardReport, source=source, changes=[BulkChange(
        report.pk, str(report), action, before, _audit_values(report))])


def board_report_request(*, actor, as_of: date | None = None,
                         trigger: str = ReportTrigger.USER, source: str = "web",
                         job=None, queue: bool = True) -> BoardReport:
    """Record a report to generate as of a day (today by default) and queue its job (or
    tie it to the `job` already doing the work: the schedule's; with queue=False, the
    caller generates it at once, as the command does)."""
    as_of = as_of or timezone.localdate()
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": "A board report cannot be dated in the future."})
    requester = actor if actor is not None and actor.pk else None
    with transaction.atomic():
        report = BoardReport.objects.create(as_of=as_of, trigger=trigger,
                                            requested_by=requester)
        if job is None and queue:
            job = job_enqueue(kind=GENERATE_JOB, title=str(report), actor=requester,
                              params={"report": report.pk})
        if job is not None:
            report.job = job
            report.save(update_fields=["job", "last_updated"])
        _audit(actor=requester, report=report, action=AuditAction.CREATE, before=None,
               source=source)
    return report


def board_report_generate(report_id: int, *, progress=None) -> dict:
    """Gather the figures, draw the PDF and file both (the job's work).

    Repeatable: a ready report is left alone; one interrupted half-way is generated anew.
    """
    report = BoardReport.objects.select_related("requested_by").get(pk=report_id)
    if report.status == ReportStatus.READY:
        return {"report": report.pk, "status": report.status}
    BoardReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    reader = report.requested_by or portfolio_reader()
    before = _audit_values(report)
    if progress:
        progress.total(len(SECTIONS) + 1)
    try:
        figures = board_figures(user=reader, as_of=report.as_of,
                                progress=progress.advance if progress else None)
        if progress:
            progress.advance(len(SECTIONS), "Drawing the PDF")
        generated_at = timezone.now()
        data = board_pdf(figures, title=str(report), generated=_generated_line(
            report, generated_at))
    except Exception as error:
        logger.exception("Board report %s failed", report.pk)
        with transaction.atomic():
            report.status, report.error = ReportStatus.FAILED, str(error)[:2000]
            report.save(update_fields=["status", "error", "last_updated"])
            _audit(actor=report.requested_by, report=report, action=AuditAction.UPDATE,
                   before=before, source="job")
        raise
    with transaction.atomic():
        if report.pdf:
            report.pdf.delete(save=False)
        report.pdf.save(report.filename, ContentFile(data), save=False)
        report.figures, report.generated_at = figures, generated_at
        report.status, report.error = ReportStatus.READY, ""
        report.pdf_sha256 = hashlib.sha256(data).hexdigest()
        report.save(update_fields=["pdf", "figures", "generated_at", "status", "error",
                                   "pdf_sha256", "last_updated"])
        _audit(actor=report.requested_by, report=report, action=AuditAction.UPDATE,
               before=before, source="job")
    return {"report": report.pk, "status": report.status, "bytes": len(data)}


def _generated_line(report: BoardReport, moment) -> str:
    return (f"Figures as of {report.as_of:%Y-%m-%d}; generated "
            f"{date_format(timezone.localtime(moment), 'Y-m-d H:i')} by {report.generated_by}.")


def board_report_due(today: date, *, day_of_month: int) -> bool:
    """Whether the schedule owes this month's report: its day has come and none was made yet
    (a day missed while every worker was down is made up the next day one runs)."""
    if today.day < day_of_month:
        return False
    return not BoardReport.objects.filter(
        trigger=ReportTrigger.SCHEDULE, as_of__year=today.year, as_of__month=today.month,
    ).exclude(status=ReportStatus.FAILED).exists()


def board_report_scheduled(*, job=None, today: date | None = None, day_of_month: int = 1,
                           progress=None) -> dict:
    """The schedule's work: this month's report, made and generated at once, if owed."""
    today = today or timezone.localdate()
    if not board_report_due(today, day_of_month=day_of_month):
        return {"skipped": "this month's report exists or its day has not come"}
    report = board_report_request(actor=None, as_of=today, trigger=ReportTrigger.SCHEDULE,
                                  source="schedule", job=job)
    return board_report_generate(report.pk, progress=progress)


def pending(report: BoardReport) -> bool:
    return report.status in PENDING_STATUSES
