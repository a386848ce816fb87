"""Rendering an object's fields for detail pages, generically."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django_countries.fields import CountryField

SKIPPED_FIELDS = frozenset({"id", "created", "last_updated", "password"})


def _link(obj) -> str:
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
    return format_html('<a href="{}">{}</a>', url, obj) if url else format_html("{}", obj)


def field_value(obj, field) -> str:
    """The display HTML of one field of `obj` (escaped)."""
    if field.many_to_many:
        related = list(getattr(obj, field.name).all()[:50])
        if not related:
            return "—"
        return format_html_join(", ", "{}", ((_link(item),) for item in related))
    value = getattr(obj, field.name)
    if value is None or value == "" or value == []:
        return "—"
    if field.is_relation:
        return _link(value)
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, CountryField):
        chosen = value if field.multiple else [value]
        return format_html_join(", ", "{} ({})", ((c.name, c.code) for c in chosen))
    if field.choices:
        return format_html("{}", getattr(obj, f"get_{field.name}_display")())
    if isinstance(value, datetime):
        return format_html("{}", date_format(localtime(value), "Y-m-d H:i"))
    if isinstance(value, date):
        return format_html("{}", date_format(value, "Y-m-d"))
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2, force_grouping=True)
    if isinstance(field, models.URLField):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', value, value)
    return format_html("{}", value)


def object_fields(obj, names: list[str] | None = None) -> list[tuple[str, str]]:
    """(label, display HTML) for the named fields, or every field a user cares about."""
    meta = obj._meta
    if names is None:
        fields = [
            f for f in [*meta.concrete_fields, *meta.many_to_many]
            if f.name not in SKIPPED_FIELDS
        ]
    else:
        fields = [meta.get_field(name) for name in names]
    return [(capfirst(f.verbose_name), field_value(obj, f)) for f in fields]
