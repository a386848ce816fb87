"""Background jobs: long work queued with django-tasks and followed by people through `Job`.

An app declares a kind of job once (`@job_kind("risk.rescore")`); a service queues it with
`job_enqueue`, which writes the `Job` row and hands its id to the task library after the
transaction commits. Whichever worker picks the task up runs the function with a
`JobProgress`, whose updates are also the job's heartbeat.

Delivery is at least once: a worker killed mid-job leaves the job "running" with a stale
heartbeat, and `requeue_stale_jobs` (run by every `tether worker`) queues it again. Job
functions are therefore written to be repeatable: they compute results and replace them,
never add to them.
"""

import logging
import threading
import time
import traceback
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from tether.core.models import Job, JobStatus

logger = logging.getLogger(__name__)

JOB_KINDS: dict[str, Callable] = {}
HEARTBEAT_SECONDS = 2.0
MAX_ATTEMPTS = 3


def job_kind(kind: str):
    """Declare the function that does the work of jobs of this kind: f(job, progress)."""

    def register(function: Callable) -> Callable:
        JOB_KINDS[kind] = function
        return function

    return register


class JobProgress:
    """Reports how far a job has got; writes at most every HEARTBEAT_SECONDS."""

    def __init__(self, job: Job):
        self.job = job
        self._last_write = 0.0

    def total(self, total: int) -> None:
        self.job.progress_total = total
        self._write(force=True)

    def advance(self, done: int, message: str = "") -> None:
        self.job.progress_done = done
        if message:
            self.job.message = message[:250]
        self._write()

    def step(self, message: str) -> None:
        self.job.message = message[:250]
        self._write(force=True)

    def _write(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_write < HEARTBEAT_SECONDS:
            return
        self._last_write = now
        self.job.heartbeat = timezone.now()
        Job.objects.filter(pk=self.job.pk).update(
            progress_done=self.job.progress_done, progress_total=self.job.progress_total,
            message=self.job.message, heartbeat=self.job.heartbeat,
        )


def job_enqueue(*, kind: str, title: str, actor=None, params: dict | None = None,
                queue: bool = True) -> Job:
    """Queue a job of a declared kind; the task is sent once the current transaction commits.

    With queue=False the job is only recorded, for the caller to run with `run_job.call`.
    """
    if kind not in JOB_KINDS:
        raise ValueError(f"No job kind {kind!r} is declared.")
    job = Job.objects.create(kind=kind, title=title[:250], params=params or {},
                             created_by=actor if actor and actor.pk else None)
    if queue:
        transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


@task()
def run_job(job_id: int) -> str:
    """The task the library delivers: run one job, unless it already finished."""
    # Only a queued job is claimed: a job queued again after its worker died is QUEUED again,
    # and a second delivery of a running or finished job does nothing.
    # The attempt is counted in the same statement that claims the job: a worker killed between
    # two statements would otherwise leave a running job that never reaches MAX_ATTEMPTS.
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started=timezone.now(), heartbeat=timezone.now(),
        attempts=F("attempts") + 1)
    if not claimed:
        return "already finished"
    job = Job.objects.get(pk=job_id)
    beating = _Heartbeat(job_id)
    beating.start()
    try:
        result = JOB_KINDS[job.kind](job, JobProgress(job))
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, finished=timezone.now(),
            error=traceback.format_exc()[-4000:],
        )
        return "failed"
    finally:
        beating.stop()
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED, finished=timezone.now(), result=result,
        progress_done=job.progress_total or job.progress_done, message="Done.",
    )
    return "succeeded"


class _Heartbeat(threading.Thread):
    """Says "still alive" for a running job even while it sits in one long query."""

    def __init__(self, job_id: int):
        super().__init__(daemon=True, name=f"tether-job-{job_id}-heartbeat")
        self.job_id = job_id
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(HEARTBEAT_SECONDS * 5):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat=timezone.now())
                except Exception:  # a busy SQLite file: the next beat will do
                    logger.debug("Heartbeat of job %s skipped", self.job_id, exc_info=True)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._stopped.set()


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "TETHER_JOB_STALE_SECONDS", 300))


def requeue_stale_jobs(*, now=None) -> list[int]:
    """Queue again the jobs whose worker stopped answering; fail those that did so too often."""
    now = now or timezone.now()
    stale = list(
        Job.objects.filter(status=JobStatus.RUNNING, heartbeat__lt=now - stale_after())
        .values_list("pk", "attempts")
    )
    requeued = []
    for job_id, attempts in stale:
        if attempts >= MAX_ATTEMPTS:
            Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED, finished=now,
                error=f"The worker stopped answering {attempts} times; not retried again.",
            )
            continue
        if Job.objects.filter(pk=job_id, status=JobStatus.RUNNING,
                              heartbeat__lt=now - stale_after()).update(
                status=JobStatus.QUEUED, message="Queued again: its worker stopped answering."):
            _mark_task_abandoned(job_id)
            _send(job_id)
            requeued.append(job_id)
    return requeued


def _mark_task_abandoned(job_id: int) -> None:
    """The library's own row of the lost task stays RUNNING; close it so it is not re-listed."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    task_id = Job.objects.filter(pk=job_id).values_list("task_id", flat=True).first()
    if task_id:
        DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now(),
        )
    Job.objects.filter(pk=job_id).update(task_id="")
