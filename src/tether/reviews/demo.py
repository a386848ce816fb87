"""The demo's periodic reviews: for most active arrangements, one to three reviews at their
cadence, some with feedback shared with the provider; about one in four arrangements has its
last review long enough ago (or none) to be overdue.

Runs after the register's demo, through the app's own services (every row audited, source
"demo"); deterministic, and nothing is written when the demo's reviews already exist.
"""

import random

from django.db import transaction
from django.utils import timezone

from tether.core.models import User
from tether.core.roles import Role
from tether.registry.choices import ArrangementStatus
from tether.registry.models import Arrangement
from tether.reviews import services
from tether.reviews.choices import RATING_FIELDS, Decision
from tether.reviews.dates import months_after
from tether.reviews.models import Review
from tether.reviews.selectors import arrangement_cadence, cadence_months

SEED = 20_261_126
SOURCE = "demo"
FEEDBACK = [
    "Service levels were met throughout the period; thank you. Please keep the monthly "
    "service report on time.",
    "Two availability breaches in the quarter: we expect a root-cause analysis and an "
    "improvement plan within 30 days.",
    "Communication during the incident in March was slow. Please name a single escalation "
    "contact and confirm the escalation matrix.",
    "Good progress on automation; we would welcome a proposal for the next release cycle.",
]
ACTIONS = [
    "Provider to deliver a root-cause analysis of the breaches; we review the SLA targets at "
    "the next steering committee.",
    "Quarterly service review meetings to continue; innovation roadmap to be presented.",
    "Escalation matrix to be updated by the provider within two weeks.",
]
DECISIONS = [Decision.CONTINUE, Decision.CONTINUE, Decision.IMPROVEMENT_PLAN,
             Decision.CONTINUE, Decision.RENEGOTIATE]


def reviews_demo_is_loaded() -> bool:
    return Review.objects.exists()


@transaction.atomic
def reviews_demo_load() -> dict[str, int]:
    """Reviews for the demo's active arrangements; some arrangements left overdue."""
    actor = User.objects.filter(role=Role.VENDOR_MANAGER, is_active=True).order_by(
        "username").first()
    if reviews_demo_is_loaded() or actor is None:
        return {}
    arrangements = list(Arrangement.objects.filter(status=ArrangementStatus.ACTIVE)
                        .order_by("reference"))
    if not arrangements:
        return {}
    rng = random.Random(SEED)
    reviewers = list(User.objects.filter(role__in=[Role.VENDOR_MANAGER, Role.ADMIN],
                                         is_active=True).order_by("username")) or [actor]
    cadences = cadence_months()
    today = timezone.localdate()
    written = shared = 0
    for index, arrangement in enumerate(arrangements):
        cadence = arrangement_cadence(arrangement, cadences)
        story = index % 4
        if story == 3 and index % 8 == 3:
            continue  # never reviewed: overdue once its first cadence has passed
        # The last review: within the cadence, or (story 3) a cadence and a bit ago: overdue.
        held = months_after(today, -(cadence + 2) if story == 3 else -rng.randint(0, cadence - 1))
        for count in range(rng.randint(1, 3)):
            if held < arrangement.start_date:
                break
            base = rng.randint(2, 5)
            ratings = {name: min(5, max(1, base + rng.choice([-1, 0, 0, 1])))
                       for name, _label in RATING_FIELDS if rng.random() > 0.15}
            share = rng.random() < 0.6
            services.review_create(actor=actor, source=SOURCE, data={
                "arrangement": arrangement, "held_on": held,
                "period_from": months_after(held, -cadence), "period_to": held,
                "reviewer": rng.choice(reviewers), **ratings,
                "summary": "Review of service levels, incidents, invoices and open actions.",
                "feedback": rng.choice(FEEDBACK),
                "feedback_shared_on": held if share else None,
                "decision": DECISIONS[(index + count) % len(DECISIONS)],
                "actions_agreed": rng.choice(ACTIONS),
            })
            written += 1
            shared += share
            held = months_after(held, -cadence)
    return {"reviews": written, "review feedback shared": shared}
