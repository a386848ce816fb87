"""Schedules: each slot queued once whatever the number of workers; missed slots collapse."""

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from tether.core import schedule as schedule_module
from tether.core.jobs import JOB_KINDS
from tether.core.models import Job, JobStatus, ScheduledRun
from tether.core.roles import Role
from tether.core.schedule import (
    Schedule,
    enqueue_due_schedules,
    parse_override,
    schedule_status,
    scheduled,
)

RUNS = []


@pytest.fixture
def schedules(monkeypatch):
    """Only this test's schedules exist; their jobs record that they ran."""
    monkeypatch.setattr(schedule_module, "SCHEDULES", {})
    RUNS.clear()

    def declare(name, **when):
        def work(job, progress):
            RUNS.append((name, job.params["slot"]))
            return {"ran": True}

        monkeypatch.setitem(JOB_KINDS, name, work)
        scheduled(name, title=f"Test {name}", **when)(work)
        JOB_KINDS[name] = work

    return declare


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def test_slots_daily_and_periodic():
    daily = Schedule("d", "D", daily_at=time(6, 0))
    assert daily.slot_start(at("2026-11-26 06:00")) == at("2026-11-26 06:00")
    assert daily.slot_start(at("2026-11-26 05:59")) == at("2026-11-25 06:00")
    assert daily.next_slot(at("2026-11-26 14:00")) == at("2026-11-27 06:00")
    every = Schedule("e", "E", every=timedelta(minutes=15))
    now = datetime(2026, 11, 26, 10, 44, 59, tzinfo=UTC)
    assert every.slot_start(now) == datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
    assert every.next_slot(now) == datetime(2026, 11, 26, 10, 45, tzinfo=UTC)
    assert daily.when == "daily at 06:00" and every.when == "every 15 min"


def test_declaring_needs_one_kind_of_time():
    with pytest.raises(ValueError, match="exactly one"):
        scheduled("x")
    with pytest.raises(ValueError, match="too often"):
        scheduled("x", every=timedelta(seconds=5))


@pytest.mark.django_db
def test_two_workers_queue_a_slot_once(schedules, django_capture_on_commit_callbacks):
    schedules("test.daily", daily_at=time(6, 0))
    now = at("2026-11-26 06:00:20")
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_due_schedules(now) == ["test.daily"]
        # The second worker, a few seconds later.
        assert enqueue_due_schedules(now + timedelta(seconds=3)) == []
    assert ScheduledRun.objects.count() == 1 and Job.objects.count() == 1
    assert [("test.daily", at("2026-11-26 06:00").isoformat())] == RUNS
    assert Job.objects.get().status == JobStatus.SUCCEEDED


@pytest.mark.django_db
def test_a_worker_that_lost_the_race_gets_an_integrity_error_and_moves_on(schedules,
                                                                          monkeypatch):
    schedules("test.daily", daily_at=time(6, 0))
    now = at("2026-11-26 06:00:20")
    ScheduledRun.objects.create(name="test.daily", slot_start=at("2026-11-26 06:00"))
    # As if the other worker inserted between our look and our insert.
    monkeypatch.setattr(ScheduledRun.objects, "filter",
                        lambda *a, **k: ScheduledRun.objects.none())
    assert enqueue_due_schedules(now) == []
    monkeypatch.undo()
    assert ScheduledRun.objects.count() == 1 and Job.objects.count() == 0


@pytest.mark.django_db
def test_missed_slots_run_once(schedules, django_capture_on_commit_callbacks):
    schedules("test.daily", daily_at=time(6, 0))
    schedules("test.quarter", every=timedelta(minutes=15))
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due_schedules(at("2026-11-20 06:01"))
    RUNS.clear()
    # Every worker was down for six days; the first one back queues each schedule once.
    back = at("2026-11-26 14:07")
    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(enqueue_due_schedules(back)) == ["test.daily", "test.quarter"]
        assert enqueue_due_schedules(back + timedelta(seconds=30)) == []
    assert sorted(RUNS) == [("test.daily", at("2026-11-26 06:00").isoformat()),
                            ("test.quarter", at("2026-11-26 14:00").isoformat())]
    # The next quarter is a new slot.
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_due_schedules(at("2026-11-26 14:15")) == ["test.quarter"]


@pytest.mark.django_db
def test_settings_change_or_turn_off_a_schedule(schedules, settings,
                                                django_capture_on_commit_callbacks):
    schedules("test.daily", daily_at=time(6, 0))
    schedules("test.other", daily_at=time(6, 0))
    settings.TETHER_SCHEDULES = {"test.daily": "07:30", "test.other": "off"}
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_due_schedules(at("2026-11-26 07:00")) == ["test.daily"]
    assert [("test.daily", at("2026-11-25 07:30").isoformat())] == RUNS
    settings.TETHER_SCHEDULES = "test.daily=every:3600,test.other=off"
    with django_capture_on_commit_callbacks(execute=True):
        now = datetime(2026, 11, 26, 9, 59, 30, tzinfo=UTC)
        assert enqueue_due_schedules(now) == ["test.daily"]
    assert RUNS[-1] == ("test.daily", datetime(2026, 11, 26, 9, tzinfo=UTC).isoformat())


def test_a_bad_override_names_the_problem():
    schedule = Schedule("x.y", "X", daily_at=time(6, 0))
    with pytest.raises(ValueError, match=r"x\.y='25:00'"):
        parse_override("x.y", "25:00", schedule)
    with pytest.raises(ValueError, match="every:SECONDS"):
        parse_override("x.y", "every:5", schedule)
    assert parse_override("x.y", "OFF", schedule).enabled is False
    assert parse_override("x.y", "every:900", schedule).when == "every 15 min"


@pytest.mark.django_db
def test_the_worker_sweep_queues_due_schedules(schedules, monkeypatch):
    from tether.core.management.commands import worker

    schedules("test.quarter", every=timedelta(minutes=15))
    # The test's connection holds its transaction: the worker must not close it here.
    monkeypatch.setattr(worker.connections, "close_all", lambda: None)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    worker.sweep_once()
    assert ScheduledRun.objects.filter(name="test.quarter").count() == 1


@pytest.mark.django_db
def test_schedule_status_and_page(schedules, users, login, django_capture_on_commit_callbacks):
    schedules("test.daily", daily_at=time(6, 0))
    schedules("test.quarter", every=timedelta(minutes=15))
    now = at("2026-11-26 14:07")
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due_schedules(now)
    rows = {row.schedule.name: row for row in schedule_status(now)}
    assert rows["test.daily"].last_run.slot_start == at("2026-11-26 06:00")
    assert rows["test.daily"].next_run == at("2026-11-27 06:00")
    assert rows["test.daily"].last_run.job.status == JobStatus.SUCCEEDED
    page = login(users[Role.AUDITOR]).get("/jobs/schedules/")
    assert page.status_code == 200
    assert b"test.quarter" in page.content and b"every 15 min" in page.content
    assert login(users["contact_a"]).get("/jobs/schedules/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_on_postgresql_claim_a_slot_once(schedules):
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent transactions need PostgreSQL.")
    schedules("test.daily", daily_at=time(6, 0))
    now = at("2026-11-26 06:00:20")
    workers, barrier, results = 8, threading.Barrier(8), []

    def worker():
        try:
            barrier.wait()
            results.append(enqueue_due_schedules(now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(map(tuple, results)) == [()] * (workers - 1) + [("test.daily",)]
    assert ScheduledRun.objects.filter(name="test.daily").count() == 1
    assert Job.objects.filter(kind="test.daily").count() == 1
