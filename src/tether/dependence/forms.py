from django import forms
from django_countries import countries

from tether.core.widgets import SearchSelect
from tether.dependence.concentration import DIMENSIONS, MEASURES
from tether.dependence.whatif import KINDS
from tether.registry.models import Provider


class WhatIfForm(forms.Form):
    """What fails: a provider, its whole group, a country, or a subcontractor."""

    kind = forms.ChoiceField(label="What fails", choices=list(KINDS.items()))
    provider = forms.ModelChoiceField(
        Provider.objects.all(), required=False, widget=SearchSelect("registry:provider_choices"),
        label="Provider, group member or subcontractor",
        help_text="For a group, any member: the whole group (its ultimate parent and every "
                  "provider below it) fails.")
    country = forms.ChoiceField(choices=[("", "---------"), *countries], required=False)
    served_from = forms.BooleanField(
        required=False, label="Also providers serving or storing data in the country")

    def clean(self):
        data = super().clean()
        if data.get("kind") == "country":
            if not data.get("country"):
                self.add_error("country", "Choose the country that fails.")
        elif not data.get("provider"):
            self.add_error("provider", "Choose the provider that fails.")
        return data

    def key(self) -> str:
        data = self.cleaned_data
        return data["country"] if data["kind"] == "country" else str(data["provider"].pk)


class ConcentrationForm(forms.Form):
    dimension = forms.ChoiceField(choices=list(DIMENSIONS.items()), required=False)
    measure = forms.ChoiceField(choices=list(MEASURES.items()), required=False)
    currency = forms.RegexField(regex=r"^[A-Z]{3}$", required=False, max_length=3)
