"""Base table: linked first column, sortable, paginated on the server."""

import django_tables2 as tables


class TetherTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        per_page = 50
        template_name = "django_tables2/bootstrap5.html"


def linked(verbose_name=None, **kwargs):
    """A column that links to the row's (or the related object's) detail page."""
    return tables.Column(linkify=True, verbose_name=verbose_name, **kwargs)
