"""The provider's side of measurements, in the portal: its SLAs and KPIs, a form for a few
values, a file upload, and what became of each delivery.

A contact feeds only their own provider's levels and sees only their own provider's batches:
any other id is 404. An internal user previewing the portal sees the pages, read-only.
"""

from django import forms
from django.contrib import messages
from django.db.models import Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views import View

from tether.core.counting import count_expression
from tether.performance.choices import BatchSource, BatchStatus
from tether.performance.ingest import FILE_COLUMNS, BatchProblem, max_rows
from tether.performance.ingest_services import batch_receive
from tether.performance.ingest_views import UploadForm, measurement_template, receive_upload
from tether.performance.models import MeasurementBatch, ServiceLevel
from tether.portal.access import PortalMixin
from tether.portal.sections import PortalSection, contribute_portal_section
from tether.registry.models import Provider

FORM_ROWS = 5
LIST_TEMPLATE = "performance/portal/measurements.html"


def portal_levels(provider):
    return (ServiceLevel.objects.filter(arrangement__provider=provider, active=True)
            .select_related("arrangement").order_by("arrangement__reference", "reference"))


def portal_batches(provider):
    return MeasurementBatch.objects.filter(provider=provider).order_by("-created")


class MeasurementRowForm(forms.Form):
    level = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    at = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.FloatField(required=False)

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "—"), *[
            (level.pk, f"{level.arrangement.reference} · {level.reference} · {level.name}")
            for level in levels]]

    def clean(self):
        data = super().clean()
        given = [data.get(name) not in (None, "") for name in ("level", "at", "value")]
        if any(given) and not all(given):
            raise forms.ValidationError("Give the level, the date and the value.")
        return data


class MeasurementRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, levels=(), **kwargs):
        self.levels = levels
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"levels": self.levels}

    def rows(self) -> list[dict]:
        """The filled-in rows, as the JSON rows the service reads."""
        return [{"level": form.cleaned_data["level"], "at": form.cleaned_data["at"].isoformat(),
                 "value": form.cleaned_data["value"]}
                for form in self.forms if form.cleaned_data.get("level") is not None]


RowFormSet = forms.formset_factory(MeasurementRowForm, formset=MeasurementRowFormSet,
                                   extra=FORM_ROWS, max_num=FORM_ROWS, validate_max=True)


class PortalMeasurementsView(PortalMixin, View):
    """The provider's levels, the value form, the upload form and the recent deliveries."""

    writes = True

    def get(self, request):
        return self.render_page(RowFormSet(levels=self.levels(), prefix="rows"), UploadForm())

    def post(self, request):
        formset = RowFormSet(request.POST, levels=self.levels(), prefix="rows")
        if formset.is_valid():
            rows = formset.rows()
            if not rows:
                messages.error(request, "Fill in at least one row.")
                return redirect("performance_portal:measurements")
            try:
                batch, _ = batch_receive(actor=request.user, source=BatchSource.PORTAL,
                                         rows_or_file=rows, provider=self.viewer.provider)
            except BatchProblem as problem:
                messages.error(request, str(problem))
            else:
                return redirect("performance_portal:batch", pk=batch.pk)
        return self.render_page(formset, UploadForm(), status=200)

    def levels(self):
        return list(portal_levels(self.viewer.provider))

    def render_page(self, formset, upload_form, status=200):
        context = self.portal_context(
            levels=self.levels(), formset=formset, upload_form=upload_form,
            batches=list(portal_batches(self.viewer.provider).select_related("submitted_by")[:20]),
            columns=FILE_COLUMNS, max_rows=max_rows())
        return render(self.request, LIST_TEMPLATE, context, status=status)


class PortalUploadView(PortalMeasurementsView):
    """A file of measurements; a background job reads it."""

    def get(self, request):
        return redirect("performance_portal:measurements")

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        batch = receive_upload(request, form, source=BatchSource.PORTAL,
                               provider=self.viewer.provider)
        if batch is None:
            return self.render_page(RowFormSet(levels=self.levels(), prefix="rows"), form)
        messages.success(request, f"Received {batch.file_name}: its rows are being read.")
        return redirect("performance_portal:batch", pk=batch.pk)


class PortalBatchView(PortalMixin, View):
    """One delivery of the provider's: its progress and its rejected rows."""

    def get(self, request, pk):
        batch = get_object_or_404(portal_batches(self.viewer.provider).select_related("job"),
                                  pk=pk)
        context = {"batch": batch, "progress_url": request.path}
        if request.htmx and request.htmx.target == "batch-progress":
            return render(request, "performance/ingest/inc/batch_progress.html", context)
        return render(request, "performance/portal/batch.html", self.portal_context(**context))


class PortalTemplateView(PortalMixin, View):
    def get(self, request):
        return measurement_template(request.GET.get("format", "csv"))


def portal_home_context(viewer) -> dict:
    """The number of levels to report on and the latest delivery's date and status, in one
    query (the portal's home page gathers every section's card)."""
    provider = viewer.provider
    latest = portal_batches(provider)
    row = Provider.objects.filter(pk=provider.pk).values(
        levels=count_expression(portal_levels(provider)),
        latest_created=Subquery(latest.values("created")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
    ).get()
    status = row["latest_status"]
    return {"levels": row["levels"], "latest_created": row["latest_created"],
            "latest_status": BatchStatus(status).label if status else ""}


def register_portal_section() -> None:
    """Add "Measurements" to the portal; called once from the app's ready()."""
    contribute_portal_section(PortalSection(
        label="Measurements", url_name="performance_portal:measurements",
        home_template="performance/portal/home_section.html", home_context=portal_home_context,
    ))


urlpatterns = [
    path("portal/measurements/", PortalMeasurementsView.as_view(),
         name="measurements"),
    path("portal/measurements/upload/", PortalUploadView.as_view(),
         name="upload"),
    path("portal/measurements/template/", PortalTemplateView.as_view(),
         name="template"),
    path("portal/measurements/batches/<int:pk>/", PortalBatchView.as_view(),
         name="batch"),
]
