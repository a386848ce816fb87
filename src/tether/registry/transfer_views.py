"""Import and export pages: the same services as `tether import` / `tether export`."""

import tempfile

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from tether.registry.transfer import import_file
from tether.registry.transfer.columns import ENTITIES, entity_named
from tether.registry.transfer.exporting import export_rows

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _entity_or_404(name: str):
    try:
        return entity_named(name)
    except ValueError:
        raise Http404 from None


class ImportForm(forms.Form):
    entity = forms.ChoiceField(choices=[(name, name.capitalize()) for name in ENTITIES],
                               widget=forms.Select(attrs={"class": "form-select"}))
    file = forms.FileField(
        help_text="CSV (UTF-8, comma, semicolon or tab separated) or XLSX.",
        widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                               "accept": ".csv,.txt,.xlsx"}),
    )
    skip_bad_rows = forms.BooleanField(
        required=False, label="Skip bad rows",
        help_text="Import the good rows and list the bad ones. Without this, one bad row "
                  "stops the whole import and nothing is written.",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TETHER_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 2**20:.0f} MB; the limit is "
                f"{limit / 2**20:.0f} MB. Split it, or ask an administrator to raise "
                "TETHER_IMPORT_MAX_BYTES."
            )
        return upload


class ImportView(View):
    """Upload a file; every row is checked before anything is written."""

    template_name = "registry/import.html"

    def dispatch(self, request, *args, **kwargs):
        if not any(request.user.can("add", entity.model) for entity in ENTITIES.values()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        initial = {"entity": request.GET.get("entity", "providers")}
        return render(request, self.template_name, {"form": ImportForm(initial=initial)})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            entity = entity_named(form.cleaned_data["entity"])
            if not (request.user.can("add", entity.model)
                    and request.user.can("change", entity.model)):
                raise PermissionDenied
            upload = form.cleaned_data["file"]
            result = import_file(
                actor=request.user, entity=entity.name, file=upload.file,
                filename=upload.name, skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                source="web-import",
            )
        return render(request, self.template_name, {"form": form, "result": result})


class ExportView(View):
    """Download what the user may see of one entity, as CSV or XLSX."""

    def get(self, request, entity):
        spec = _entity_or_404(entity)
        if not request.user.can("view", spec.model):
            raise PermissionDenied
        fmt = request.GET.get("format", "csv")
        if fmt not in CONTENT_TYPES:
            raise Http404
        # Spooled: small exports stay in memory, large ones go to disk, never all in RAM.
        # FileResponse closes it once sent.
        buffer = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)  # noqa: SIM115
        export_rows(user=request.user, entity=spec.name, fmt=fmt, out=buffer)
        buffer.seek(0)
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        return FileResponse(buffer, as_attachment=True, content_type=CONTENT_TYPES[fmt],
                            filename=f"tether-{spec.name}-{stamp}.{fmt}")
