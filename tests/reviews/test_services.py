"""Reviews: the overall rating, cadence by criticality, next due dates, and the reviews-due
register computed in SQL against a hand computation."""

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import ArrangementFactory
from tests.reviews.factories import review_for
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.registry.models import Arrangement
from tether.reviews import selectors
from tether.reviews.dates import months_after
from tether.reviews.models import ReviewCadence
from tether.reviews.services import cadence_create, overall_rating, review_update

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.fixture
def manager(users):
    return users[Role.VENDOR_MANAGER]


def test_overall_rating_is_the_mean_of_the_ratings_given():
    assert overall_rating([4, None, 5, 2, None]) == Decimal("3.67")
    assert overall_rating([5]) == Decimal("5.00")
    assert overall_rating([None, None]) is None


def test_months_after_clamps_to_the_end_of_shorter_months():
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert months_after(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert months_after(date(2026, 1, 15), 12) == date(2027, 1, 15)
    assert months_after(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_the_service_derives_overall_and_next_due_by_criticality(manager):
    critical = ArrangementFactory(is_critical=True, criticality_reason="Payments.")
    other = ArrangementFactory()
    first = review_for(critical, actor=manager, held_on=date(2026, 8, 31), quality_rating=5,
                       compliance_rating=2)
    second = review_for(other, actor=manager, held_on=date(2026, 8, 31))
    assert first.overall_rating == Decimal("3.50")
    assert first.next_review_due == date(2027, 2, 28)  # critical: 6 months, clamped
    assert second.next_review_due == date(2027, 8, 31)  # other: 12 months
    assert AuditEntry.objects.filter(object_id=str(first.pk), source="test").exists()

    review_update(first, actor=manager, data={"next_review_override": date(2026, 12, 1),
                                              "communication_rating": 2})
    first.refresh_from_db()
    assert first.next_review_due == date(2026, 12, 1)
    assert first.overall_rating == Decimal("3.00")


def test_the_cadence_table_overrides_the_defaults(manager):
    assert selectors.cadence_months() == {"critical": 6, "other": 12}
    cadence_create(actor=manager, data={"scope": "critical", "months": 3})
    assert selectors.cadence_months() == {"critical": 3, "other": 12}
    arrangement = ArrangementFactory(is_critical=True, criticality_reason="Core.")
    review = review_for(arrangement, actor=manager, held_on=date(2026, 5, 31))
    assert review.next_review_due == date(2026, 8, 31)
    assert ReviewCadence.objects.count() == 1


def hand_due(arrangement, reviews, cadences) -> date:
    months = cadences["critical"] if arrangement.is_critical else cadences["other"]
    if not reviews:
        return months_after(arrangement.start_date, months)
    last = max(reviews, key=lambda r: (r.held_on, r.pk))
    return last.next_review_override or months_after(last.held_on, months)


def test_reviews_due_in_sql_equals_the_hand_computation(manager, users):
    cadence_create(actor=manager, data={"scope": "other", "months": 9})
    starts = [date(2025, 1, 31), date(2024, 8, 31), date(2026, 5, 29), date(2023, 2, 28)]
    reviews = {}
    for index, start in enumerate(starts * 3):
        critical = index % 2 == 0
        arrangement = ArrangementFactory(start_date=start, is_critical=critical,
                                         criticality_reason="Core." if critical else "")
        reviews[arrangement.pk] = []
        for held in [date(2025, 3, 31), date(2026, 1, 31), date(2025, 12, 31)][:index % 4]:
            override = date(2027, 1, 1) if index == 7 and held.year == 2026 else None
            reviews[arrangement.pk].append(review_for(
                arrangement, actor=manager, held_on=held, next_review_override=override))
    ArrangementFactory(status="terminated")  # not live: not listed
    rows = selectors.reviews_due(user=users[Role.AUDITOR], today=TODAY)
    cadences = selectors.cadence_months()
    found = {row.pk: row for row in rows}
    assert set(found) == set(reviews)
    for arrangement in Arrangement.objects.filter(pk__in=reviews):
        row = found[arrangement.pk]
        expected = hand_due(arrangement, reviews[arrangement.pk], cadences)
        assert row.review_due == expected, arrangement.reference
        assert row.overdue == (expected < TODAY)
        assert row.never_reviewed == (not reviews[arrangement.pk])
    dues = [row.review_due for row in rows]
    assert dues == sorted(dues)  # soonest, so most overdue, first


def test_reviews_due_is_one_query(users, django_assert_num_queries, manager):
    for _ in range(3):
        review_for(ArrangementFactory(), actor=manager)
    user = users[Role.EXECUTIVE]
    with django_assert_num_queries(3):  # the cadences, the methodology, the rows
        list(selectors.reviews_due(user=user, today=TODAY))


def test_the_risk_tier_cadence_is_shown_when_stricter(manager, users):
    from tether.risk.models import ArrangementIntake

    arrangement = ArrangementFactory()
    intake = ArrangementIntake.objects.create(arrangement=arrangement, criticality=4,
                                              data_sensitivity=3, system_access=3)
    ArrangementIntake.objects.filter(pk=intake.pk).update(tier=1)  # 6 months < 12
    row = selectors.reviews_due(user=users[Role.ADMIN]).get(pk=arrangement.pk)
    assert (row.cadence_months, row.tier_months, row.tier_stricter) == (12, 6, True)
    ArrangementIntake.objects.filter(pk=intake.pk).update(tier=3)  # 24 months
    row = selectors.reviews_due(user=users[Role.ADMIN]).get(pk=arrangement.pk)
    assert (row.tier_months, row.tier_stricter) == (24, False)


def test_review_due_deadlines_come_from_the_same_sql(manager, users):
    from tether.core.deadlines import deadlines_between

    reviewed = ArrangementFactory(reference="ARR-DUE", is_critical=True,
                                  criticality_reason="Core.")
    review_for(reviewed, actor=manager, held_on=date(2026, 6, 10))
    ArrangementFactory(reference="ARR-LATER", start_date=date(2026, 6, 1))  # due 2027-06-01
    found = deadlines_between(user=users[Role.EXECUTIVE], start=date(2026, 12, 1),
                              end=date(2026, 12, 31), kinds=["review_due"])
    assert [(d.day, d.title.split(" ")[0], d.critical) for d in found] == [
        (date(2026, 12, 10), "ARR-DUE", True)]
    assert found[0].key == f"review_due:arrangement:{reviewed.pk}:2026-12-10"
    assert deadlines_between(user=users["contact_a"], start=date(2026, 1, 1),
                             end=date(2027, 12, 31), kinds=["review_due"]) == []
