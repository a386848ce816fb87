"""One FilterSet per model of the performance app, shared by the pages, the exports and the
API."""

import django_filters
from django import forms

from tether.core.filtersets import SearchFilterSet
from tether.performance.choices import Aggregation, Direction, LevelKind, Outcome, PeriodLength
from tether.performance.models import CreditBand, PeriodResult, ServiceLevel

MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month as YYYY-MM (a browser's month input), or a full date; kept as its first day."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]
    widget = MONTH

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class MonthFilter(django_filters.DateFilter):
    field_class = MonthField


class ServiceLevelFilterSet(SearchFilterSet):
    search_fields = ("name", "reference", "arrangement__reference", "arrangement__provider__name")
    arrangement = django_filters.NumberFilter(label="Arrangement id")
    provider = django_filters.NumberFilter(field_name="arrangement__provider",
                                           label="Provider id")
    kind = django_filters.MultipleChoiceFilter(choices=LevelKind.choices, distinct=False)
    direction = django_filters.MultipleChoiceFilter(choices=Direction.choices, distinct=False)
    aggregation = django_filters.MultipleChoiceFilter(choices=Aggregation.choices,
                                                      distinct=False)
    period = django_filters.MultipleChoiceFilter(choices=PeriodLength.choices, distinct=False)
    critical = django_filters.BooleanFilter(field_name="arrangement__is_critical",
                                            label="Critical or important arrangement")
    active = django_filters.BooleanFilter()

    class Meta:
        model = ServiceLevel
        fields = ["arrangement", "kind", "active"]


class CreditBandFilterSet(SearchFilterSet):
    search_fields = ("service_level__reference", "service_level__name")
    service_level = django_filters.NumberFilter(label="Service level id")

    class Meta:
        model = CreditBand
        fields = ["service_level"]


class PeriodResultFilterSet(SearchFilterSet):
    """Results per period; `outcome=breached` lists the breaches."""

    search_fields = ("service_level__reference", "service_level__name",
                     "service_level__arrangement__reference",
                     "service_level__arrangement__provider__name")
    service_level = django_filters.NumberFilter(label="Service level id")
    arrangement = django_filters.NumberFilter(field_name="service_level__arrangement",
                                              label="Arrangement id")
    provider = django_filters.NumberFilter(field_name="service_level__arrangement__provider",
                                           label="Provider id")
    outcome = django_filters.MultipleChoiceFilter(choices=Outcome.choices, distinct=False)
    kind = django_filters.MultipleChoiceFilter(field_name="service_level__kind",
                                               choices=LevelKind.choices, distinct=False)
    critical = django_filters.BooleanFilter(field_name="service_level__arrangement__is_critical",
                                            label="Critical or important arrangement")
    period_from = MonthFilter(field_name="period_start", lookup_expr="gte",
                              label="From month (YYYY-MM)")
    period_to = MonthFilter(field_name="period_start", lookup_expr="lte",
                            label="To month (YYYY-MM)")
    with_credit = django_filters.BooleanFilter(method="filter_with_credit",
                                               label="Service credit owed")

    class Meta:
        model = PeriodResult
        fields = ["service_level", "outcome"]

    def filter_with_credit(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(credit_amount__gt=0) if value else queryset.filter(
            credit_amount=0)


class CreditsFilterSet(PeriodResultFilterSet):
    """The results whose credits are added up on "Service credits owed"."""

    class Meta:
        model = PeriodResult
        fields = ["service_level"]
