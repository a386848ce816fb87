"""`tether recompute_sla`: recompute every SLA and KPI result, as a background job."""

from django.core.management.base import BaseCommand
from django.db import transaction

from tether.core.commands import run_job_here
from tether.performance.tasks import recompute_enqueue


class Command(BaseCommand):
    help = ("Queue a recompute of every SLA and KPI result from the stored measurements for "
            "`tether worker`; --now runs it in this process instead.")

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true",
                            help="Run the job here and wait for it, instead of queueing it.")

    def handle(self, *args, now=False, **options):
        if now:
            run_job_here(self, recompute_enqueue(queue=False))
            return
        with transaction.atomic():
            job = recompute_enqueue()
        self.stdout.write(f"Queued job {job.pk}: {job.title}. `tether worker` runs it.")
