"""Pages that receive measurements: file upload, its template, batches and their results.

Batches are declared as an ObjectViewSet (list, detail), with two pages of their own: the
upload form (the viewset's "add") and the template file. Every page checks the role on
MeasurementBatch; a provider's contact has the portal's pages instead (portal_views).
"""

import csv
import io

import django_filters
import xlsxwriter
from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views import View

from tether.core.filtersets import SearchFilterSet
from tether.core.tables import Column, Table
from tether.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewSet,
    ViewSetMixin,
)
from tether.performance.choices import BatchSource, BatchStatus
from tether.performance.ingest import FILE_COLUMNS, BatchProblem, max_rows
from tether.performance.ingest_services import batch_receive
from tether.performance.models import MeasurementBatch

TEMPLATE_ROWS = (("ARR-0001", "PAY-AVAIL", "2026-03-01T00:00:00Z", 99.95),
                 ("ARR-0001", "PAY-AVAIL", "2026-03-02", 99.9))
UPLOAD_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


class MeasurementBatchFilterSet(SearchFilterSet):
    search_fields = ("file_name", "idempotency_key")
    status = django_filters.ChoiceFilter(choices=BatchStatus.choices)
    source = django_filters.ChoiceFilter(choices=BatchSource.choices)

    class Meta:
        model = MeasurementBatch
        fields = ["status", "source", "provider"]


class MeasurementBatchTable(Table):
    id = Column(label="Batch", link=True)
    submitted_by = Column(label="Sent by")

    class Meta:
        model = MeasurementBatch
        fields = ("id", "source", "file_name", "provider", "status", "received", "accepted",
                  "rejected", "submitted_by", "created")


class UploadForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX with the columns arrangement, level, at, "
                                     "value (one header row).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError("Choose a .csv or .xlsx file.")
        return upload


def receive_upload(request, form, *, source: str, provider=None):
    """Hand an upload form's file to the service; the form's error on a refused file."""
    if not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    try:
        batch, _ = batch_receive(actor=request.user, source=source, rows_or_file=upload,
                                 provider=provider, file_name=upload.name)
    except BatchProblem as problem:
        form.add_error("file", str(problem))
        return None
    return batch


class MeasurementUploadView(ObjectEditView):
    """Upload a file of measurements; a background job reads it."""

    template_name = "performance/ingest/upload.html"

    def get_action(self) -> str:
        return "add"

    def render_form(self, form, instance):
        context = {**self.page_context(), "form": form, "max_rows": max_rows(),
                   "columns": FILE_COLUMNS}
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_form(UploadForm(), None)

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        batch = receive_upload(request, form, source=BatchSource.FILE)
        if batch is None:
            return self.render_form(form, None)
        messages.success(request, f"Received {batch.file_name}: its rows are being read.")
        return redirect(batch.get_absolute_url())


class MeasurementTemplateView(ViewSetMixin, View):
    """An empty file to fill in, with the header and two example rows (CSV or XLSX)."""

    def get(self, request):
        return measurement_template(request.GET.get("format", "csv"))


def measurement_template(fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet("measurements")
        sheet.write_row(0, 0, FILE_COLUMNS)
        for number, row in enumerate(TEMPLATE_ROWS, start=1):
            sheet.write_row(number, 0, row)
        workbook.close()
        response = HttpResponse(buffer.getvalue(), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = 'attachment; filename="measurements.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(FILE_COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="measurements.csv"'
    return response


class MeasurementBatchDetailView(ObjectDetailView):
    """A batch's page; htmx polls its progress fragment until the batch is finished."""

    def get(self, request, pk):
        if request.htmx and request.htmx.target == "batch-progress":
            batch = get_object_or_404(self.get_queryset(), pk=pk)
            return render(request, "performance/ingest/inc/batch_progress.html",
                          {"batch": batch, "progress_url": request.path})
        return super().get(request, pk)


def batch_is_open(batch: MeasurementBatch) -> bool:
    return batch.status in (BatchStatus.QUEUED, BatchStatus.PROCESSING)


class MeasurementBatchViews(ObjectViewSet):
    model = MeasurementBatch
    url_prefix = "batches/"
    pages = ("list", "detail", "add")
    filterset_class = MeasurementBatchFilterSet
    table_class = MeasurementBatchTable
    detail_template = "performance/ingest/batch_detail.html"
    detail_fields = ["source", "status", "file_name", "provider", "submitted_by",
                     "idempotency_key", "created", "finished"]

    @classmethod
    def base_queryset(cls):
        return MeasurementBatch.objects.select_related("provider", "submitted_by", "job")

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        return {"batch": obj, "progress_url": obj.get_absolute_url()}

    @classmethod
    def urls(cls):
        return [
            path(cls.url_prefix, ObjectListView.as_view(viewset=cls),
                 name=cls.url_name("list")),
            path(f"{cls.url_prefix}<int:pk>/", MeasurementBatchDetailView.as_view(viewset=cls),
                 name=cls.url_name("detail")),
            path("measurements/upload/", MeasurementUploadView.as_view(viewset=cls),
                 name=cls.url_name("add")),
            path("measurements/template/", MeasurementTemplateView.as_view(viewset=cls),
                 name="measurement_template"),
        ]


urlpatterns = MeasurementBatchViews.urls()
