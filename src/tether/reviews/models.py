"""Periodic reviews of arrangements, and how often they are due.

A review records how the provider did over a period (five ratings from 1 to 5, each optional,
and their mean as the overall rating), the feedback given to the provider, and what was
decided. The next review is due a cadence after the review (`ReviewCadence`: by whether the
arrangement supports a critical or important function) unless the review sets another date.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tether.core.models import TetherModel
from tether.reviews.choices import RATING_FIELDS, CadenceScope, Decision, Rating

# Used when no cadence row is stored (issue 6: critical-or-important every 6 months, others
# yearly). Administrators and vendor managers change them on the cadence page.
DEFAULT_CADENCE_MONTHS = {CadenceScope.CRITICAL: 6, CadenceScope.OTHER: 12}


def _rating(verbose_name: str):
    return models.PositiveSmallIntegerField(verbose_name, choices=Rating.choices, null=True,
                                            blank=True)


class ReviewCadence(TetherModel):
    """How many months may pass between two reviews of an arrangement of one kind."""

    scope = models.CharField(max_length=16, choices=CadenceScope.choices, unique=True)
    months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Review at least this often (months).")

    permission_domain = "performance"

    class Meta:
        ordering = ["scope"]
        constraints = [models.CheckConstraint(
            name="review_cadence_months_range", condition=Q(months__gte=1, months__lte=60),
            violation_error_message="A cadence is between 1 and 60 months.")]

    def __str__(self):
        return f"{self.get_scope_display()}: every {self.months} months"


class Review(TetherModel):
    """A periodic review of an arrangement: ratings, feedback to the provider, decision."""

    arrangement = models.ForeignKey("registry.Arrangement", on_delete=models.CASCADE,
                                    related_name="reviews")
    period_from = models.DateField("period covered from")
    period_to = models.DateField("period covered to")
    held_on = models.DateField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reviews_held",
                                 limit_choices_to={"provider__isnull": True})
    quality_rating = _rating("quality")
    delivery_rating = _rating("delivery and timeliness")
    communication_rating = _rating("communication")
    compliance_rating = _rating("compliance")
    improvement_rating = _rating("innovation and improvement")
    overall_rating = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, blank=True, editable=False,
        help_text="The mean of the ratings given; derived.")
    summary = models.TextField(blank=True, help_text="Internal; never shown to the provider.")
    feedback = models.TextField(blank=True, help_text="What we tell the provider.")
    feedback_shared_on = models.DateField(
        null=True, blank=True,
        help_text="When the feedback was shared with the provider's portal contacts; "
                  "empty: not shared, they do not see it.")
    decision = models.CharField(max_length=32, choices=Decision.choices,
                                default=Decision.CONTINUE)
    actions_agreed = models.TextField(blank=True)
    next_review_override = models.DateField(
        "next review due (override)", null=True, blank=True,
        help_text="Leave empty to follow the cadence.")
    next_review_due = models.DateField(
        null=True, blank=True, editable=False,
        help_text="Held on + the cadence, or the override; derived when the review is saved.")

    permission_domain = "performance"
    # Contacts never read reviews through `restrict` (ratings, summary and decision are
    # internal); the portal shows them the shared feedback alone (`selectors.shared_feedback`).
    provider_scope = None

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["arrangement", "held_on"], name="review_arr_held_idx")]
        constraints = [
            models.CheckConstraint(
                name="review_period_order", condition=Q(period_to__gte=F("period_from")),
                violation_error_message="The period covered ends before it starts."),
            models.CheckConstraint(
                name="review_next_after_held",
                condition=Q(next_review_override__isnull=True)
                | Q(next_review_override__gt=F("held_on")),
                violation_error_message="The next review is due after this one is held."),
            *(models.CheckConstraint(
                name=f"review_{name}_1_to_5",
                condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__range": (1, 5)}),
                violation_error_message="A rating is from 1 to 5.")
              for name, _label in RATING_FIELDS),
        ]

    def __str__(self):
        return f"Review of {self.arrangement} on {self.held_on:%Y-%m-%d}"

    @property
    def feedback_shared(self) -> bool:
        return self.feedback_shared_on is not None
