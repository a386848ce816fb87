"""One FilterSet per model, shared by the UI lists, the API, exports and selectors."""

import django_filters
from django.db.models import Exists, OuterRef
from django_countries import countries

from tether.core.filtersets import SearchFilterSet
from tether.registry.choices import (
    ArrangementStatus,
    DataInvolved,
    OutsourcingType,
    PorterArea,
    ProviderStatus,
    Sourcing,
    Substitutability,
)
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
)

COUNTRY_CHOICES = list(countries)


class OrganisationFilterSet(SearchFilterSet):
    search_fields = ("name", "lei")

    class Meta:
        model = Organisation
        fields = ["country"]


class ActivityFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    porter_area = django_filters.MultipleChoiceFilter(
        distinct=False, choices=PorterArea.choices
    )
    sourcing = django_filters.MultipleChoiceFilter(
        distinct=False, choices=Sourcing.choices
    )

    class Meta:
        model = Activity
        fields = ["organisation", "category", "porter_area", "sourcing", "is_core_competency"]


class ProviderFilterSet(SearchFilterSet):
    search_fields = ("name", "lei")
    status = django_filters.MultipleChoiceFilter(
        distinct=False, choices=ProviderStatus.choices
    )
    outsourcing_type = django_filters.MultipleChoiceFilter(
        distinct=False, choices=OutsourcingType.choices
    )
    country = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES)
    service_country = django_filters.ChoiceFilter(
        choices=COUNTRY_CHOICES, field_name="service_countries", lookup_expr="contains",
        label="Performs service in",
    )
    data_storage_country = django_filters.ChoiceFilter(
        choices=COUNTRY_CHOICES, field_name="data_storage_countries", lookup_expr="contains",
        label="Stores data in",
    )
    ultimate_parent = django_filters.NumberFilter(label="Group (ultimate parent id)")
    has_critical = django_filters.BooleanFilter(
        method="filter_has_critical", label="Has critical arrangements"
    )

    class Meta:
        model = Provider
        fields = ["status", "outsourcing_type", "country", "relationship_owner"]

    def filter_has_critical(self, queryset, name, value):
        exists = Exists(Arrangement.objects.filter(provider=OuterRef("pk"), is_critical=True))
        return queryset.filter(exists) if value else queryset.exclude(exists)


class ServiceFilterSet(SearchFilterSet):
    search_fields = ("name", "description")

    class Meta:
        model = Service
        fields = ["service_type", "activities"]


class ArrangementFilterSet(SearchFilterSet):
    search_fields = ("reference", "title", "provider__name")
    status = django_filters.MultipleChoiceFilter(
        distinct=False, choices=ArrangementStatus.choices
    )
    substitutability = django_filters.MultipleChoiceFilter(
        distinct=False, choices=Substitutability.choices
    )
    data_involved = django_filters.MultipleChoiceFilter(
        distinct=False, choices=DataInvolved.choices
    )
    provider = django_filters.NumberFilter(label="Provider id")
    service = django_filters.NumberFilter(field_name="services", label="Service id")
    activity = django_filters.NumberFilter(
        field_name="services__activities", label="Activity id", distinct=True
    )
    end_date = django_filters.DateFromToRangeFilter(label="Ends between")
    notice_deadline = django_filters.DateFromToRangeFilter(label="Notice deadline between")

    class Meta:
        model = Arrangement
        fields = ["organisation", "status", "is_critical", "renewal_type", "currency"]


class SubcontractingLinkFilterSet(SearchFilterSet):
    search_fields = ("provider__name", "subcontractor__name", "service__name")
    provider = django_filters.NumberFilter(label="Provider id")
    subcontractor = django_filters.NumberFilter(label="Subcontractor id")

    class Meta:
        model = SubcontractingLink
        fields = ["service", "supports_critical_function"]


class ProviderIdentifierFilterSet(SearchFilterSet):
    search_fields = ("value", "provider__name")
    provider = django_filters.NumberFilter(label="Provider id")

    class Meta:
        model = ProviderIdentifier
        fields = ["scheme"]
