"""Create/edit forms of the register; validation messages come from the models' rules."""

from django import forms

from tether.core.forms import TetherModelForm
from tether.core.widgets import SearchSelect
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
)
from tether.registry.validators import currency_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationForm(TetherModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "lei", "country", "description"]


class ActivityForm(TetherModelForm):
    class Meta:
        model = Activity
        fields = ["organisation", "parent", "name", "porter_area", "is_core_competency",
                  "sourcing", "description"]


class ProviderForm(TetherModelForm):
    spend_currency = forms.ChoiceField(choices=currency_choices, initial="EUR")
    website = forms.URLField(assume_scheme="https", required=False)

    class Meta:
        model = Provider
        fields = ["name", "lei", "country", "person_type", "parent", "outsourcing_type",
                  "status", "relationship_owner", "annual_spend", "spend_currency",
                  "service_countries", "data_storage_countries", "services", "website",
                  "registered_address", "description"]
        widgets = {"parent": SearchSelect("registry:provider_choices")}

    def clean_lei(self):
        lei = self.cleaned_data.get("lei")
        return "".join(lei.split()).upper() if lei else None


class ProviderIdentifierForm(TetherModelForm):
    class Meta:
        model = ProviderIdentifier
        fields = ["provider", "scheme", "value", "country"]
        widgets = {"provider": SearchSelect("registry:provider_choices")}


class ServiceForm(TetherModelForm):
    class Meta:
        model = Service
        fields = ["name", "service_type", "description", "activities"]


class ArrangementForm(TetherModelForm):
    currency = forms.ChoiceField(choices=currency_choices, initial="EUR")

    class Meta:
        model = Arrangement
        fields = ["reference", "title", "organisation", "provider", "services",
                  "arrangement_type", "overarching", "status", "start_date", "end_date",
                  "notice_period_entity_days", "notice_period_provider_days", "renewal_type",
                  "annual_cost", "currency", "governing_law_country", "is_critical",
                  "criticality_reason", "substitutability", "data_involved",
                  "supports_time_critical_operations", "cloud_service_model",
                  "cloud_deployment_model", "approved_by", "nda_required_from", "owner", "notes"]
        widgets = {
            "provider": SearchSelect("registry:provider_choices"),
            "overarching": SearchSelect("registry:arrangement_choices"),
            "start_date": DATE,
            "end_date": DATE,
        }


class SubcontractingLinkForm(TetherModelForm):
    class Meta:
        model = SubcontractingLink
        fields = ["provider", "subcontractor", "service", "arrangement",
                  "supports_critical_function", "description"]
        widgets = {
            "provider": SearchSelect("registry:provider_choices"),
            "subcontractor": SearchSelect("registry:provider_choices"),
            "arrangement": SearchSelect("registry:arrangement_choices"),
        }
