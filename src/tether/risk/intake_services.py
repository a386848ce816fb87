"""Writes of arrangement intakes: each with its audit record, and the provider rescored."""

from django.db import transaction

from tether.core.services import ModelServices, object_create, object_delete, object_update
from tether.core.signals import announce_provider_evidence
from tether.risk.models import ArrangementIntake

REASON = "intake"


def _provider_of(intake: ArrangementIntake) -> int:
    return intake.arrangement.provider_id


def _stored_provider_of(intake: ArrangementIntake) -> int | None:
    """The provider as stored: a model form has already put its new values on the instance."""
    return ArrangementIntake.objects.filter(pk=intake.pk).values_list(
        "arrangement__provider_id", flat=True).first()


@transaction.atomic
def intake_create(*, actor, data: dict, source: str = "web") -> ArrangementIntake:
    """Record an arrangement's intake; its tier and its provider's score follow on commit."""
    intake = object_create(ArrangementIntake, actor=actor, data=data, source=source)
    announce_provider_evidence([_provider_of(intake)], REASON)
    return intake


@transaction.atomic
def intake_update(intake: ArrangementIntake, *, actor, data: dict,
                  source: str = "web") -> ArrangementIntake:
    """Change an intake and rescore its provider (and the former one, if it moved)."""
    former = _stored_provider_of(intake)
    intake = object_update(intake, actor=actor, data=data, source=source)
    announce_provider_evidence([former, _provider_of(intake)], REASON)
    return intake


@transaction.atomic
def intake_delete(intake: ArrangementIntake, *, actor, source: str = "web") -> None:
    """Remove an intake: the arrangement is scored from the register again."""
    former = _provider_of(intake)
    object_delete(intake, actor=actor, source=source)
    announce_provider_evidence([former], REASON)


INTAKE = ModelServices(intake_create, intake_update, intake_delete)
