"""The reminder job: the right windows, the right people, never twice, one digest each."""

import io
from datetime import timedelta

import pytest
from django.core import mail

from tether.core.deadlines import DEADLINE_SOURCES
from tether.core.models import Notification
from tether.core.roles import Role
from tether.deadlines.reminders import reminder_offsets, reminder_window, send_deadline_reminders

pytestmark = pytest.mark.django_db
KINDS = {"notice", "contract_end", "document_expiry", "questionnaire_due", "exit_plan_review"}


@pytest.fixture(autouse=True)
def only_this_apps_sources(monkeypatch):
    """Other apps' sources (reviews derives review dates from arrangements) stay out of the
    counts here; they are reminded by the same code."""
    for kind in set(DEADLINE_SOURCES) - KINDS:
        monkeypatch.delitem(DEADLINE_SOURCES, kind)


@pytest.fixture
def emails(users):
    for user in users.values():
        user.email = f"{user.username}@example.com"
        user.save()
    return users


def test_windows(today):
    offsets = (30, 7, 1)
    assert reminder_window(today + timedelta(days=31), today, offsets) is None
    assert reminder_window(today + timedelta(days=30), today, offsets) == "30"
    assert reminder_window(today + timedelta(days=8), today, offsets) == "30"
    assert reminder_window(today + timedelta(days=7), today, offsets) == "7"
    assert reminder_window(today + timedelta(days=1), today, offsets) == "1"
    assert reminder_window(today, today, offsets) == "1"
    assert reminder_window(today - timedelta(days=1), today, offsets) == "overdue"


def test_offsets_from_settings(settings):
    settings.TETHER_REMINDER_DAYS = "14, 60,3"
    assert reminder_offsets() == (60, 14, 3)
    settings.TETHER_REMINDER_DAYS = "soon"
    with pytest.raises(ValueError, match="TETHER_REMINDER_DAYS"):
        reminder_offsets()


def test_reminders_go_to_owners_or_the_domains_writers(objects, emails, today):
    result = send_deadline_reminders(today)
    manager = emails[Role.VENDOR_MANAGER]
    mine = {n.key: n for n in Notification.objects.filter(recipient=manager)}
    arrangement, campaign, plan = objects["arrangement"], objects["campaign"], objects["plan"]
    notice_key = f"notice:arrangement:{arrangement.pk}:{arrangement.notice_deadline:%Y%m%d}"
    # The owner of the arrangement: its notice deadline (in the 7-day window).
    assert mine[f"{notice_key}:7"].title == (
        f"Last day to give notice: {arrangement.reference} · Cloud hosting")
    assert "in 7 days" in mine[f"{notice_key}:7"].body
    # The contract end (37 days) is not in a window yet; the document's expiry is reminded
    # by the documents app, not twice.
    assert not any(key.startswith("contract_end") for key in mine)
    assert not any(key.startswith("document_expiry") for key in mine)
    # The campaign has no owner: every writer of due diligence, the executive none.
    campaign_key = f"questionnaire_due:campaign:{campaign.pk}:{campaign.due_date:%Y%m%d}:1"
    holders = set(Notification.objects.filter(key=campaign_key)
                  .values_list("recipient__role", flat=True))
    assert holders == {Role.ADMIN, Role.VENDOR_MANAGER, Role.RISK_OFFICER,
                       Role.SECURITY_OFFICER}
    # The exit plan is overdue: reminded once as such, to those who write exit plans.
    overdue = Notification.objects.filter(key__startswith=f"exit_plan_review:exitplan:"
                                          f"{plan.pk}:", key__endswith=":overdue")
    assert {n.recipient.role for n in overdue} == {Role.ADMIN, Role.VENDOR_MANAGER,
                                                   Role.RISK_OFFICER}
    assert overdue[0].title.startswith("Overdue: Exit plan · ")
    assert not Notification.objects.filter(recipient__role__in=[
        Role.EXECUTIVE, Role.AUDITOR, Role.PROVIDER_CONTACT]).exists()
    assert result["windows"] == {"7": 1, "1": 1, "overdue": 1}


def test_second_run_sends_nothing_again(objects, emails, today):
    first = send_deadline_reminders(today)
    count = Notification.objects.count()
    sent = len(mail.outbox)
    second = send_deadline_reminders(today)
    assert first["notifications"] == count > 0 and first["emails"] == sent > 0
    assert second["notifications"] == 0 and second["emails"] == 0
    assert Notification.objects.count() == count and len(mail.outbox) == sent


def test_the_next_window_is_reminded_again(objects, emails, today):
    send_deadline_reminders(today)
    manager = emails[Role.VENDOR_MANAGER]
    before = Notification.objects.filter(recipient=manager).count()
    # Six days later the notice deadline is tomorrow: the 1-day window, a new reminder.
    send_deadline_reminders(today + timedelta(days=6))
    keys = set(Notification.objects.filter(recipient=manager).values_list("key", flat=True))
    assert any(key.startswith("notice:") and key.endswith(":1") for key in keys)
    assert len(keys) > before


def test_one_digest_per_person_with_every_reminder(objects, emails, today, settings):
    settings.TETHER_BASE_URL = "https://tether.example"
    send_deadline_reminders(today)
    manager = emails[Role.VENDOR_MANAGER]
    to_manager = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(to_manager) == 1
    message = to_manager[0]
    assert message.subject == "Tether: 3 reminders"
    arrangement = objects["arrangement"]
    assert f"Last day to give notice: {arrangement.reference} · Cloud hosting" in message.body
    assert f"https://tether.example{arrangement.get_absolute_url()}" in message.body
    assert "Questionnaire answers due: Security 2026" in message.body
    assert "Overdue: Exit plan" in message.body
    assert "https://tether.example/notifications/" in message.body
    # Everyone reminded got exactly one e-mail.
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients))


def test_no_email_for_those_who_turned_it_off(objects, emails, today):
    manager = emails[Role.VENDOR_MANAGER]
    manager.remind_by_email = False
    manager.save()
    send_deadline_reminders(today)
    assert Notification.objects.filter(recipient=manager).exists()
    assert manager.email not in [m.to[0] for m in mail.outbox]


def test_a_run_killed_before_its_emails_sends_them_next_time(objects, emails, today,
                                                               monkeypatch):
    from tether.deadlines import reminders

    monkeypatch.setattr(reminders, "send_email_digests", lambda: 0)
    send_deadline_reminders(today)  # "killed" after the notifications, before the e-mails
    assert mail.outbox == []
    monkeypatch.undo()
    result = send_deadline_reminders(today)
    assert result["notifications"] == 0 and result["emails"] == len(mail.outbox) > 0


def test_hostile_titles_stay_plain_text_in_the_email(users, emails, today):
    from tests.factories import ArrangementFactory

    ArrangementFactory(title='<script>alert(1)</script>\r\nBcc: x@evil.example',
                       owner=emails[Role.VENDOR_MANAGER], end_date=today + timedelta(days=37),
                       notice_period_entity_days=30)
    send_deadline_reminders(today)
    message, = mail.outbox
    assert "<script>alert(1)</script>" in message.body  # text e-mail: not HTML-escaped
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.to == [emails[Role.VENDOR_MANAGER].email]


def test_the_daily_schedule_runs_the_reminders(objects, emails, settings,
                                               django_capture_on_commit_callbacks):
    from django.utils import timezone

    from tether.core.models import Job, JobStatus
    from tether.core.schedule import SCHEDULES, enqueue_due_schedules

    assert {"deadlines.reminders", "documents.expiry_reminders",
            "diligence.questionnaire_reminders",
            "dependence.concentration_snapshot"} <= set(SCHEDULES)
    settings.TETHER_SCHEDULES = {name: "off" for name in SCHEDULES
                                 if name != "deadlines.reminders"}
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_due_schedules(timezone.now()) == ["deadlines.reminders"]
    job = Job.objects.get(kind="deadlines.reminders")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["notifications"] == Notification.objects.count() > 0


def test_the_command(objects, emails):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("deadline_reminders", stdout=out)
    assert "3 deadline(s) in a reminder window" in out.getvalue()
    assert Notification.objects.exists()


def test_document_expiry_reminder_also_rings_the_bell(users, emails, objects, today):
    from django.core.management import call_command

    document = objects["document"]  # expires in 30 days; reminded 30 days before
    call_command("document_reminders", stdout=io.StringIO())
    call_command("document_reminders", stdout=io.StringIO())
    bell = Notification.objects.filter(key__startswith=f"document_expiry:document:{document.pk}:")
    assert {n.recipient.username for n in bell} == {
        emails[Role.SECURITY_OFFICER].username, emails[Role.VENDOR_MANAGER].username}
    assert bell.count() == 2  # once each, although the command ran twice
