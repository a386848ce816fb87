"""The contracts app's pages.

The library and the checks declare their pages once with an ObjectViewSet; an arrangement's
checklist, the gap overview and the per-clause coverage are small views on `ViewSetMixin`,
so the permission check is the generic one.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views import View

from tether.contracts import filtersets, forms, selectors, tables
from tether.contracts import services as contract_services
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.core.exports import CONTENT_TYPES, write_spreadsheet
from tether.core.views.exports import SpreadsheetExport, spreadsheet_download
from tether.core.views.generic import (
    ObjectViewSet,
    ViewSetMixin,
    filterset_rows,
    rows_per_page,
)
from tether.registry.models import Arrangement

ROLLUP_ROWS = 10


class ContractsViewSet(SpreadsheetExport, ObjectViewSet):
    """A contracts model's pages, with its list exported to CSV/XLSX."""


class ClauseRequirementViews(ContractsViewSet):
    model = ClauseRequirement
    url_prefix = "requirements/"
    filterset_class = filtersets.ClauseRequirementFilterSet
    table_class = tables.ClauseRequirementTable
    form_class = forms.ClauseRequirementForm
    services = contract_services.REQUIREMENT
    choices_search_field = "code"
    detail_fields = ["code", "title", "requirement", "sources", "applies_to", "position",
                     "is_active", "is_builtin"]
    export_name = "clause-requirements"
    export_columns = (
        ("code", "code"), ("title", "title"), ("requirement", "requirement"),
        ("sources", "sources"), ("applies_to", "applies_to"), ("position", "position"),
        ("active", "is_active"), ("built_in", "is_builtin"),
    )


class ArrangementClauseViews(ContractsViewSet):
    model = ArrangementClause
    url_prefix = "checks/"
    filterset_class = filtersets.ArrangementClauseFilterSet
    table_class = tables.ArrangementClauseTable
    form_class = forms.ArrangementClauseForm
    services = contract_services.CLAUSE_CHECK
    choices_search_field = "arrangement__reference"
    detail_fields = ["arrangement", "requirement", "status", "reason", "location", "document",
                     "note", "checked_by", "checked_on"]
    export_name = "clause-checks"
    export_columns = (
        ("arrangement", "arrangement__reference"), ("provider", "arrangement__provider__name"),
        ("clause", "requirement__code"), ("status", "status"), ("reason", "reason"),
        ("where", "location"), ("document", "document__title"), ("note", "note"),
        ("checked_by", "checked_by__username"), ("checked_on", "checked_on"),
    )

    @classmethod
    def base_queryset(cls):
        return ArrangementClause.objects.select_related(
            "arrangement", "requirement", "document", "checked_by")


# --- one arrangement's checklist -----------------------------------------------------------------

class ChecklistView(ViewSetMixin, View):
    """Every clause an arrangement's contract must contain, with its status; writers edit them
    all in one form."""

    template_name = "contracts/checklist.html"

    def get_action(self) -> str:
        return "change" if self.request.method == "POST" else "view"

    def arrangement(self, pk):
        return get_object_or_404(Arrangement.objects.restrict(self.request.user).select_related(
            "provider", "organisation"), pk=pk)

    def get(self, request, pk):
        arrangement = self.arrangement(pk)
        rows = selectors.arrangement_checklist(arrangement)
        return self.render_page(arrangement, rows, forms.checklist_forms(
            rows, arrangement=arrangement, user=request.user))

    def post(self, request, pk):
        arrangement = self.arrangement(pk)
        if not request.user.can("add", ArrangementClause):
            raise PermissionDenied
        rows = selectors.arrangement_checklist(arrangement)
        row_forms = forms.checklist_forms(rows, arrangement=arrangement, user=request.user,
                                          data=request.POST)
        if all(form.is_valid() for form in row_forms):
            entries = {form.requirement: form.cleaned_data for form in row_forms}
            try:
                changed = contract_services.checklist_save(arrangement, actor=request.user,
                                                           entries=entries)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, format_html(
                    "Saved the checklist of {}: {} change{}.", arrangement, changed,
                    "" if changed == 1 else "s"))
                return redirect(reverse("contracts:checklist", args=[arrangement.pk]))
        return self.render_page(arrangement, rows, row_forms, status=400)

    def render_page(self, arrangement, rows, row_forms, status=200):
        summary = selectors.summarise(rows)
        can_edit = self.request.user.can("change", ArrangementClause)
        context = {
            **self.page_context(), "arrangement": arrangement, "summary": summary,
            "can_edit": can_edit,
            "rows": [(row, form, tables.state_badge(row.state))
                     for row, form in zip(rows, row_forms, strict=True)],
            "errors": [error for form in row_forms for error in form.non_field_errors()]
            + [f"{form.requirement.code}, {field}: {' '.join(errs)}"
               for form in row_forms for field, errs in form.errors.items()
               if field != "__all__"],
        }
        return render(self.request, self.template_name, context, status=status)


# --- overviews -----------------------------------------------------------------------------------

class ClauseGapView(ViewSetMixin, View):
    """Arrangements and their clause gaps, critical ones with gaps first; `?format=` exports;
    htmx gets the table only."""

    template_name = "contracts/gaps.html"
    export_name = "clause-gaps"
    export_columns = (
        ("reference", "reference"), ("title", "title"), ("provider", "provider__name"),
        ("organisation", "organisation__name"), ("status", "status"),
        ("critical_or_important", "is_critical"), ("required", "clauses_required"),
        ("present", "clauses_present"), ("partial", "clauses_partial"),
        ("missing", "clauses_missing"), ("not_checked", "clauses_not_checked"),
        ("not_applicable", "clauses_not_applicable"), ("gaps", "clause_gaps"),
    )

    def filtered(self):
        self.ids = selectors.requirement_ids()
        filterset = filtersets.ClauseGapFilterSet(
            self.request.GET or None,
            queryset=selectors.clause_gap_list(user=self.request.user, ids=self.ids),
            request=self.request)
        return filterset, filterset_rows(filterset)

    def get(self, request):
        if "format" in request.GET:
            return self.export()
        filterset, queryset = self.filtered()
        table = tables.ClauseGapTable(queryset)
        table.order(request.GET.get("sort"))
        table.paginate(request.GET.get("page", 1), rows_per_page(request))
        context = {**self.page_context(), "filter": filterset, "table": table,
                   "list_url": request.path, "export_url": request.path,
                   "count_label": "arrangements"}
        if request.htmx and request.htmx.target == "results":
            return render(request, "contracts/inc/results.html", context)
        for group in ("organisation", "provider"):
            context[f"by_{group}"] = selectors.gap_rollup(queryset, group,
                                                          ids=self.ids)[:ROLLUP_ROWS]
        return render(request, self.template_name, context)

    def export(self):
        fmt = self.request.GET["format"]
        if fmt not in CONTENT_TYPES:
            raise Http404
        _filterset, queryset = self.filtered()
        rows = queryset.values_list(*(lookup for _header, lookup in self.export_columns))
        return spreadsheet_download(fmt, self.export_name, lambda out: write_spreadsheet(
            fmt=fmt, out=out, sheet=self.export_name,
            headers=[header for header, _lookup in self.export_columns],
            rows=rows.iterator(chunk_size=2000)))


class ClauseCoverageView(ViewSetMixin, View):
    """Per clause: how many live arrangements need it and how many have it; the most often
    missing first."""

    template_name = "contracts/coverage.html"

    def get(self, request):
        rows = selectors.clause_coverage(user=request.user)
        gaps_url = reverse("contracts:gaps")
        return render(request, self.template_name, {
            **self.page_context(), "rows": [
                (row, f"{gaps_url}?clause={row.requirement.pk}&status=active&status=draft")
                for row in rows]})
