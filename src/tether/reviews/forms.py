"""Forms of the reviews app. Arrangements number in the thousands: searched, never listed."""

from django import forms

from tether.core.forms import TetherModelForm
from tether.core.models import User
from tether.core.widgets import SearchSelect
from tether.reviews.models import Review, ReviewCadence

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def colleagues():
    """Internal users who can hold a review."""
    return User.objects.filter(is_active=True, provider__isnull=True).order_by(
        "first_name", "last_name", "username")


class ReviewForm(TetherModelForm):
    class Meta:
        model = Review
        fields = ["arrangement", "period_from", "period_to", "held_on", "reviewer",
                  "quality_rating", "delivery_rating", "communication_rating",
                  "compliance_rating", "improvement_rating", "summary", "feedback",
                  "feedback_shared_on", "decision", "actions_agreed", "next_review_override"]
        widgets = {"arrangement": SearchSelect("registry:arrangement_choices"),
                   "period_from": DATE, "period_to": DATE, "held_on": DATE,
                   "feedback_shared_on": DATE, "next_review_override": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = colleagues()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", "The period covered ends before it starts.")
        held, override = cleaned.get("held_on"), cleaned.get("next_review_override")
        if held and override and override <= held:
            self.add_error("next_review_override",
                           "The next review is due after this one is held.")
        shared = cleaned.get("feedback_shared_on")
        if shared and not (cleaned.get("feedback") or "").strip():
            self.add_error("feedback_shared_on", "Write the feedback before sharing it.")
        return cleaned


class ReviewCadenceForm(TetherModelForm):
    class Meta:
        model = ReviewCadence
        fields = ["scope", "months"]
