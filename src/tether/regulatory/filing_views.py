"""The register of information's filing pages: readiness (what to fix), exports and their
packages. The role check is the generic one on `RegisterExport` (reporting: every internal
role reads; administrator, vendor manager and compliance officer export)."""

from datetime import date

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from tether.core.views.generic import ObjectViewSet, Panel, ViewSetMixin
from tether.registry.models import Organisation
from tether.regulatory import filing, filtersets, roi
from tether.regulatory.models import ExportStatus, RegisterExport
from tether.regulatory.tables import RegisterExportTable
from tether.regulatory.validation import ERROR

ISSUES_SHOWN = 500


def last_year_end(today: date | None = None) -> date:
    """The reference date of the next annual filing: 31 December of last year."""
    today = today or timezone.localdate()
    return date(today.year - 1, 12, 31)


class RegisterForm(forms.Form):
    entity = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Entity maintaining the register",
        widget=forms.Select(attrs={"class": "form-select"}))
    reference_date = forms.DateField(widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"))
    scope = forms.ChoiceField(choices=[("auto", "Group if several entities are in scope"),
                                       ("con", "Consolidated (CON)"),
                                       ("ind", "This entity alone (IND)")],
                              initial="auto", widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = (Organisation.objects.restrict(user)
                                          .filter(dora_profile__isnull=False, lei__isnull=False)
                                          .order_by("name"))

    def clean_entity(self):
        entity = self.cleaned_data["entity"]
        error = filing.entity_error(entity)
        if error:
            raise forms.ValidationError(error)
        return entity

    @property
    def consolidated(self) -> bool | None:
        return filing.SCOPES[self.cleaned_data["scope"]]


def _grouped(issues):
    errors = [issue for issue in issues if issue.severity == ERROR]
    return {"errors": errors, "warnings": [i for i in issues if i.severity != ERROR]}


class RegisterView(ViewSetMixin, View):
    """Pick an entity and a date: see the register's readiness, and export it."""

    template_name = "regulatory/register.html"

    def get_action(self) -> str:
        return "add" if self.request.method == "POST" else "view"

    def get(self, request):
        form = RegisterForm(request.GET or None, user=request.user,
                            initial={"reference_date": last_year_end()})
        context = {**self.page_context(), "form": form,
                   "can_export": request.user.can("add", RegisterExport)}
        if form.is_bound and form.is_valid():
            try:
                register, issues = filing.readiness(form.cleaned_data["entity"].lei,
                                                    form.cleaned_data["reference_date"],
                                                    consolidated=form.consolidated)
            except roi.RegisterError as error:
                form.add_error("entity", str(error))
            else:
                grouped = _grouped(issues)
                context.update({
                    "register": register, "issue_count": len(issues),
                    "errors": grouped["errors"][:ISSUES_SHOWN],
                    "warnings": grouped["warnings"][:ISSUES_SHOWN],
                    "error_count": len(grouped["errors"]),
                    "warning_count": len(grouped["warnings"]),
                    "counts": [(code, len(rows)) for code, rows in register.rows.items()],
                })
        return render(request, self.template_name, context)

    def post(self, request):
        form = RegisterForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {**self.page_context(), "form": form,
                                                        "can_export": True}, status=400)
        export = filing.export_request(actor=request.user, organisation=form.cleaned_data["entity"],
                                       reference_date=form.cleaned_data["reference_date"],
                                       consolidated=form.consolidated)
        messages.success(request, "The package is being built: this page follows it.")
        return redirect(export.get_absolute_url())


class DownloadView(ViewSetMixin, View):
    def get(self, request, pk):
        export = get_object_or_404(self.get_queryset().select_related("artefact"), pk=pk,
                                   status=ExportStatus.DONE)
        filing.record_download(export, actor=request.user)
        response = HttpResponse(bytes(export.artefact.content), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
        return response


class RegisterExportViews(ObjectViewSet):
    model = RegisterExport
    url_prefix = "exports/"
    filterset_class = filtersets.RegisterExportFilterSet
    table_class = RegisterExportTable
    pages = ("list", "detail", "history")
    detail_template = "regulatory/export_detail.html"
    detail_fields = ["organisation", "reference_date", "consolidated", "status", "requested_by",
                     "created", "file_name", "rows", "errors", "warnings", "message"]

    @classmethod
    def base_queryset(cls):
        return RegisterExport.objects.select_related("organisation", "requested_by", "job")

    @classmethod
    def detail_panels(cls, request, obj) -> list[Panel]:
        return []

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        failures = list(obj.artefact.failures) if hasattr(obj, "artefact") else []
        return {"issues_errors": [f for f in failures if f["severity"] == ERROR][:ISSUES_SHOWN],
                "issues_warnings": [f for f in failures if f["severity"] != ERROR][:ISSUES_SHOWN],
                "running": obj.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)}
