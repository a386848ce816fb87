"""Base FilterSet: free-text search over declared fields, shared by UI, API and exports."""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_filters.fields import ModelMultipleChoiceField
from django_filters.utils import get_model_field

from tether.core.widgets import speed_up_selects

DIGITS = re.compile(r"[0-9]+")

# The values a yes/no filter understands: the UI's select sends true/false/unknown; API
# clients often send 1/0.
YES_NO = {"true": True, "True": True, "1": True, "false": False, "False": False, "0": False}


class YesNoSelect(forms.NullBooleanSelect):
    """Django's yes/no/unknown select, which hands a value it does not know on to the field
    (Django's own treats it as "unknown", so `?is_critical=yes` would filter nothing)."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if value in (None, "", "unknown"):
            return None
        return YES_NO.get(value, value)


class YesNoField(forms.NullBooleanField):
    widget = YesNoSelect

    def to_python(self, value):
        if isinstance(value, str) and value not in ("", "unknown"):
            raise ValidationError("Enter true or false.", code="invalid")
        return super().to_python(value)


def fits_database(pk) -> bool:
    """Whether a value, if it is a whole number, fits the databases' 64-bit integers.

    Django checks the range in `=` lookups, not in `IN (...)`: SQLite raises OverflowError.
    """
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return True  # not a number: Django's own check refuses it
    return -(2**63) <= number < 2**63


class IdsField(ModelMultipleChoiceField):
    """Several objects by id, refusing ids too large for the database."""

    def _check_values(self, value):
        for pk in value:
            if not fits_database(pk):
                raise ValidationError(self.error_messages["invalid_pk_value"],
                                      code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


class IdField(forms.IntegerField):
    """An id: digits only (a NumberFilter's DecimalField takes 0.5, an IntegerField "5.0",
    " 5" and "٥"), and no larger than the database's integers."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value and not DIGITS.fullmatch(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search…"}),
    )

    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Values a filter does not understand are errors (400 in the API), never ignored:
        # a client would take the unfiltered list for the filtered one.
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.BooleanFilter):
                filter_.field_class = YesNoField
            elif type(filter_) is django_filters.NumberFilter and self._filters_ids(filter_):
                filter_.field_class = IdField
            elif type(filter_) is django_filters.ModelMultipleChoiceFilter:
                filter_.field_class = IdsField
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

    def _filters_ids(self, filter_) -> bool:
        field = get_model_field(self._meta.model, filter_.field_name)
        return field is not None and (field.is_relation or isinstance(field, models.AutoField))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)
