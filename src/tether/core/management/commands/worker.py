"""`tether worker`: run background jobs from the database queue, and recover lost ones."""

import logging
import threading

from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from tether.core.jobs import requeue_stale_jobs
from tether.core.schedule import enqueue_due_schedules

logger = logging.getLogger(__name__)
SWEEP_SECONDS = 30.0


def sweep_once() -> None:
    """Queue again the jobs whose worker died, and the scheduled jobs whose time has come."""
    try:
        close_old_connections()
        requeued = requeue_stale_jobs()
        if requeued:
            logger.warning("Queued again jobs lost with their worker: %s", requeued)
    except Exception:
        logger.exception("Could not look for lost jobs; trying again later")
    try:
        scheduled = enqueue_due_schedules()
        if scheduled:
            logger.info("Queued scheduled jobs: %s", ", ".join(scheduled))
    except Exception:
        logger.exception("Could not queue scheduled jobs; trying again later")
    finally:
        connections.close_all()


def sweep_forever(stop: threading.Event) -> None:
    """Every SWEEP_SECONDS (any worker may do it; the database decides who wins)."""
    while not stop.wait(SWEEP_SECONDS):
        sweep_once()


class Command(DatabaseWorkerCommand):
    help = ("Run background jobs (rescoring, imports, exports) from the database queue, and "
            "queue scheduled jobs when their time comes.")

    def handle(self, *args, **options):
        # Once before the first task, so even a `--batch` run picks up what died and what
        # is due.
        sweep_once()
        stop = threading.Event()
        threading.Thread(target=sweep_forever, args=(stop,), daemon=True,
                         name="tether-job-sweeper").start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
