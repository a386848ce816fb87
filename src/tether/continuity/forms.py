"""Forms of the continuity app. Providers, arrangements, activities and services number in the
thousands: they are searched, never listed."""

from django import forms

from tether.continuity.choices import AlternativeKind
from tether.continuity.models import (
    ExitPlan,
    ExitPlanTest,
    ExitStep,
    InHouseCapability,
    ServiceAlternative,
)
from tether.core.forms import TetherModelForm
from tether.core.models import User
from tether.core.widgets import SearchSelect

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def colleagues():
    """Internal users who can own a plan or a step (naming an owner needs no user rights)."""
    return User.objects.filter(is_active=True, provider__isnull=True).order_by(
        "first_name", "last_name", "username")


class ExitPlanForm(TetherModelForm):
    class Meta:
        model = ExitPlan
        fields = ["arrangement", "strategy", "alternative_provider", "triggers", "data_return",
                  "owner", "target_duration_days", "estimated_cost", "currency",
                  "last_reviewed", "review_months", "notes"]
        widgets = {
            "arrangement": SearchSelect("registry:arrangement_choices"),
            "alternative_provider": SearchSelect("registry:provider_choices"),
            "last_reviewed": DATE,
        }
        help_texts = {
            "strategy": "Where the work goes: another provider, back in-house, both, or "
                        "nowhere (the service stops).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = colleagues()
        if self.instance.pk is not None:
            # A plan belongs to its arrangement; write another plan for another one.
            self.fields["arrangement"].disabled = True


class ExitStepForm(TetherModelForm):
    class Meta:
        model = ExitStep
        fields = ["plan", "position", "description", "owner", "duration_days"]
        widgets = {"plan": SearchSelect("continuity:exitplan_choices")}
        help_texts = {"position": "Steps run in this order; leave 0 to add it last."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = colleagues()
        self.fields["position"].required = False

    def clean_position(self):
        return self.cleaned_data.get("position") or 0


class ExitPlanTestForm(TetherModelForm):
    class Meta:
        model = ExitPlanTest
        fields = ["plan", "tested_on", "kind", "result", "achieved_duration_days", "lessons"]
        widgets = {"plan": SearchSelect("continuity:exitplan_choices"), "tested_on": DATE}


class InHouseCapabilityForm(TetherModelForm):
    class Meta:
        model = InHouseCapability
        fields = ["activity", "name", "kind", "level", "people", "assessed_on", "notes"]
        widgets = {"activity": SearchSelect("registry:activity_choices"), "assessed_on": DATE}


class ServiceAlternativeForm(TetherModelForm):
    class Meta:
        model = ServiceAlternative
        fields = ["service", "kind", "provider", "description", "switch_days", "switch_cost",
                  "currency", "notes"]
        widgets = {"service": SearchSelect("registry:service_choices"),
                   "provider": SearchSelect("registry:provider_choices")}
        help_texts = {"provider": "Required for a provider already under contract."}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == AlternativeKind.CONTRACTED and not cleaned.get("provider") \
                and "provider" not in self.errors:
            self.add_error("provider", "Name the provider already under contract.")
        return cleaned
