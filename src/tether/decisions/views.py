"""The decisions app's pages: cases, options and actuals declare their pages once with an
ObjectViewSet; running the simulation, recording the decision, closing a case and the
exports are small views on top of `ViewSetMixin`, so the permission check is the generic one.
"""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views import View

from tether.core.exports import CONTENT_TYPES, write_spreadsheet
from tether.core.views.display import object_fields
from tether.core.views.exports import SpreadsheetExport, spreadsheet_download
from tether.core.views.generic import ObjectViewSet, ViewSetMixin, add_link
from tether.decisions import charts, exports, filtersets, forms, selectors, services, tables
from tether.decisions.choices import CaseStatus
from tether.decisions.models import COMPONENTS, DecisionActual, DecisionCase, DecisionOption
from tether.decisions.recommend import core_competency_warning, recommendation_draft

CASE_FIELDS = ["activity", "horizon_years", "currency", "discount_rate", "risk_cost_share",
               "description", "status", "chosen_option", "decided_on", "decided_by",
               "simulated_at", "simulation_runs", "simulation_seed", "created_by"]



class DecisionCaseViews(SpreadsheetExport, ObjectViewSet):
    model = DecisionCase
    url_prefix = "cases/"
    export_name = "decision-cases"
    export_columns = (
        ("id", "pk"), ("title", "title"), ("activity", "activity__name"),
        ("organisation", "activity__organisation__name"), ("status", "status"),
        ("horizon_years", "horizon_years"), ("currency", "currency"),
        ("discount_rate", "discount_rate"), ("risk_cost_share", "risk_cost_share"),
        ("chosen_option", "chosen_option__name"), ("decided_on", "decided_on"),
        ("simulated_at", "simulated_at"), ("recommendation", "recommendation"),
        ("reasons", "reasons"),
    )
    filterset_class = filtersets.DecisionCaseFilterSet
    table_class = tables.DecisionCaseTable
    form_class = forms.DecisionCaseForm
    services = services.CASE
    choices_search_field = "title"
    detail_template = "decisions/case_detail.html"

    @classmethod
    def base_queryset(cls):
        return DecisionCase.objects.select_related("activity", "chosen_option", "decided_by",
                                                   "created_by")

    @classmethod
    def detail_context(cls, request, obj):
        user = request.user
        options = selectors.case_options(user=user, case=obj)
        actuals = selectors.case_actuals(user=user, case=obj)
        result = obj.simulation
        can_change = user.can("change", DecisionCase)
        context = {
            "fields": object_fields(obj, CASE_FIELDS),
            "options": options,
            "options_table": tables.CaseOptionTable(options, orderable=False),
            "result": result,
            "core_warning": core_competency_warning(obj.activity),
            "kept": obj.status != CaseStatus.DRAFT,
            "can_simulate": can_change and obj.status == CaseStatus.DRAFT and bool(options),
            "can_decide": can_change and obj.status == CaseStatus.DRAFT and result is not None,
            "can_close": can_change and obj.status == CaseStatus.DECIDED,
            "add_option_url": add_link(request, DecisionOption, "decisions:decisionoption_add",
                                       case=obj.pk) if obj.status == CaseStatus.DRAFT else None,
            "add_actual_url": add_link(request, DecisionActual, "decisions:decisionactual_add",
                                       case=obj.pk) if obj.status != CaseStatus.DRAFT else None,
            "options_export_url": reverse("decisions:decisioncase_options_export",
                                          args=[obj.pk]),
            "actuals_export_url": reverse("decisions:decisioncase_actuals_export",
                                          args=[obj.pk]),
        }
        if result:
            currency = obj.currency
            names = {o.pk: o for o in options}
            context.update({
                "summary": [{**item, "option": names.get(item["id"])}
                            for item in result["options"]],
                "cost_chart": charts.cost_bars_svg(result["options"], currency=currency,
                                                   best=result["best"]),
                "histograms": [(comparison, charts.savings_histogram_svg(
                    comparison, currency=currency)) for comparison in result["comparisons"]],
            })
        review = selectors.planned_vs_achieved(obj, actuals)
        context["review"] = review
        context["review_chart"] = (charts.planned_vs_achieved_svg(review, currency=obj.currency)
                                   if any(r["actual_cost"] is not None for r in review)
                                   else None)
        context["actuals"] = actuals
        return context


class DecisionOptionViews(SpreadsheetExport, ObjectViewSet):
    model = DecisionOption
    url_prefix = "options/"
    export_name = "decision-options"
    export_columns = (
        ("id", "pk"), ("case", "case__title"), ("option", "name"), ("kind", "kind"),
        ("provider", "provider__name"),
        *((f"{prefix}_{point}", f"{prefix}_{point}")
          for prefix, _label in COMPONENTS for point in ("low", "mode", "high")),
        ("escalation_percent", "escalation_percent"), ("risk_cost_manual", "risk_cost_manual"),
    )
    filterset_class = filtersets.DecisionOptionFilterSet
    table_class = tables.DecisionOptionTable
    form_class = forms.DecisionOptionForm
    services = services.OPTION

    @classmethod
    def base_queryset(cls):
        return DecisionOption.objects.select_related("case", "provider")


class DecisionActualViews(SpreadsheetExport, ObjectViewSet):
    model = DecisionActual
    url_prefix = "actuals/"
    export_name = "decision-actuals"
    export_columns = (
        ("id", "pk"), ("case", "case__title"), ("year", "year"),
        ("actual_cost", "actual_cost"), ("sla_attainment_percent", "sla_attainment"),
        ("notes", "notes"),
    )
    filterset_class = filtersets.DecisionActualFilterSet
    table_class = tables.DecisionActualTable
    form_class = forms.DecisionActualForm
    services = services.ACTUAL
    choices_search_field = "case__title"

    @classmethod
    def base_queryset(cls):
        return DecisionActual.objects.select_related("case")


class CaseActionView(ViewSetMixin, View):
    """A POST-only action on a case, calling one service; errors come back as a message."""

    action = "change"

    def act(self, request, case):
        raise NotImplementedError

    def post(self, request, pk):
        case = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            self.act(request, case)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(case.get_absolute_url())


class CaseSimulateView(CaseActionView):
    def act(self, request, case):
        case = services.case_simulate(case, actor=request.user)
        messages.success(request, format_html(
            "Simulated {} runs (seed {}).", f"{case.simulation_runs:,}", case.simulation_seed))


class CaseCloseView(CaseActionView):
    def act(self, request, case):
        services.case_close(case, actor=request.user)
        messages.success(request, "Closed the case.")


class CaseDecideView(ViewSetMixin, View):
    """Record the decision: the suggested recommendation, edited, and the option chosen."""

    action = "change"
    template_name = "decisions/case_decide.html"

    def show(self, case, form):
        return render(self.request, self.template_name,
                      {**self.page_context(), "object": case, "form": form,
                       "core_warning": core_competency_warning(case.activity)})

    def get(self, request, pk):
        case = get_object_or_404(self.get_queryset(), pk=pk)
        initial = {"decided_on": timezone.localdate()}
        if case.simulation:
            recommendation, reasons = recommendation_draft(
                result=case.simulation, activity=case.activity, currency=case.currency)
            initial.update({"recommendation": recommendation, "reasons": reasons,
                            "chosen_option": case.simulation["best"]})
        return self.show(case, forms.DecideForm(initial=initial, case=case))

    def post(self, request, pk):
        case = get_object_or_404(self.get_queryset(), pk=pk)
        form = forms.DecideForm(request.POST, case=case)
        if form.is_valid():
            try:
                services.case_decide(case, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    messages.error(request, " ".join(error.messages))
                    return redirect(case.get_absolute_url())
                form.add_error(None, error)
            else:
                messages.success(request, "Recorded the decision.")
                return redirect(case.get_absolute_url())
        return self.show(case, form)


class CaseExportView(ViewSetMixin, View):
    """One table of a case as CSV or XLSX."""

    table = "options"

    def get(self, request, pk):
        fmt = request.GET.get("format", "csv")
        if fmt not in CONTENT_TYPES:
            raise Http404
        case = get_object_or_404(self.get_queryset(), pk=pk)
        if self.table == "options":
            headers = exports.OPTION_HEADERS
            rows = exports.option_rows(case, selectors.case_options(user=request.user,
                                                                   case=case))
        else:
            headers = exports.ACTUAL_HEADERS
            rows = exports.actual_rows(selectors.planned_vs_achieved(
                case, selectors.case_actuals(user=request.user, case=case)))
        return spreadsheet_download(
            fmt, f"decision-{case.pk}-{self.table}", lambda out: write_spreadsheet(
                fmt=fmt, out=out, sheet=self.table, headers=headers, rows=rows))


VIEWSETS = [DecisionCaseViews, DecisionOptionViews, DecisionActualViews]
