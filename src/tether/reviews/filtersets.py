"""FilterSets of the reviews app, shared by the pages, the exports and the API."""

import django_filters

from tether.core.filtersets import SearchFilterSet
from tether.registry.models import Arrangement, Organisation
from tether.reviews.choices import CadenceScope, Decision
from tether.reviews.models import Review, ReviewCadence


def _organisations(request=None):
    organisations = Organisation.objects.order_by("name")
    return organisations.restrict(request.user) if request is not None else organisations


class ReviewFilterSet(SearchFilterSet):
    search_fields = ("arrangement__reference", "arrangement__title",
                     "arrangement__provider__name", "summary", "feedback", "actions_agreed")
    arrangement = django_filters.NumberFilter(label="Arrangement id")
    provider = django_filters.NumberFilter(field_name="arrangement__provider",
                                           label="Provider id")
    reviewer = django_filters.NumberFilter(label="Reviewer id")
    decision = django_filters.MultipleChoiceFilter(choices=Decision.choices, distinct=False)
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte",
                                           label="Held on or after")
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte",
                                            label="Held on or before")
    shared = django_filters.BooleanFilter(field_name="feedback_shared_on", lookup_expr="isnull",
                                          exclude=True, label="Feedback shared")

    class Meta:
        model = Review
        fields = ["arrangement", "decision"]


class ReviewCadenceFilterSet(SearchFilterSet):
    scope = django_filters.MultipleChoiceFilter(choices=CadenceScope.choices, distinct=False)

    class Meta:
        model = ReviewCadence
        fields = ["scope"]


class ReviewsDueFilterSet(SearchFilterSet):
    """Active arrangements by review due date (the queryset carries `with_review_due`)."""

    search_fields = ("reference", "title", "provider__name")
    organisation = django_filters.ModelChoiceFilter(queryset=_organisations,
                                                    label="Organisation")
    provider = django_filters.NumberFilter(label="Provider id")
    is_critical = django_filters.BooleanFilter(label="Critical or important")
    overdue = django_filters.BooleanFilter(label="Overdue")
    never_reviewed = django_filters.BooleanFilter(label="Never reviewed")
    due_before = django_filters.DateFilter(field_name="review_due", lookup_expr="lte",
                                           label="Due on or before")

    class Meta:
        model = Arrangement
        fields = ["organisation", "provider", "is_critical"]
