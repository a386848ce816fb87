"""`tether rescore`: rescore providers under the current methodology, as a background job."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tether.core.commands import run_job_here
from tether.registry.models import Provider
from tether.risk.tasks import rescore_enqueue


class Command(BaseCommand):
    help = ("Queue a rescoring of every provider (or of those given) for `tether worker`; "
            "--now runs it in this process instead.")

    def add_arguments(self, parser):
        parser.add_argument("--provider", type=int, action="append", dest="provider_ids",
                            help="A provider id; repeat for several. Default: all providers.")
        parser.add_argument("--now", action="store_true",
                            help="Run the job here and wait for it, instead of queueing it.")

    def handle(self, *args, provider_ids=None, now=False, **options):
        if provider_ids:
            known = set(Provider.objects.filter(pk__in=provider_ids).values_list("pk", flat=True))
            unknown = sorted(set(provider_ids) - known)
            if unknown:
                raise CommandError(f"No provider with id {', '.join(map(str, unknown))}.")
        if now:
            run_job_here(self, rescore_enqueue(actor=None, provider_ids=provider_ids, queue=False))
            return
        with transaction.atomic():
            job = rescore_enqueue(actor=None, provider_ids=provider_ids)
        self.stdout.write(f"Queued job {job.pk}: {job.title}. `tether worker` runs it.")
