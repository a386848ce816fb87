from django.db import models


class Decision(models.TextChoices):
    CONTINUE = "continue", "Continue"
    IMPROVEMENT_PLAN = "continue_with_improvement_plan", "Continue with an improvement plan"
    RENEGOTIATE = "renegotiate", "Renegotiate"
    PREPARE_EXIT = "prepare_exit", "Prepare exit"


class Rating(models.IntegerChoices):
    POOR = 1, "1 · Poor"
    BELOW = 2, "2 · Below expectations"
    MEETS = 3, "3 · Meets expectations"
    GOOD = 4, "4 · Good"
    EXCELLENT = 5, "5 · Excellent"


class CadenceScope(models.TextChoices):
    """Which arrangements a review cadence applies to."""

    CRITICAL = "critical", "Critical or important function"
    OTHER = "other", "Other arrangements"


# The rating fields of a review, with their labels: one list, read by the model, the overall
# rating, the forms, tables, charts and exports.
RATING_FIELDS = (
    ("quality_rating", "Quality"),
    ("delivery_rating", "Delivery and timeliness"),
    ("communication_rating", "Communication"),
    ("compliance_rating", "Compliance"),
    ("improvement_rating", "Innovation and improvement"),
)
