"""Pages of the register-of-information data: each model declares its pages once."""

from tether.core.views.generic import ObjectViewSet
from tether.regulatory import filtersets, forms, services, tables
from tether.regulatory.models import (
    ArrangementProfile,
    Branch,
    EntityProfile,
    Function,
    IctService,
    ProviderProfile,
)


class EntityProfileViews(ObjectViewSet):
    model = EntityProfile
    url_prefix = "entities/"
    filterset_class = filtersets.EntityProfileFilterSet
    table_class = tables.EntityProfileTable
    form_class = forms.EntityProfileForm
    services = services.ENTITY_PROFILE
    choices_search_field = "organisation__name"
    detail_fields = ["organisation", "in_scope", "entity_type", "hierarchy", "parent",
                     "competent_authority", "total_assets", "total_assets_currency",
                     "integrated_on", "deleted_on"]

    @classmethod
    def base_queryset(cls):
        return EntityProfile.objects.select_related("organisation", "parent")


class BranchViews(ObjectViewSet):
    model = Branch
    url_prefix = "branches/"
    filterset_class = filtersets.BranchFilterSet
    table_class = tables.BranchTable
    form_class = forms.BranchForm
    services = services.BRANCH
    detail_fields = ["head_office", "code", "name", "country"]

    @classmethod
    def base_queryset(cls):
        return Branch.objects.select_related("head_office")


class FunctionViews(ObjectViewSet):
    model = Function
    url_prefix = "functions/"
    filterset_class = filtersets.FunctionFilterSet
    table_class = tables.FunctionTable
    form_class = forms.FunctionForm
    services = services.FUNCTION
    choices_search_field = "name"
    detail_fields = ["organisation", "identifier", "name", "activity", "licenced_activity",
                     "criticality", "criticality_reasons", "assessed_on", "rto_hours",
                     "rpo_hours", "discontinuing_impact"]

    @classmethod
    def base_queryset(cls):
        return Function.objects.select_related("organisation", "activity")


class IctServiceViews(ObjectViewSet):
    model = IctService
    url_prefix = "ict-services/"
    filterset_class = filtersets.IctServiceFilterSet
    table_class = tables.IctServiceTable
    form_class = forms.IctServiceForm
    services = services.ICT_SERVICE
    choices_search_field = "arrangement__reference"
    detail_fields = ["arrangement", "organisation", "branch", "function", "service_type",
                     "provision_country", "stores_data", "storage_country",
                     "processing_country", "data_sensitivity", "reliance"]

    @classmethod
    def base_queryset(cls):
        return IctService.objects.select_related(
            "arrangement", "arrangement__provider", "organisation", "branch", "function")


class ArrangementProfileViews(ObjectViewSet):
    model = ArrangementProfile
    url_prefix = "arrangement-assessments/"
    filterset_class = filtersets.ArrangementProfileFilterSet
    table_class = tables.ArrangementProfileTable
    form_class = forms.ArrangementProfileForm
    services = services.ARRANGEMENT_PROFILE
    choices_search_field = "arrangement__reference"
    detail_fields = ["arrangement", "termination_reason", "not_substitutable_reason",
                     "reintegration", "discontinuing_impact", "alternatives_note"]

    @classmethod
    def base_queryset(cls):
        return ArrangementProfile.objects.select_related("arrangement")


class ProviderProfileViews(ObjectViewSet):
    model = ProviderProfile
    url_prefix = "provider-names/"
    filterset_class = filtersets.ProviderProfileFilterSet
    table_class = tables.ProviderProfileTable
    form_class = forms.ProviderProfileForm
    services = services.PROVIDER_PROFILE
    choices_search_field = "latin_name"
    detail_fields = ["provider", "latin_name"]

    @classmethod
    def base_queryset(cls):
        return ProviderProfile.objects.select_related("provider")


VIEWSETS = (EntityProfileViews, BranchViews, FunctionViews, IctServiceViews,
            ArrangementProfileViews, ProviderProfileViews)
