"""Performance jobs: reading an uploaded file of measurements, recomputing every result."""

from tether.core.jobs import job_enqueue, job_kind
from tether.performance import engine
from tether.performance.ingest_services import INGEST_JOB, batch_process


@job_kind(INGEST_JOB)
def ingest_job(job, progress) -> dict:
    """Store the measurements of the batch `params["batch"]` (repeatable: see batch_process)."""
    return batch_process(job.params["batch"], progress=progress)


RECOMPUTE_JOB = "performance.recompute"


@job_kind(RECOMPUTE_JOB)
def recompute_job(job, progress) -> dict:
    """Recompute every active level's results (repeatable: only what moved is written)."""
    progress.total(3)
    return engine.recompute_all(progress=lambda done, total: progress.advance(
        done, "Results compared and written" if done == total else "Measurements read"))


def recompute_enqueue(*, actor=None, queue: bool = True):
    return job_enqueue(kind=RECOMPUTE_JOB, title="Recompute every SLA and KPI result",
                       actor=actor, queue=queue)
