"""`tether worker`: run background jobs from the database queue, and recover lost ones."""

import logging
import threading

from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from tether.core.jobs import requeue_stale_jobs

logger = logging.getLogger(__name__)
SWEEP_SECONDS = 30.0


def sweep_forever(stop: threading.Event) -> None:
    """Every SWEEP_SECONDS, queue again the jobs whose worker died (any worker may do it)."""
    while not stop.wait(SWEEP_SECONDS):
        try:
            close_old_connections()
            requeued = requeue_stale_jobs()
            if requeued:
                logger.warning("Queued again jobs lost with their worker: %s", requeued)
        except Exception:
            logger.exception("Could not look for lost jobs; trying again later")
        finally:
            connections.close_all()


class Command(DatabaseWorkerCommand):
    help = "Run background jobs (rescoring, imports, exports) from the database queue."

    def handle(self, *args, **options):
        # Once before the first task, so even a `--batch` run picks up what died.
        requeue_stale_jobs()
        stop = threading.Event()
        threading.Thread(target=sweep_forever, args=(stop,), daemon=True,
                         name="tether-job-sweeper").start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
