"""Risk jobs: rescoring, declared once and queued by the services."""

from django.dispatch import receiver

from tether.core.jobs import job_enqueue, job_kind
from tether.core.signals import provider_evidence_changed
from tether.risk import engine
from tether.risk.choices import ScoreTrigger
from tether.risk.models import Methodology

RESCORE = "risk.rescore"
# Up to this many providers are rescored at once, in the request that changed their evidence;
# more go to a background job.
INLINE_PROVIDERS = 50


@job_kind(RESCORE)
def rescore_job(job, progress) -> dict:
    """Rescore providers (all, or `provider_ids`) under the current methodology."""
    methodology = engine.methodology_current()
    if job.params.get("methodology") not in (None, methodology.pk):
        # A newer version became current after this job was queued; its own job scores it.
        return {"skipped": "a newer methodology is current", "providers": 0}
    count = engine.providers_rescore(
        methodology=methodology, trigger=job.params.get("trigger", ScoreTrigger.RESCORE),
        provider_ids=job.params.get("provider_ids"), progress=progress,
    )
    return {"providers": count, "methodology": methodology.version}


def rescore_enqueue(*, actor, methodology: Methodology | None = None, provider_ids=None,
                    trigger: str = ScoreTrigger.RESCORE, queue: bool = True):
    """Queue a rescoring of every provider (or of those given)."""
    scope = "all providers" if provider_ids is None else f"{len(provider_ids)} provider(s)"
    params = {"trigger": trigger}
    if methodology is not None:
        params["methodology"] = methodology.pk
    if provider_ids is not None:
        params["provider_ids"] = sorted(provider_ids)
    return job_enqueue(kind=RESCORE, title=f"Rescore {scope}", actor=actor, params=params,
                       queue=queue)


@receiver(provider_evidence_changed)
def rescore_on_evidence(sender, provider_ids, reason, **kwargs):
    if len(provider_ids) <= INLINE_PROVIDERS:
        engine.providers_rescore(methodology=engine.methodology_current(),
                                 trigger=ScoreTrigger.EVIDENCE, provider_ids=provider_ids)
    else:
        rescore_enqueue(actor=None, provider_ids=provider_ids, trigger=ScoreTrigger.EVIDENCE)
