"""Base table: linked first column, sortable, paginated on the server."""

import django_tables2 as tables
from django.utils.formats import number_format


class TetherTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        per_page = 50
        template_name = "django_tables2/bootstrap5.html"
        empty_text = "Nothing recorded."


def linked(verbose_name=None, **kwargs):
    """A column that links to the row's (or the related object's) detail page."""
    return tables.Column(linkify=True, verbose_name=verbose_name, **kwargs)


class AmountColumn(tables.Column):
    """A money amount, right-aligned with thousands separators."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap"},
                                    "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return number_format(value, decimal_pos=0, force_grouping=True)


class IsoDateColumn(tables.DateColumn):
    """Dates as YYYY-MM-DD, the same on every page whatever the browser's locale."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "Y-m-d")
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)
