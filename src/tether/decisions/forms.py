"""Forms of the decisions app: a case, an option with its cost ranges, a year's actuals, and
the decision itself."""

from django import forms
from django.db.models import Q

from tether.core.forms import TetherModelForm
from tether.core.widgets import SearchSelect
from tether.decisions.choices import CaseStatus
from tether.decisions.models import COMPONENTS, DecisionActual, DecisionCase, DecisionOption
from tether.decisions.services import KEPT_MESSAGE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DecisionCaseForm(TetherModelForm):
    class Meta:
        model = DecisionCase
        fields = ["activity", "title", "horizon_years", "currency", "discount_rate",
                  "risk_cost_share", "description"]
        widgets = {"activity": SearchSelect("registry:activity_choices")}


class DecisionOptionForm(TetherModelForm):
    class Meta:
        model = DecisionOption
        fields = ["case", "name", "kind", "provider",
                  *(f"{prefix}_{point}" for prefix, _label in COMPONENTS
                    for point in ("low", "mode", "high")),
                  "escalation_percent", "risk_cost_manual", "notes"]
        widgets = {"case": SearchSelect("decisions:decisioncase_choices"),
                   "provider": SearchSelect("registry:provider_choices")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # New options go to draft cases only: a decided case keeps its options.
        self.fields["case"].queryset = self.fields["case"].queryset.filter(
            Q(status=CaseStatus.DRAFT) | Q(pk=self.instance.case_id or 0))

    def clean(self):
        cleaned = super().clean()
        case = cleaned.get("case")
        stored = self.instance.case if self.instance.pk else None
        if any(c is not None and c.status != CaseStatus.DRAFT for c in (case, stored)):
            raise forms.ValidationError(KEPT_MESSAGE)
        return cleaned


class DecisionActualForm(TetherModelForm):
    class Meta:
        model = DecisionActual
        fields = ["case", "year", "actual_cost", "sla_attainment", "notes"]
        widgets = {"case": SearchSelect("decisions:decisioncase_choices")}


class DecideForm(forms.Form):
    """The decision: the option chosen, and the recommendation and reasons as edited."""

    chosen_option = forms.ModelChoiceField(queryset=DecisionOption.objects.none(),
                                           label="Option chosen")
    recommendation = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False)
    decided_on = forms.DateField(widget=DATE, required=False,
                                 help_text="Leave empty for today.")

    def __init__(self, *args, case: DecisionCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen_option"].queryset = DecisionOption.objects.filter(case=case)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault(
                "class", "form-select" if name == "chosen_option" else "form-control")
