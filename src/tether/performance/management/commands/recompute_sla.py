"""`tether recompute_sla`: recompute every SLA and KPI result, as a background job."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tether.core.jobs import run_job
from tether.performance.tasks import recompute_enqueue


class Command(BaseCommand):
    help = ("Queue a recompute of every SLA and KPI result from the stored measurements for "
            "`tether worker`; --now runs it in this process instead.")

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true",
                            help="Run the job here and wait for it, instead of queueing it.")

    def handle(self, *args, now=False, **options):
        if now:
            job = recompute_enqueue(queue=False)
            run_job.call(job.pk)
            job.refresh_from_db()
            self.stdout.write(f"Job {job.pk}: {job.status}, {job.result}")
            if job.status != "succeeded":
                raise CommandError(job.error.strip().splitlines()[-1] if job.error else
                                   "The job did not succeed.")
            return
        with transaction.atomic():
            job = recompute_enqueue()
        self.stdout.write(f"Queued job {job.pk}: {job.title}. `tether worker` runs it.")
