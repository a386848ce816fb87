"""Factories for audits, findings, corrective actions, incidents and their timelines."""

from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import ArrangementFactory, ProviderFactory
from tether.oversight.models import Audit, CorrectiveAction, Finding, Incident, IncidentEvent


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit

    kind = "internal"
    title = factory.Sequence(lambda n: f"Audit {n}")
    provider = factory.SubFactory(ProviderFactory)
    scope = "Controls over the contact centre."
    status = "completed"
    conclusion = "needs_improvement"
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Finding {n}")
    description = "Access reviews are not done."
    severity = "high"
    status = "open"
    raised_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    provider = factory.SubFactory(ProviderFactory)
    kind = "outage"
    severity = "high"
    title = factory.Sequence(lambda n: f"Incident {n}")
    detected_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))


class CorrectiveActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorrectiveAction

    finding = factory.SubFactory(FindingFactory)
    incident = None
    provider = factory.LazyAttribute(lambda o: (o.finding or o.incident).provider)
    description = factory.Sequence(lambda n: f"Action {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    status = "open"


class IncidentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentEvent

    incident = factory.SubFactory(IncidentFactory)
    description = "Provider confirms the outage."


def oversight_objects(provider, arrangement=None) -> dict:
    """One object of every oversight model for the provider (on the arrangement given, which
    must be the provider's): what the authorization matrix and the API fuzz test need."""
    arrangement = arrangement or ArrangementFactory(provider=provider)
    audit = AuditFactory(provider=provider)
    audit.arrangements.add(arrangement)
    finding = FindingFactory(provider=provider, arrangement=arrangement, audit=audit)
    incident = IncidentFactory(provider=provider, arrangement=arrangement)
    return {
        Audit: audit, Finding: finding, Incident: incident,
        CorrectiveAction: CorrectiveActionFactory(finding=finding),
        IncidentEvent: IncidentEventFactory(incident=incident),
    }
