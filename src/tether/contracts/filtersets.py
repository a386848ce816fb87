"""One FilterSet per model of the contracts app, and one for the gap overview, shared by the
pages, the exports and the API."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from tether.contracts.choices import AppliesTo, ClauseStatus
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.contracts.selectors import lacking
from tether.core.filtersets import SearchFilterSet
from tether.registry.choices import ArrangementStatus
from tether.registry.models import Arrangement, Organisation


def _organisations(request=None):
    organisations = Organisation.objects.order_by("name")
    return organisations.restrict(request.user) if request is not None else organisations


def _requirements(request=None):
    return ClauseRequirement.objects.filter(is_active=True).order_by("position", "code")


class ClauseRequirementFilterSet(SearchFilterSet):
    search_fields = ("code", "title", "requirement", "sources")
    applies_to = django_filters.MultipleChoiceFilter(choices=AppliesTo.choices, distinct=False)

    class Meta:
        model = ClauseRequirement
        fields = ["applies_to", "is_active", "is_builtin"]


class ArrangementClauseFilterSet(SearchFilterSet):
    search_fields = ("arrangement__reference", "requirement__code", "requirement__title",
                     "location", "note", "reason")
    arrangement = django_filters.NumberFilter(label="Arrangement id")
    provider = django_filters.NumberFilter(field_name="arrangement__provider",
                                           label="Provider id")
    organisation = django_filters.ModelChoiceFilter(
        field_name="arrangement__organisation", queryset=_organisations, label="Organisation")
    requirement = django_filters.NumberFilter(label="Requirement id")
    status = django_filters.MultipleChoiceFilter(choices=ClauseStatus.choices, distinct=False)
    checked_after = django_filters.DateFilter(field_name="checked_on", lookup_expr="gte",
                                              label="Checked on or after")

    class Meta:
        model = ArrangementClause
        fields = ["arrangement", "requirement", "status"]


@extend_schema_field(OpenApiTypes.INT)
class RequirementFilter(django_filters.ModelChoiceFilter):
    """A clause requirement by id (an integer in the API schema)."""


class ClauseGapFilterSet(SearchFilterSet):
    """Arrangements by their clause gaps (the queryset carries `with_clause_counts`)."""

    search_fields = ("reference", "title", "provider__name")
    organisation = django_filters.ModelChoiceFilter(queryset=_organisations,
                                                    label="Organisation")
    provider = django_filters.NumberFilter(label="Provider id")
    is_critical = django_filters.BooleanFilter(label="Critical or important")
    status = django_filters.MultipleChoiceFilter(choices=ArrangementStatus.choices,
                                                 distinct=False, label="Arrangement status")
    clause = RequirementFilter(queryset=_requirements, method="filter_clause",
                               label="Lacking clause")
    has_gaps = django_filters.BooleanFilter(method="filter_has_gaps", label="With gaps")

    class Meta:
        model = Arrangement
        fields = ["organisation", "provider", "is_critical", "status"]

    def filter_clause(self, queryset, name, value):
        return queryset.filter(lacking(value)) if value is not None else queryset

    def filter_has_gaps(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(clause_gaps__gt=0) if value else queryset.filter(clause_gaps=0)
