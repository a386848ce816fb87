"""Reads of the reviews app: cadences, the reviews-due register, reviews per arrangement.

Reviews due: every active arrangement with its latest review and the date the next one is
due, in ONE query (a subquery of the latest review per arrangement):
- reviewed: the latest review's override if it set one, else its date + the cadence;
- never reviewed: the arrangement's start date + the cadence.
The cadence is the arrangement's (critical-or-important or other, `ReviewCadence`), read when
the query is built, so a changed cadence moves every due date at once. The risk tier's own
review cadence (risk methodology tiers) is shown beside it and flagged when it is stricter;
it does not move the due date (the vendor manager sets an override on the review if the tier
should win). See docs/reviews.md.
"""

from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tether.registry.choices import ArrangementStatus
from tether.registry.models import Arrangement
from tether.reviews.choices import CadenceScope
from tether.reviews.dates import AddMonths, months_after
from tether.reviews.models import DEFAULT_CADENCE_MONTHS, Review, ReviewCadence

PANEL_ROWS = 10
# Reviews are due for arrangements in force; drafts are not delivering yet, ended ones no more.
LIVE_STATUSES = (ArrangementStatus.ACTIVE,)


def cadence_months() -> dict[str, int]:
    """Months between reviews by scope: the stored cadences over the defaults (one query)."""
    months = dict(DEFAULT_CADENCE_MONTHS)
    months.update(ReviewCadence.objects.order_by().values_list("scope", "months"))
    return {str(scope): value for scope, value in months.items()}


def arrangement_cadence(arrangement, cadences: dict[str, int] | None = None) -> int:
    cadences = cadences or cadence_months()
    return cadences[CadenceScope.CRITICAL if arrangement.is_critical else CadenceScope.OTHER]


def next_review_due(review: Review, cadences: dict[str, int] | None = None) -> date:
    """When the review after `review` is due: its override, else held on + the cadence."""
    if review.next_review_override:
        return review.next_review_override
    return months_after(review.held_on, arrangement_cadence(review.arrangement, cadences))


def tier_review_months() -> dict[int, int]:
    """The current risk methodology's review cadence per tier (months); the default
    methodology's while none is installed (reading never installs one)."""
    from tether.risk.methodology import DEFAULT_CONFIG, MethodologyConfig
    from tether.risk.models import Methodology

    raw = Methodology.objects.filter(is_current=True).values_list("config", flat=True).first()
    return {tier.tier: tier.review_months
            for tier in MethodologyConfig(raw or DEFAULT_CONFIG).tiers}


def _latest(field: str) -> Subquery:
    return Subquery(Review.objects.filter(arrangement=OuterRef("pk"))
                    .order_by("-held_on", "-id").values(field)[:1])


def _by_cadence(expression, cadences: dict[str, int]) -> Case:
    critical, other = cadences[CadenceScope.CRITICAL], cadences[CadenceScope.OTHER]
    return Case(When(is_critical=True, then=AddMonths(expression, critical)),
                default=AddMonths(expression, other), output_field=DateField())


def with_review_due(arrangements: QuerySet, *, today: date | None = None) -> QuerySet:
    """Arrangements annotated with their latest review (`last_review_id`, `last_review_on`,
    `last_overall`, `last_decision`), `cadence_months`, `tier_months`, `tier_stricter`,
    `review_due`, `overdue` and `never_reviewed`; all in SQL."""
    today = today or timezone.localdate()
    cadences = cadence_months()
    tiers = tier_review_months()
    last_held = _latest("held_on")
    due = Coalesce(_latest("next_review_override"), _by_cadence(last_held, cadences),
                   _by_cadence("start_date", cadences), output_field=DateField())
    tier_months = Case(*(When(intake__tier=tier, then=Value(months))
                         for tier, months in sorted(tiers.items())),
                       default=Value(None), output_field=IntegerField())
    cadence = Case(When(is_critical=True, then=Value(cadences[CadenceScope.CRITICAL])),
                   default=Value(cadences[CadenceScope.OTHER]), output_field=IntegerField())
    return arrangements.annotate(
        last_review_id=_latest("pk"), last_review_on=last_held,
        last_overall=_latest("overall_rating"), last_decision=_latest("decision"),
        review_due=due, cadence_months=cadence, tier_months=tier_months,
    ).annotate(
        overdue=ExpressionWrapper(Q(review_due__lt=today), output_field=BooleanField()),
        never_reviewed=ExpressionWrapper(Q(last_review_on__isnull=True),
                                         output_field=BooleanField()),
        tier_stricter=ExpressionWrapper(Q(tier_months__lt=cadence), output_field=BooleanField()),
    )


def reviews_due(*, user, today: date | None = None) -> QuerySet:
    """Every active arrangement the user may see with its last review and next due date,
    soonest (so most overdue) first."""
    arrangements = Arrangement.objects.restrict(user).filter(status__in=LIVE_STATUSES)
    return with_review_due(arrangements, today=today).select_related(
        "provider", "organisation", "owner").order_by("review_due", "reference")


def overdue_count(*, user, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return reviews_due(user=user, today=today).filter(review_due__lt=today).count()


def review_list(*, user) -> QuerySet:
    return Review.objects.restrict(user).select_related(
        "arrangement", "arrangement__provider", "reviewer")


def arrangement_reviews(*, user, arrangement) -> list[Review]:
    """The arrangement's reviews, latest first (the panel's table and sparkline)."""
    return list(Review.objects.restrict(user).filter(arrangement=arrangement)
                .select_related("reviewer").order_by("-held_on", "-id")[:PANEL_ROWS * 2])


def shared_feedback(provider_id: int) -> QuerySet:
    """The reviews of a provider whose feedback was shared with its portal contacts: all a
    contact may read of reviews."""
    return Review.objects.filter(arrangement__provider_id=provider_id,
                                 feedback_shared_on__isnull=False).select_related(
        "arrangement").order_by("-feedback_shared_on", "-id")

