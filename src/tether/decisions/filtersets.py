"""One FilterSet per model of the decisions app, shared by its pages, exports and the API."""

import django_filters

from tether.core.filtersets import IdField, SearchFilterSet
from tether.decisions.choices import CaseStatus, OptionKind
from tether.decisions.models import MAX_HORIZON_YEARS, DecisionActual, DecisionCase, DecisionOption


class YearField(IdField):
    """A year of the horizon: digits only, 1 to 15."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", MAX_HORIZON_YEARS)
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    field_class = YearField


class DecisionCaseFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "activity__name")
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices)

    class Meta:
        model = DecisionCase
        fields = ["activity", "status"]


class DecisionOptionFilterSet(SearchFilterSet):
    search_fields = ("name", "notes", "provider__name")
    kind = django_filters.ChoiceFilter(choices=OptionKind.choices)

    class Meta:
        model = DecisionOption
        fields = ["case", "kind", "provider"]


class DecisionActualFilterSet(SearchFilterSet):
    search_fields = ("notes", "case__title")
    year = YearFilter()

    class Meta:
        model = DecisionActual
        fields = ["case", "year"]
