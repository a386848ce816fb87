"""One FilterSet per model of the continuity app, and one per overview, shared by the pages,
the exports and the API."""

import django_filters

from tether.continuity.choices import (
    AlternativeKind,
    CapabilityKind,
    CapabilityLevel,
    ExitStrategy,
    PlanTestKind,
    PlanTestResult,
)
from tether.continuity.models import (
    ExitPlan,
    ExitPlanTest,
    ExitStep,
    InHouseCapability,
    ServiceAlternative,
)
from tether.continuity.selectors import READINESS_CHOICES
from tether.core.filtersets import SearchFilterSet
from tether.registry.models import Activity, Arrangement, Organisation, Service


def _organisations(request=None):
    organisations = Organisation.objects.order_by("name")
    return organisations.restrict(request.user) if request is not None else organisations


class ExitPlanFilterSet(SearchFilterSet):
    search_fields = ("arrangement__reference", "arrangement__title", "arrangement__provider__name",
                     "triggers", "notes")
    strategy = django_filters.MultipleChoiceFilter(choices=ExitStrategy.choices, distinct=False)
    arrangement = django_filters.NumberFilter(label="Arrangement id")
    provider = django_filters.NumberFilter(field_name="arrangement__provider",
                                           label="Provider id")
    organisation = django_filters.ModelChoiceFilter(
        field_name="arrangement__organisation", queryset=_organisations, label="Organisation")
    alternative_provider = django_filters.NumberFilter(label="Alternative provider id")
    owner = django_filters.NumberFilter(label="Owner id")

    class Meta:
        model = ExitPlan
        fields = ["strategy"]


class ExitStepFilterSet(SearchFilterSet):
    search_fields = ("description", "plan__arrangement__reference")
    plan = django_filters.NumberFilter(label="Exit plan id")
    owner = django_filters.NumberFilter(label="Owner id")

    class Meta:
        model = ExitStep
        fields = ["plan"]


class ExitPlanTestFilterSet(SearchFilterSet):
    search_fields = ("lessons", "plan__arrangement__reference")
    plan = django_filters.NumberFilter(label="Exit plan id")
    kind = django_filters.MultipleChoiceFilter(choices=PlanTestKind.choices, distinct=False)
    result = django_filters.MultipleChoiceFilter(choices=PlanTestResult.choices, distinct=False)
    tested_after = django_filters.DateFilter(field_name="tested_on", lookup_expr="gte",
                                             label="Tested on or after")

    class Meta:
        model = ExitPlanTest
        fields = ["plan", "kind", "result"]


class InHouseCapabilityFilterSet(SearchFilterSet):
    search_fields = ("name", "notes", "activity__name")
    activity = django_filters.NumberFilter(label="Activity id")
    organisation = django_filters.ModelChoiceFilter(
        field_name="activity__organisation", queryset=_organisations, label="Organisation")
    kind = django_filters.MultipleChoiceFilter(choices=CapabilityKind.choices, distinct=False)
    level = django_filters.MultipleChoiceFilter(choices=CapabilityLevel.choices, distinct=False)

    class Meta:
        model = InHouseCapability
        fields = ["activity", "kind", "level"]


class ServiceAlternativeFilterSet(SearchFilterSet):
    search_fields = ("service__name", "provider__name", "description")
    service = django_filters.NumberFilter(label="Service id")
    provider = django_filters.NumberFilter(label="Provider id")
    kind = django_filters.MultipleChoiceFilter(choices=AlternativeKind.choices, distinct=False)

    class Meta:
        model = ServiceAlternative
        fields = ["service", "provider", "kind"]


# --- overviews ---------------------------------------------------------------------------------

class ReadinessFilterSet(SearchFilterSet):
    """Critical arrangements by exit readiness (the queryset carries `readiness`)."""

    search_fields = ("reference", "title", "provider__name")
    organisation = django_filters.ModelChoiceFilter(queryset=_organisations,
                                                    label="Organisation")
    readiness = django_filters.MultipleChoiceFilter(choices=READINESS_CHOICES, distinct=False,
                                                  label="Readiness")
    provider = django_filters.NumberFilter(label="Provider id")

    class Meta:
        model = Arrangement
        fields = ["organisation", "readiness", "provider"]


class CapabilityCoverageFilterSet(SearchFilterSet):
    """Outsourced activities by the capability kept (the queryset carries `best_level`)."""

    search_fields = ("name", "organisation__name")
    organisation = django_filters.ModelChoiceFilter(queryset=_organisations,
                                                    label="Organisation")
    no_capability = django_filters.BooleanFilter(method="filter_no_capability",
                                                 label="No capability recorded")

    class Meta:
        model = Activity
        fields = ["organisation"]

    def filter_no_capability(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(capability_count=0) if value else queryset.filter(
            capability_count__gt=0)


class AlternativeCoverageFilterSet(SearchFilterSet):
    """Services by their alternatives (the queryset carries `alternative_count`)."""

    search_fields = ("name",)
    no_alternative = django_filters.BooleanFilter(method="filter_no_alternative",
                                                  label="No alternative")

    class Meta:
        model = Service
        fields = ["service_type"]

    def filter_no_alternative(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(alternative_count=0) if value else queryset.filter(
            alternative_count__gt=0)
