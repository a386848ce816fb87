"""Base FilterSet: free-text search over declared fields, shared by UI, API and exports."""

import django_filters
from django.db.models import Q


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)
