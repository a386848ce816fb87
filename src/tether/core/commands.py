"""What the commands that queue a background job share: running it here with --now."""

from django.core.management.base import BaseCommand, CommandError

from tether.core.jobs import run_job


def run_job_here(command: BaseCommand, job) -> None:
    """Run a job recorded with queue=False in this process, report it, fail if it failed."""
    run_job.call(job.pk)
    job.refresh_from_db()
    command.stdout.write(f"Job {job.pk}: {job.status}, {job.result}")
    if job.status != "succeeded":
        raise CommandError(job.error.strip().splitlines()[-1] if job.error else
                           "The job did not succeed.")
