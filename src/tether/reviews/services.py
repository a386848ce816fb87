"""Writes of the reviews app: each one transaction with its audit record.

A review's overall rating (the mean of the ratings given) and its next due date (held on +
the arrangement's cadence, or the override) are derived here, whenever it is written.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from tether.core.services import ModelServices, object_create, object_delete, object_update
from tether.reviews.choices import RATING_FIELDS
from tether.reviews.models import Review, ReviewCadence
from tether.reviews.selectors import cadence_months, next_review_due


def overall_rating(ratings) -> Decimal | None:
    """The mean of the ratings given (None when none is), to two decimals."""
    given = [int(r) for r in ratings if r is not None]
    if not given:
        return None
    return (Decimal(sum(given)) / len(given)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _derived(review_data: dict, instance: Review | None = None) -> dict:
    data = dict(review_data)
    merged = {name: data.get(name, getattr(instance, name, None))
              for name, _label in RATING_FIELDS}
    data["overall_rating"] = overall_rating(merged.values())
    probe = Review(
        arrangement=data.get("arrangement") or instance.arrangement,
        held_on=data.get("held_on") or instance.held_on,
        next_review_override=data.get("next_review_override",
                                      getattr(instance, "next_review_override", None)))
    data["next_review_due"] = next_review_due(probe, cadence_months())
    return data


@transaction.atomic
def review_create(*, actor, data: dict, source: str = "web") -> Review:
    """Record a periodic review of an arrangement."""
    return object_create(Review, actor=actor, data=_derived(data), source=source)


@transaction.atomic
def review_update(review: Review, *, actor, data: dict, source: str = "web") -> Review:
    """Change a review; its overall rating and next due date follow."""
    return object_update(review, actor=actor, data=_derived(data, review), source=source)


@transaction.atomic
def review_delete(review: Review, *, actor, source: str = "web") -> None:
    object_delete(review, actor=actor, source=source)


REVIEW = ModelServices(review_create, review_update, review_delete)


@transaction.atomic
def cadence_create(*, actor, data: dict, source: str = "web") -> ReviewCadence:
    return object_create(ReviewCadence, actor=actor, data=data, source=source)


@transaction.atomic
def cadence_update(cadence: ReviewCadence, *, actor, data: dict,
                   source: str = "web") -> ReviewCadence:
    """Change a cadence. Due dates follow at once (computed when read); the stored next due
    date of past reviews is left as it was written."""
    return object_update(cadence, actor=actor, data=data, source=source)


@transaction.atomic
def cadence_delete(cadence: ReviewCadence, *, actor, source: str = "web") -> None:
    """Remove a cadence: its scope falls back to the default."""
    object_delete(cadence, actor=actor, source=source)


CADENCE = ModelServices(cadence_create, cadence_update, cadence_delete)
