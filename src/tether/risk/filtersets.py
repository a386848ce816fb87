"""One FilterSet per model of the risk app, shared by its pages, exports and the API.

Rating and tier choices come from the current methodology, read once per request.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django_countries import countries

from tether.core.filtersets import SearchFilterSet
from tether.registry.choices import ProviderStatus
from tether.registry.models import Arrangement, Organisation
from tether.risk.choices import (
    BusinessCriticality,
    ControlStatus,
    ControlType,
    DataSensitivity,
    RiskStatus,
    SystemAccess,
    Treatment,
)
from tether.risk.methodology import MethodologyConfig
from tether.risk.models import (
    ArrangementIntake,
    Control,
    CountryRisk,
    Methodology,
    ProviderScore,
    Risk,
    RiskCategory,
)
from tether.risk.selectors import current_config

RATING_LEVELS = [(level, str(level)) for level in range(1, 6)]


class LevelField(forms.IntegerField):
    """A likelihood or impact level: a whole number of 1 or more, digits only."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 32767)
        super().__init__(*args, **kwargs)


class LevelFilter(django_filters.NumberFilter):
    """Risks at one level of the grid; the top level of the scale also takes those above it
    (the engine rates levels above the scale as its top)."""

    field_class = LevelField

    def __init__(self, *args, scale: str, **kwargs):
        self.scale = scale
        kwargs.setdefault("method", "filter_level")
        super().__init__(*args, **kwargs)


class ConfiguredFilterSet(SearchFilterSet):
    """A FilterSet whose choices come from the current methodology."""

    def __init__(self, data=None, queryset=None, *, request=None, config=None, **kwargs):
        self.config: MethodologyConfig = config or current_config(request)
        super().__init__(data, queryset, request=request, **kwargs)
        for name, choices in self.configured_choices().items():
            field = self.form.fields.get(name)
            if field is not None:
                field.choices = choices
                if isinstance(field.widget, forms.SelectMultiple):
                    field.widget.attrs["size"] = min(len(choices), 5)

    def configured_choices(self) -> dict[str, list]:
        return {}

    def rating_choices(self) -> list[tuple[str, str]]:
        return [(rating.code, rating.label) for rating in self.config.ratings]

    def tier_choices(self) -> list[tuple[int, str]]:
        return [(tier.tier, tier.label or f"Tier {tier.tier}")
                for tier in sorted(self.config.tiers, key=lambda t: t.tier)]


def _organisation_choices(request=None):
    organisations = Organisation.objects.order_by("name")
    return organisations.restrict(request.user) if request is not None else organisations


class RiskFilterSet(ConfiguredFilterSet):
    search_fields = ("title", "description", "provider__name", "arrangement__reference",
                     "activity__name")
    category = django_filters.ModelMultipleChoiceFilter(
        queryset=RiskCategory.objects.all(), distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=RiskStatus.choices, distinct=False)
    treatment = django_filters.MultipleChoiceFilter(choices=Treatment.choices, distinct=False)
    inherent_rating = django_filters.MultipleChoiceFilter(choices=[], distinct=False)
    residual_rating = django_filters.MultipleChoiceFilter(choices=[], distinct=False)
    above_appetite = django_filters.BooleanFilter()
    tier = django_filters.MultipleChoiceFilter(
        choices=[], method="filter_tier", label="Provider tier")
    organisation = django_filters.ModelChoiceFilter(
        queryset=_organisation_choices, method="filter_organisation", label="Organisation")
    provider = django_filters.NumberFilter(
        method="filter_provider", label="Provider id (itself or its arrangements)")
    arrangement = django_filters.NumberFilter(label="Arrangement id")
    activity = django_filters.NumberFilter(label="Activity id")
    owner = django_filters.NumberFilter(label="Owner id")
    inherent_likelihood = LevelFilter(scale="likelihood")
    inherent_impact = LevelFilter(scale="impact")
    effective_likelihood = LevelFilter(scale="likelihood", label="Residual likelihood")
    effective_impact = LevelFilter(scale="impact", label="Residual impact")

    class Meta:
        model = Risk
        fields = ["category", "status", "treatment"]

    def configured_choices(self):
        return {"inherent_rating": self.rating_choices(),
                "residual_rating": self.rating_choices(), "tier": self.tier_choices()}

    def filter_tier(self, queryset, name, value: list[int]):
        if not value:
            return queryset
        return queryset.filter(Q(provider__risk_score__tier__in=value)
                               | Q(arrangement__provider__risk_score__tier__in=value))

    def filter_organisation(self, queryset, name, value: int):
        if value is None:
            return queryset
        served = Exists(Arrangement.objects.filter(provider=OuterRef("provider_id"),
                                                   organisation=value))
        return queryset.filter(Q(arrangement__organisation=value)
                               | Q(activity__organisation=value) | Q(served))

    def filter_provider(self, queryset, name, value):
        return queryset.filter(Q(provider_id=value) | Q(arrangement__provider_id=value))

    def filter_level(self, queryset, name, value):
        top = (self.config.max_likelihood if self.filters[name].scale == "likelihood"
               else self.config.max_impact)
        lookup = "gte" if value >= top else "exact"
        return queryset.filter(**{f"{name}__{lookup}": value})


class ControlFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "risk__title")
    risk = django_filters.NumberFilter(label="Risk id")
    status = django_filters.MultipleChoiceFilter(choices=ControlStatus.choices, distinct=False)
    control_type = django_filters.MultipleChoiceFilter(choices=ControlType.choices,
                                                       distinct=False)

    class Meta:
        model = Control
        fields = ["risk", "status", "control_type"]


class RiskCategoryFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "description")

    class Meta:
        model = RiskCategory
        fields = ["is_active"]


class CountryRiskFilterSet(SearchFilterSet):
    search_fields = ("country", "source", "notes")
    country = django_filters.ChoiceFilter(choices=list(countries))
    political = django_filters.MultipleChoiceFilter(choices=RATING_LEVELS, distinct=False)
    economic = django_filters.MultipleChoiceFilter(choices=RATING_LEVELS, distinct=False)
    legal = django_filters.MultipleChoiceFilter(choices=RATING_LEVELS, distinct=False)

    class Meta:
        model = CountryRisk
        fields = ["country", "political", "economic", "legal"]


class ArrangementIntakeFilterSet(ConfiguredFilterSet):
    search_fields = ("arrangement__reference", "arrangement__title", "arrangement__provider__name")
    tier = django_filters.MultipleChoiceFilter(choices=[], distinct=False)
    criticality = django_filters.MultipleChoiceFilter(choices=BusinessCriticality.choices,
                                                      distinct=False)
    data_sensitivity = django_filters.MultipleChoiceFilter(choices=DataSensitivity.choices,
                                                           distinct=False)
    system_access = django_filters.MultipleChoiceFilter(choices=SystemAccess.choices,
                                                        distinct=False)
    organisation = django_filters.ModelChoiceFilter(
        queryset=_organisation_choices, field_name="arrangement__organisation",
        label="Organisation")
    provider = django_filters.NumberFilter(field_name="arrangement__provider",
                                           label="Provider id")
    arrangement = django_filters.NumberFilter(label="Arrangement id")

    class Meta:
        model = ArrangementIntake
        fields = ["tier", "criticality", "data_sensitivity", "system_access"]

    def configured_choices(self):
        return {"tier": self.tier_choices()}


class ProviderScoreFilterSet(ConfiguredFilterSet):
    search_fields = ("provider__name", "provider__lei")
    tier = django_filters.MultipleChoiceFilter(choices=[], distinct=False)
    residual_rating = django_filters.MultipleChoiceFilter(choices=[], distinct=False)
    inherent_rating = django_filters.MultipleChoiceFilter(choices=[], distinct=False)
    above_appetite = django_filters.BooleanFilter()
    status = django_filters.MultipleChoiceFilter(
        field_name="provider__status", choices=ProviderStatus.choices, distinct=False,
        label="Provider status")
    country = django_filters.ChoiceFilter(field_name="provider__country",
                                          choices=list(countries), label="Country")
    organisation = django_filters.ModelChoiceFilter(
        queryset=_organisation_choices, method="filter_organisation", label="Organisation")
    provider = django_filters.NumberFilter(label="Provider id")

    class Meta:
        model = ProviderScore
        fields = ["tier", "residual_rating", "above_appetite"]

    def configured_choices(self):
        ratings = self.rating_choices()
        return {"tier": self.tier_choices(), "residual_rating": ratings,
                "inherent_rating": ratings}

    def filter_organisation(self, queryset, name, value: int):
        if value is None:
            return queryset
        return queryset.filter(Exists(Arrangement.objects.filter(
            provider=OuterRef("provider_id"), organisation=value)))


class MethodologyFilterSet(SearchFilterSet):
    search_fields = ("name", "change_note")

    class Meta:
        model = Methodology
        fields = ["is_current"]
