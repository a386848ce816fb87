"""Forms of the performance app. Arrangements number in the thousands: they are searched,
never listed. The rules across fields are the services' (`services.level_problems`), so the
form shows the same messages the API answers."""

from tether.core.forms import TetherModelForm
from tether.core.widgets import SearchSelect
from tether.performance import services
from tether.performance.models import CreditBand, ServiceLevel


def add_problems(form, problems: dict) -> None:
    """The services' messages on the fields they are about (so the model's own constraint
    on those fields is not reported a second time)."""
    for name, messages in problems.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class ServiceLevelForm(TetherModelForm):
    class Meta:
        model = ServiceLevel
        fields = ["arrangement", "kind", "name", "reference", "unit", "description",
                  "direction", "aggregation", "percentile", "item_target", "target", "period",
                  "minimum_count", "monthly_fee", "currency", "credit_cap_percent", "active"]
        widgets = {"arrangement": SearchSelect("registry:arrangement_choices")}
        help_texts = {
            "target": "What the period's aggregate must reach: 99.9 (%), 300 (ms), 95 (% of "
                      "tickets within the item target)…",
            "currency": "Of the monthly fee and the credits.",
            "direction": "For a share within target: which way each item is better (hours "
                         "to resolve: lower); the share itself is always better higher.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # A level belongs to its arrangement; its measurements were sent for it.
            self.fields["arrangement"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            instance = self.instance if self.instance.pk else None
            add_problems(self, services.level_problems(
                services.level_candidate(instance, self.service_data())))
        return cleaned


class CreditBandForm(TetherModelForm):
    class Meta:
        model = CreditBand
        fields = ["service_level", "worse_than", "credit_percent"]
        widgets = {"service_level": SearchSelect("performance:servicelevel_choices")}
        labels = {"worse_than": "When the period is worse than",
                  "credit_percent": "Credit (% of the monthly fee)"}
        help_texts = {"worse_than": "In the level's unit; on the worse side of its target. "
                                    "The most severe band that applies wins."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["service_level"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            instance = self.instance if self.instance.pk else None
            add_problems(self, services.band_problems(
                services.band_candidate(instance, self.service_data())))
        return cleaned
