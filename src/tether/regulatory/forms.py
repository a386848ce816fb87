"""Forms of the register-of-information data. Arrangements, providers, activities and
functions number in the thousands: searched, never listed."""

from django import forms

from tether.core.forms import TetherModelForm
from tether.core.widgets import SearchSelect
from tether.regulatory.models import (
    ArrangementProfile,
    Branch,
    EntityProfile,
    Function,
    IctService,
    ProviderProfile,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntityProfileForm(TetherModelForm):
    class Meta:
        model = EntityProfile
        fields = ["organisation", "in_scope", "entity_type", "hierarchy", "parent",
                  "competent_authority", "total_assets", "total_assets_currency",
                  "integrated_on", "deleted_on"]
        widgets = {"integrated_on": DATE, "deleted_on": DATE}


class BranchForm(TetherModelForm):
    class Meta:
        model = Branch
        fields = ["head_office", "code", "name", "country"]


class FunctionForm(TetherModelForm):
    class Meta:
        model = Function
        fields = ["organisation", "identifier", "name", "activity", "licenced_activity",
                  "criticality", "criticality_reasons", "assessed_on", "rto_hours",
                  "rpo_hours", "discontinuing_impact"]
        widgets = {"activity": SearchSelect("registry:activity_choices"), "assessed_on": DATE}


class IctServiceForm(TetherModelForm):
    class Meta:
        model = IctService
        fields = ["arrangement", "organisation", "branch", "function", "service_type",
                  "provision_country", "stores_data", "storage_country", "processing_country",
                  "data_sensitivity", "reliance"]
        widgets = {"arrangement": SearchSelect("registry:arrangement_choices"),
                   "function": SearchSelect("regulatory:function_choices")}


class ArrangementProfileForm(TetherModelForm):
    class Meta:
        model = ArrangementProfile
        fields = ["arrangement", "termination_reason", "not_substitutable_reason",
                  "reintegration", "discontinuing_impact", "alternatives_note"]
        widgets = {"arrangement": SearchSelect("registry:arrangement_choices")}


class ProviderProfileForm(TetherModelForm):
    class Meta:
        model = ProviderProfile
        fields = ["provider", "latin_name"]
        widgets = {"provider": SearchSelect("registry:provider_choices")}
