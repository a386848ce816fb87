"""Spreadsheet downloads: one helper for every CSV/XLSX answer, and list exports declared on
a model's pages (`SpreadsheetExport`), with the list's own filters."""

import tempfile

from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils import timezone
from django.views import View

from tether.core.exports import CONTENT_TYPES, write_spreadsheet
from tether.core.views.generic import ViewSetMixin, filterset_rows


def spreadsheet_download(fmt: str, name: str, write) -> FileResponse:
    """A download of what `write(out)` writes, named tether-<name>-<time>.<fmt>."""
    if fmt not in CONTENT_TYPES:
        raise Http404(f"“{fmt}” is not a format Tether exports: use csv or xlsx.")
    # Spooled: small files stay in memory, large ones go to disk; FileResponse closes it.
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)  # noqa: SIM115
    write(buffer)
    buffer.seek(0)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return FileResponse(buffer, as_attachment=True, content_type=CONTENT_TYPES[fmt],
                        filename=f"tether-{name}-{stamp}.{fmt}")


class SpreadsheetExport:
    """An ObjectViewSet mixin: the list exports to CSV/XLSX in `export_columns`
    ((header, lookup), …) at `<prefix>export/?format=csv|xlsx`."""

    export_columns: tuple[tuple[str, str], ...] = ()
    export_name = ""

    @classmethod
    def export_url(cls):
        return reverse(f"{cls.model._meta.app_label}:{cls.url_name('export')}")

    @classmethod
    def export_rows(cls, queryset):
        return queryset.values_list(*(lookup for _header, lookup in cls.export_columns))

    @classmethod
    def urls(cls):
        return [*super().urls(), path(f"{cls.url_prefix}export/",
                                      ListExportView.as_view(viewset=cls),
                                      name=cls.url_name("export"))]


class ListExportView(ViewSetMixin, View):
    """A model's list as CSV or XLSX, with the list's filters."""

    def get(self, request):
        fmt = request.GET.get("format", "csv")
        if fmt not in CONTENT_TYPES:
            raise Http404
        viewset = self.viewset
        filterset = viewset.filterset_class(request.GET, queryset=self.get_queryset(),
                                            request=request)
        rows = viewset.export_rows(filterset_rows(filterset).order_by("pk"))
        headers = [header for header, _lookup in viewset.export_columns]
        return spreadsheet_download(fmt, viewset.export_name, lambda out: write_spreadsheet(
            fmt=fmt, out=out, sheet=viewset.export_name, headers=headers,
            rows=rows.iterator(chunk_size=2000)))
