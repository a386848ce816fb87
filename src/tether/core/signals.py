"""Signals between apps that must not import each other upwards.

`provider_evidence_changed` is sent (after commit) by any app whose data moves a provider's
risk: an accepted questionnaire, a finding, an SLA breach, an incident. The risk app listens
and rescores those providers; the sender knows nothing of risk.
"""

from django.db import transaction
from django.dispatch import Signal

provider_evidence_changed = Signal()  # provider_ids: list[int], reason: str


def announce_provider_evidence(provider_ids, reason: str) -> None:
    """Send `provider_evidence_changed` once the current transaction commits."""
    ids = sorted({int(pk) for pk in provider_ids if pk})
    if ids:
        transaction.on_commit(lambda: provider_evidence_changed.send(
            sender=None, provider_ids=ids, reason=reason))
