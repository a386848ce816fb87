"""Generating a report: the job, the PDF, the audit trail, the monthly schedule."""

import io
from datetime import date, time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from pypdf import PdfReader

from tether.board.choices import ReportStatus, ReportTrigger
from tether.board.figures import SECTIONS
from tether.board.models import BoardReport
from tether.board.services import (
    SCHEDULE_NAME,
    board_report_due,
    board_report_request,
    board_report_scheduled,
)
from tether.core.models import AuditEntry, Job, JobStatus
from tether.core.roles import Role
from tether.core.schedule import SCHEDULES, effective_schedules, enqueue_due_schedules

pytestmark = pytest.mark.django_db


def _generate(user, django_capture_on_commit_callbacks, **kwargs) -> BoardReport:
    with django_capture_on_commit_callbacks(execute=True):
        report = board_report_request(actor=user, **kwargs)
    report.refresh_from_db()
    return report


def pdf_text(report: BoardReport) -> str:
    with report.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_generating_files_the_figures_and_a_pdf(portfolio, users,
                                                django_capture_on_commit_callbacks):
    officer = users[Role.RISK_OFFICER]
    report = _generate(officer, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.READY and report.requested_by == officer
    assert report.trigger == ReportTrigger.USER and report.as_of == portfolio.today
    assert report.figures["portfolio"]["critical"] == 1
    assert len(report.pdf_sha256) == 64
    job = Job.objects.get(pk=report.job_id)
    assert job.status == JobStatus.SUCCEEDED and job.result["report"] == report.pk


def test_the_pdf_holds_every_section_and_the_figures(portfolio, users,
                                                     django_capture_on_commit_callbacks):
    text = pdf_text(_generate(users[Role.ADMIN], django_capture_on_commit_callbacks))
    for _key, title, _f in SECTIONS:
        assert title in text
    assert "Data leak at Alpha" in text and "Rotate the backup keys" in text
    assert "6,250" in text  # the HHI of spend by provider
    assert "400,000.00 EUR" in text


def test_generation_is_in_the_audit_trail(portfolio, users, django_capture_on_commit_callbacks):
    officer = users[Role.RISK_OFFICER]
    report = _generate(officer, django_capture_on_commit_callbacks)
    entries = list(AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(BoardReport),
        object_id=str(report.pk)).order_by("sequence"))
    assert [e.action for e in entries] == ["create", "update"]
    assert all(e.actor_id == officer.pk for e in entries)
    assert entries[0].source == "web" and entries[1].source == "job"
    assert entries[1].after["status"] == "ready"
    assert entries[1].after["pdf_sha256"] == report.pdf_sha256
    assert "figures" not in entries[1].after


def test_a_report_dated_in_the_future_is_refused(users):
    with pytest.raises(ValidationError, match="future"):
        board_report_request(actor=users[Role.ADMIN],
                             as_of=timezone.localdate().replace(year=timezone.localdate().year
                                                                + 1))


def test_a_failed_generation_is_recorded(portfolio, users, monkeypatch,
                                         django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("the printer is on fire")

    monkeypatch.setattr("tether.board.services.board_pdf", broken)
    report = _generate(users[Role.ADMIN], django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.FAILED and "printer" in report.error
    assert Job.objects.get(pk=report.job_id).status == JobStatus.FAILED


def test_the_monthly_schedule_is_declared_and_configurable(settings):
    assert SCHEDULE_NAME in SCHEDULES
    assert SCHEDULES[SCHEDULE_NAME].daily_at == time(5, 30)
    settings.TETHER_SCHEDULES = {SCHEDULE_NAME: "off"}
    assert not next(s for s in effective_schedules() if s.name == SCHEDULE_NAME).enabled
    settings.TETHER_SCHEDULES = {SCHEDULE_NAME: "07:15"}
    assert next(s for s in effective_schedules()
                if s.name == SCHEDULE_NAME).daily_at == time(7, 15)


def test_the_schedule_files_a_report_by_the_system(portfolio, settings,
                                                   django_capture_on_commit_callbacks):
    settings.TETHER_SCHEDULES = {name: "off" for name in SCHEDULES if name != SCHEDULE_NAME}
    with django_capture_on_commit_callbacks(execute=True):
        queued = enqueue_due_schedules()
    assert queued == [SCHEDULE_NAME]
    report = BoardReport.objects.get()
    assert report.trigger == ReportTrigger.SCHEDULE and report.requested_by is None
    assert report.status == ReportStatus.READY
    assert report.figures["exit"]["critical"] == 1  # the whole portfolio, as an executive
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(BoardReport)).first()
    assert entry.actor_id is None and entry.actor_name == "system"
    assert Job.objects.get(pk=report.job_id).status == JobStatus.SUCCEEDED
    assert "the monthly schedule" in pdf_text(report)


def test_the_schedule_makes_one_report_a_month(db):
    today = timezone.localdate()
    first = board_report_scheduled(today=today, day_of_month=1)
    assert first["status"] == ReportStatus.READY
    assert "skipped" in board_report_scheduled(today=today, day_of_month=1)
    assert BoardReport.objects.count() == 1


def test_the_schedule_waits_for_its_day_and_makes_up_a_missed_one(db):
    assert not board_report_due(date(2026, 3, 4), day_of_month=5)
    assert board_report_due(date(2026, 3, 5), day_of_month=5)
    assert board_report_due(date(2026, 3, 9), day_of_month=5)  # the 5th was missed


def test_a_failed_scheduled_report_is_tried_again(db):
    BoardReport.objects.create(as_of=date(2026, 3, 1), trigger=ReportTrigger.SCHEDULE,
                               status=ReportStatus.FAILED)
    assert board_report_due(date(2026, 3, 2), day_of_month=1)
    BoardReport.objects.create(as_of=date(2026, 3, 2), trigger=ReportTrigger.SCHEDULE,
                               status=ReportStatus.READY)
    assert not board_report_due(date(2026, 3, 3), day_of_month=1)


def test_the_report_day_setting_is_checked(settings):
    from tether.board.tasks import report_day

    settings.TETHER_BOARD_REPORT_DAY = 31
    with pytest.raises(ValueError, match="TETHER_BOARD_REPORT_DAY"):
        report_day()



def test_the_command_generates_a_report_at_once(portfolio):
    out = io.StringIO()
    call_command("board_report", "--as-of", portfolio.today.isoformat(), stdout=out)
    report = BoardReport.objects.get()
    assert report.status == ReportStatus.READY and report.job is None
    assert report.trigger == ReportTrigger.SCHEDULE and "Ready" in out.getvalue()


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("board_report", "--as-of", "31/01/2026")
    with pytest.raises(CommandError, match="future"):
        call_command("board_report", "--as-of", "2999-01-01")
