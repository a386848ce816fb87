"""FilterSets of the register-of-information data, shared by the pages and the API."""

import django_filters

from tether.core.filtersets import SearchFilterSet
from tether.regulatory import codelists
from tether.regulatory.models import (
    ArrangementProfile,
    Branch,
    EntityProfile,
    ExportStatus,
    Function,
    IctService,
    ProviderProfile,
    RegisterExport,
)


class EntityProfileFilterSet(SearchFilterSet):
    search_fields = ("organisation__name", "organisation__lei", "competent_authority")
    entity_type = django_filters.MultipleChoiceFilter(
        choices=codelists.choices(codelists.ENTITY_TYPE), distinct=False)

    class Meta:
        model = EntityProfile
        fields = ["in_scope", "entity_type"]


class BranchFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "head_office__name")
    head_office = django_filters.NumberFilter(label="Head office (organisation id)")

    class Meta:
        model = Branch
        fields = ["head_office"]


class FunctionFilterSet(SearchFilterSet):
    search_fields = ("identifier", "name", "organisation__name")
    organisation = django_filters.NumberFilter(label="Organisation id")
    criticality = django_filters.MultipleChoiceFilter(
        choices=codelists.choices(codelists.CRITICALITY), distinct=False)

    class Meta:
        model = Function
        fields = ["organisation", "criticality"]


class IctServiceFilterSet(SearchFilterSet):
    search_fields = ("arrangement__reference", "arrangement__provider__name",
                     "function__identifier", "function__name")
    arrangement = django_filters.NumberFilter(label="Arrangement id")
    provider = django_filters.NumberFilter(field_name="arrangement__provider",
                                           label="Provider id")
    organisation = django_filters.NumberFilter(label="Organisation id")
    function = django_filters.NumberFilter(label="Function id")
    service_type = django_filters.MultipleChoiceFilter(
        choices=codelists.choices(codelists.ICT_SERVICE_TYPE), distinct=False)

    class Meta:
        model = IctService
        fields = ["arrangement", "organisation", "function", "service_type"]


class ArrangementProfileFilterSet(SearchFilterSet):
    search_fields = ("arrangement__reference", "arrangement__provider__name")
    arrangement = django_filters.NumberFilter(label="Arrangement id")

    class Meta:
        model = ArrangementProfile
        fields = ["arrangement"]


class ProviderProfileFilterSet(SearchFilterSet):
    search_fields = ("provider__name", "latin_name")
    provider = django_filters.NumberFilter(label="Provider id")

    class Meta:
        model = ProviderProfile
        fields = ["provider"]


class RegisterExportFilterSet(SearchFilterSet):
    search_fields = ("organisation__name", "organisation__lei", "file_name")
    organisation = django_filters.NumberFilter(label="Organisation id")
    status = django_filters.MultipleChoiceFilter(choices=ExportStatus.choices, distinct=False)

    class Meta:
        model = RegisterExport
        fields = ["organisation", "status"]
