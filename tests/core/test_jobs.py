"""Background jobs: queued after commit, progress, failures, and recovery of lost workers."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.core.test_cli import run_tether, user_environment
from tether.core.jobs import JOB_KINDS, job_enqueue, job_kind, requeue_stale_jobs, run_job
from tether.core.models import Job, JobStatus


@job_kind("tests.count")
def count_to(job, progress):
    total = job.params["to"]
    progress.total(total)
    for number in range(1, total + 1):
        progress.advance(number)
    return {"counted": total}


@job_kind("tests.fail")
def fail(job, progress):
    raise RuntimeError("the data is not what the job expected")


pytestmark = pytest.mark.django_db


def test_a_job_is_sent_only_when_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_enqueue(kind="tests.count", title="Count", params={"to": 3})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"counted": 3}
    assert (job.progress_done, job.progress_total, job.percent) == (3, 3, 100)
    assert job.attempts == 1 and job.finished >= job.started


def test_a_failing_job_keeps_its_error(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="tests.fail", title="Fail")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "the data is not what the job expected" in job.error


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="No job kind"):
        job_enqueue(kind="tests.nothing", title="Nothing")


def test_a_second_delivery_of_a_finished_job_does_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="tests.count", title="Count", params={"to": 2})
    assert run_job.call(job.pk) == "already finished"
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_job_whose_worker_died_is_queued_again_and_completes():
    job = Job.objects.create(kind="tests.count", title="Count", params={"to": 4},
                             status=JobStatus.RUNNING, attempts=1,
                             heartbeat=timezone.now() - timedelta(hours=1))
    assert requeue_stale_jobs() == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED  # the test backend runs it at once
    assert job.attempts == 2 and job.result == {"counted": 4}


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone():
    job = Job.objects.create(kind="tests.count", title="Count", params={"to": 1},
                             status=JobStatus.RUNNING, attempts=1, heartbeat=timezone.now())
    assert requeue_stale_jobs() == []
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_a_job_that_keeps_killing_its_worker_is_failed_not_retried_forever():
    job = Job.objects.create(kind="tests.count", title="Count", params={"to": 1},
                             status=JobStatus.RUNNING, attempts=3,
                             heartbeat=timezone.now() - timedelta(hours=1))
    assert requeue_stale_jobs() == []
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "stopped answering 3 times" in job.error


def test_the_job_page_shows_progress_and_polls_until_done(login, users):
    client = login(users["executive"])
    job = Job.objects.create(kind="tests.count", title="Rescore all providers",
                             status=JobStatus.RUNNING, progress_done=250, progress_total=1000,
                             message="250 of 1,000 providers scored")
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="25"' in body and "250 of 1,000 providers scored" in body
    assert 'hx-trigger="every 2s"' in body
    fragment = client.get(job.get_absolute_url(),
                                           headers={"HX-Request": "true",
                                                    "HX-Target": "job-progress"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress_done=1000)
    done = client.get(job.get_absolute_url()).content.decode()
    assert "every 2s" not in done


def test_provider_contacts_cannot_see_jobs(login, users):
    job = Job.objects.create(kind="tests.count", title="Count")
    assert login(users["contact_a"]).get(job.get_absolute_url()).status_code == 403


assert "risk.rescore" in JOB_KINDS  # the worker test below relies on a real job kind


@pytest.mark.slow
def test_a_worker_killed_mid_job_loses_nothing_and_duplicates_nothing(tmp_path):
    """A real `tether worker` on a real database is killed (SIGKILL) while rescoring; the next
    worker finds the job lost, runs it again, and the results are counted once."""
    assert run_tether("migrate", "-v0", data_dir=tmp_path).returncode == 0
    generated = run_tether("generate", "--providers", "20000", "--arrangements", "20000",
                           "--subcontracting", "0", data_dir=tmp_path)
    assert generated.returncode == 0, generated.stderr
    queued = run_tether("rescore", data_dir=tmp_path)
    assert queued.returncode == 0, queued.stderr
    database = sqlite3.connect(tmp_path / "tether.sqlite3", timeout=30)

    def job_row():
        return database.execute("SELECT status, attempts FROM core_job").fetchone()

    def job_error():
        return database.execute("SELECT message, error FROM core_job").fetchone()

    env = {**user_environment(), "TETHER_DATA_DIR": str(tmp_path)}
    worker = subprocess.Popen([sys.executable, "-m", "tether.cli", "worker", "--no-reload",
                               "--no-startup-delay", "--interval", "0.1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while job_row()[0] != "running":
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()
    assert job_row() == ("running", 1), job_error()
    time.sleep(1.2)
    second = run_tether("worker", "--batch", "--no-startup-delay", data_dir=tmp_path,
                        extra_env={"TETHER_JOB_STALE_SECONDS": "1"})
    assert second.returncode == 0, second.stderr
    assert job_row() == ("succeeded", 2), (job_error(), second.stdout, second.stderr)
    scores = database.execute("SELECT COUNT(*) FROM risk_providerscore").fetchone()[0]
    history = database.execute(
        "SELECT COUNT(*), COUNT(DISTINCT provider_id) FROM risk_providerscorehistory").fetchone()
    assert scores == 20000
    assert history == (20000, 20000)


def test_the_api_reports_a_jobs_progress(login, users):
    job = Job.objects.create(kind="tests.count", title="Count", status=JobStatus.RUNNING,
                             progress_done=3, progress_total=4)
    answer = login(users["risk_officer"]).get(f"/api/core/jobs/{job.pk}/")
    assert answer.status_code == 200
    assert answer.json()["percent"] == 75 and answer.json()["status"] == "running"
    assert login(users["contact_a"]).get(f"/api/core/jobs/{job.pk}/").status_code == 403
