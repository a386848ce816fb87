"""Forms of the risk app; levels are labelled from the current methodology's scales."""

import json

import yaml
from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q

from tether.core.forms import TetherModelForm
from tether.core.models import User
from tether.core.widgets import SearchSelect
from tether.risk.methodology import MethodologyConfig, methodology_errors
from tether.risk.models import (
    ArrangementIntake,
    Control,
    CountryRisk,
    Risk,
    RiskCategory,
)
from tether.risk.selectors import current_config

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RATING_CHOICES = [(1, "1 — low"), (2, "2"), (3, "3 — medium"), (4, "4"), (5, "5 — high")]
SUBJECTS = ("provider", "arrangement", "activity")
# How the model words the one-subject rule (Risk.clean and its check constraint).
SUBJECT_RULES = ("exactly one of provider", "concerns one provider")


def colleagues():
    """Internal users who can own a risk or a control.

    Not `User.objects.restrict(...)`: reading user accounts is the administrator's, but naming
    a colleague as owner is everyone's who writes risks.
    """
    return User.objects.filter(is_active=True, provider__isnull=True).order_by(
        "first_name", "last_name", "username")


def level_choices(labels: dict[int, str], blank: str | None = None) -> list:
    choices = [(level, f"{level} — {label}") for level, label in sorted(labels.items())]
    return [("", blank), *choices] if blank is not None else choices


class RiskForm(TetherModelForm):
    inherent_likelihood = forms.TypedChoiceField(coerce=int, label="Inherent likelihood")
    inherent_impact = forms.TypedChoiceField(coerce=int, label="Inherent impact")
    residual_likelihood = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Residual likelihood (override)",
        help_text="Leave empty to derive it from the implemented controls.")
    residual_impact = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Residual impact (override)",
        help_text="Leave empty to derive it from the implemented controls.")

    class Meta:
        model = Risk
        fields = ["title", "category", "provider", "arrangement", "activity", "description",
                  "owner", "status", "treatment", "treatment_notes", "inherent_likelihood",
                  "inherent_impact", "residual_likelihood", "residual_impact", "review_date"]
        widgets = {
            "provider": SearchSelect("registry:provider_choices"),
            "arrangement": SearchSelect("registry:arrangement_choices"),
            "activity": SearchSelect("registry:activity_choices"),
            "review_date": DATE,
        }
        help_texts = {
            "provider": "The risk concerns one provider, one arrangement or one value-chain "
                        "activity: fill in exactly one of the three.",
        }

    def __init__(self, *args, config: MethodologyConfig | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        config = config or current_config()
        # A deactivated category takes no new risks; those it has keep it.
        categories = self.fields["category"].queryset
        self.fields["category"].queryset = categories.filter(
            Q(is_active=True) | Q(pk=self.instance.category_id or 0))
        self.fields["owner"].queryset = colleagues()
        for name, labels, blank in (
            ("inherent_likelihood", config.likelihood_labels, None),
            ("inherent_impact", config.impact_labels, None),
            ("residual_likelihood", config.likelihood_labels, "— derive from controls —"),
            ("residual_impact", config.impact_labels, "— derive from controls —"),
        ):
            self.fields[name].choices = level_choices(labels, blank)
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in SUBJECTS:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in SUBJECTS if cleaned.get(name)]
        if len(chosen) != 1 and not any(name in self.errors for name in SUBJECTS):
            raise forms.ValidationError(
                "Choose exactly one of provider, arrangement or activity: the risk concerns "
                "one of them.", code="subject")
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The model states the one-subject rule twice (clean and its check constraint): when
        # the form has already said it, keep the form's sentence only.
        errors = self._errors.get(NON_FIELD_ERRORS)
        if errors and any(e.code == "subject" for e in errors.as_data()):
            kept = [e for e in errors.as_data()
                    if e.code == "subject" or not any(m in e.message for m in SUBJECT_RULES)]
            self._errors[NON_FIELD_ERRORS] = self.error_class(kept, error_class="nonfield")


class ControlForm(TetherModelForm):
    class Meta:
        model = Control
        fields = ["risk", "title", "description", "control_type", "status",
                  "likelihood_reduction", "impact_reduction", "owner"]
        widgets = {"risk": SearchSelect("risk:risk_choices")}
        help_texts = {"status": "Only implemented controls lower the residual rating."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = colleagues()


class RiskCategoryForm(TetherModelForm):
    class Meta:
        model = RiskCategory
        fields = ["name", "code", "description", "position", "is_active"]
        help_texts = {
            "code": "The methodology's appetite names categories by this code; it cannot "
                    "change once the category exists.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["code"].disabled = True


class CountryRiskForm(TetherModelForm):
    political = forms.TypedChoiceField(coerce=int, choices=RATING_CHOICES)
    economic = forms.TypedChoiceField(coerce=int, choices=RATING_CHOICES)
    legal = forms.TypedChoiceField(coerce=int, choices=RATING_CHOICES)

    class Meta:
        model = CountryRisk
        fields = ["country", "political", "economic", "legal", "source", "as_of", "notes"]
        widgets = {"as_of": DATE}


class ArrangementIntakeForm(TetherModelForm):
    class Meta:
        model = ArrangementIntake
        fields = ["arrangement", "criticality", "data_sensitivity", "system_access",
                  "annual_spend", "substitutability", "country", "notes"]
        widgets = {"arrangement": SearchSelect("registry:arrangement_choices")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # An intake belongs to its arrangement; another arrangement gets its own.
            self.fields["arrangement"].disabled = True


class ConfigLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: `*name` repeats a node by reference, and a few
    nested aliases expand to gigabytes once the configuration is written out as JSON."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed; write the "
                "values out", self.peek_event().start_mark)
        return super().compose_node(parent, index)


class MethodologyForm(forms.Form):
    """A new methodology version, written as YAML (the current one prefilled)."""

    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    change_note = forms.CharField(
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        help_text="What changes and why: it stays in the version history.")
    config = forms.CharField(
        label="Configuration (YAML)", max_length=100_000,
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 30,
                                     "spellcheck": "false"}))

    def clean_config(self):
        text = self.cleaned_data["config"]
        try:
            raw = yaml.load(text, Loader=ConfigLoader)  # noqa: S506 (a SafeLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            problem = getattr(error, "problem", None) or str(error)
            raise forms.ValidationError(f"This is not valid YAML{where}: {problem}.") from None
        try:
            # Stored as JSON: mapping keys become text, and only JSON's types are allowed.
            raw = json.loads(json.dumps(raw))
        except (TypeError, ValueError):
            raise forms.ValidationError(
                "Use only numbers, text, lists and mappings (a date or other value YAML reads "
                "as an object cannot be stored; quote it).") from None
        errors = config_errors(raw)
        if errors:
            raise forms.ValidationError(errors)
        return raw


def config_errors(raw) -> list[str]:
    """The configuration's problems; a value of a kind the checks do not expect (a list where
    a rating code belongs) is a problem too, never a server error."""
    try:
        return methodology_errors(raw)
    except (TypeError, ValueError, KeyError, AttributeError):
        return ["A setting has a value of the wrong kind (a list or mapping where a number or "
                "a rating code belongs): compare it with the current configuration."]


def config_as_yaml(config: dict) -> str:
    """A configuration as YAML an administrator can edit: scales and rows on one line each."""
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True, default_flow_style=None,
                          width=100)


class AppetiteForm(forms.Form):
    """The appetite only: one most-severe-acceptable rating per category, and the default."""

    change_note = forms.CharField(
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        help_text="Why the appetite changes: it stays in the version history.")

    def __init__(self, *args, config: MethodologyConfig, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config
        choices = [(rating.code, rating.label) for rating in config.ratings]
        attrs = {"class": "form-select"}
        self.fields["default"] = forms.ChoiceField(
            choices=choices, label="Default (every other category)",
            initial=config.appetite["default"], widget=forms.Select(attrs=attrs))
        self.fields["provider_appetite"] = forms.ChoiceField(
            choices=choices, label="Provider residual score",
            initial=config.provider_appetite, widget=forms.Select(attrs=attrs))
        self.category_fields = []
        for category in categories:
            name = f"category_{category.code}"
            self.fields[name] = forms.ChoiceField(
                choices=[("", "— the default —"), *choices], required=False,
                label=category.name, initial=config.appetite.get(category.code, ""),
                widget=forms.Select(attrs=attrs))
            self.category_fields.append((name, category.code))
        self.order_fields(["default", "provider_appetite",
                           *[name for name, _ in self.category_fields], "change_note"])

    def new_config(self) -> dict:
        config = json.loads(json.dumps(self.config.raw))
        appetite = {"default": self.cleaned_data["default"]}
        known = {code for _, code in self.category_fields}
        # Appetites of categories not shown here (inactive, or not yet created) are kept.
        appetite.update({code: rating for code, rating in self.config.appetite.items()
                         if code != "default" and code not in known})
        for name, code in self.category_fields:
            if self.cleaned_data.get(name):
                appetite[code] = self.cleaned_data[name]
        config["appetite"] = appetite
        config["provider_appetite"] = self.cleaned_data["provider_appetite"]
        return config


class CountryImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV (UTF-8; comma, semicolon or tab separated) or XLSX with the columns "
                  "country, political, economic, legal and optionally source, as_of, notes.",
        widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                               "accept": ".csv,.txt,.xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TETHER_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 2**20:.0f} MB; the limit is {limit / 2**20:.0f} MB.")
        return upload
