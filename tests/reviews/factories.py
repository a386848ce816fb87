"""Factories for reviews and cadences, and period results written directly (the performance
engine's output) for scorecard tests."""

from datetime import date

import factory

from tests.factories import ArrangementFactory
from tether.performance.models import PeriodResult, ServiceLevel
from tether.reviews.models import Review, ReviewCadence


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    arrangement = factory.SubFactory(ArrangementFactory)
    period_from = date(2026, 1, 1)
    period_to = date(2026, 6, 30)
    held_on = date(2026, 7, 15)
    quality_rating = 4
    feedback = "Keep the monthly reports on time."
    decision = "continue"


def review_for(arrangement, *, actor, **data) -> Review:
    """A review written through the service, so its derived fields are right."""
    from tether.reviews.services import review_create

    defaults = {"arrangement": arrangement, "period_from": date(2026, 1, 1),
                "period_to": date(2026, 6, 30), "held_on": date(2026, 7, 15),
                "feedback": "Keep the monthly reports on time.", "decision": "continue"}
    return review_create(actor=actor, data={**defaults, **data}, source="test")


def period_results(service_level: ServiceLevel, outcomes: list[tuple[date, str, float | None]]):
    """PeriodResult rows as the engine writes them: (period start, outcome, attainment)."""
    return PeriodResult.objects.bulk_create([
        PeriodResult(service_level=service_level, period_start=start, count=30, value=attainment,
                     outcome=outcome, attainment=attainment)
        for start, outcome, attainment in outcomes])


def reviews_objects(arrangement) -> dict:
    """One object of every reviews model, on the arrangement given: what the authorization
    matrix and the API fuzz test need to name existing ids."""
    cadence, _created = ReviewCadence.objects.get_or_create(scope="other",
                                                            defaults={"months": 12})
    return {Review: ReviewFactory(arrangement=arrangement, feedback_shared_on=date(2026, 7, 20)),
            ReviewCadence: cadence}
