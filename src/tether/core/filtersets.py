"""Base FilterSet: free-text search over declared fields, shared by UI, API and exports."""

import django_filters
from django import forms
from django.db.models import Q

from tether.core.widgets import speed_up_selects


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search…"}),
    )

    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
                widget.attrs.setdefault("size", min(len(getattr(field, "choices", [])), 5))
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(widget, forms.MultiWidget):
                for sub in widget.widgets:
                    sub.attrs.setdefault("class", "form-control form-control-sm")
                    sub.input_type = "date"
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")
        speed_up_selects(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)
