"""The continuity app's pages.

Each model declares its pages once with an ObjectViewSet; the three overviews (exit readiness,
in-house capability, alternatives per service) and every export are small views on top of
`ViewSetMixin`, so the permission check is the generic one.
"""


from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from tether.continuity import filtersets, forms, selectors, tables
from tether.continuity import services as continuity_services
from tether.continuity.charts import Bar, bar_chart_svg
from tether.continuity.models import (
    ExitPlan,
    ExitPlanTest,
    ExitStep,
    InHouseCapability,
    ServiceAlternative,
)
from tether.core.exports import CONTENT_TYPES, write_spreadsheet
from tether.core.views.exports import SpreadsheetExport, spreadsheet_download
from tether.core.views.generic import (
    ObjectViewSet,
    Panel,
    ViewSetMixin,
    add_link,
    filterset_rows,
    rows_per_page,
)

CAPABILITY_FILLS = {"none_recorded": "#dc3545", "0": "#a52834", "1": "#ffc107",
                    "2": "#0dcaf0", "3": "#198754"}
ALTERNATIVE_FILLS = {"none": "#dc3545", "one": "#ffc107", "several": "#198754"}




class ContinuityViewSet(SpreadsheetExport, ObjectViewSet):
    """A continuity model's pages, with its list exported to CSV/XLSX."""


# --- the register --------------------------------------------------------------------------------

class ExitPlanViews(ContinuityViewSet):
    model = ExitPlan
    url_prefix = "plans/"
    filterset_class = filtersets.ExitPlanFilterSet
    table_class = tables.ExitPlanTable
    form_class = forms.ExitPlanForm
    services = continuity_services.EXIT_PLAN
    choices_search_field = "arrangement__reference"
    detail_template = "continuity/exitplan_detail.html"
    detail_fields = ["arrangement", "strategy", "alternative_provider", "triggers",
                     "data_return", "owner", "target_duration_days", "estimated_cost",
                     "currency", "last_reviewed", "review_months", "notes"]
    export_name = "exit-plans"
    export_columns = (
        ("arrangement", "arrangement__reference"), ("provider", "arrangement__provider__name"),
        ("organisation", "arrangement__organisation__name"), ("strategy", "strategy"),
        ("readiness", "readiness"), ("last_test_on", "last_test_on"),
        ("last_test_result", "last_test_result"),
        ("alternative_provider", "alternative_provider__name"), ("triggers", "triggers"),
        ("data_return", "data_return"), ("owner", "owner__username"),
        ("target_duration_days", "target_duration_days"), ("estimated_cost", "estimated_cost"),
        ("currency", "currency"), ("last_reviewed", "last_reviewed"),
        ("review_months", "review_months"),
    )

    @classmethod
    def base_queryset(cls):
        return selectors.with_readiness(ExitPlan.objects.select_related(
            "arrangement", "arrangement__provider", "arrangement__organisation",
            "alternative_provider", "owner"))

    @classmethod
    def _steps_and_tests(cls, request, obj) -> tuple[list, list]:
        # Read once per page: the summary and the two panels share them.
        if not hasattr(obj, "_steps_and_tests"):
            obj._steps_and_tests = (selectors.plan_steps(user=request.user, plan=obj),
                                    selectors.plan_tests(user=request.user, plan=obj))
        return obj._steps_and_tests

    @classmethod
    def detail_panels(cls, request, obj):
        steps, tests = cls._steps_and_tests(request, obj)
        total = sum(step.duration_days for step in steps)
        return [
            Panel("Steps", template="continuity/panels/table.html", total=len(steps),
                  more_url=f"{reverse('continuity:exitstep_list')}?plan={obj.pk}", context={
                      "table": tables.ExitStepTable(steps, orderable=False, exclude=("plan",)),
                      "footer": f"Total {total} days of a {obj.target_duration_days}-day "
                                "target.",
                      "add_label": "Add a step",
                      "add_url": add_link(request, ExitStep, "continuity:exitstep_add",
                                          plan=obj.pk)}),
            Panel("Tests", template="continuity/panels/table.html", total=len(tests),
                  more_url=f"{reverse('continuity:exitplantest_list')}?plan={obj.pk}", context={
                      "table": tables.ExitPlanTestTable(tests, orderable=False,
                                                        exclude=("plan",)),
                      "add_label": "Record a test",
                      "add_url": add_link(request, ExitPlanTest, "continuity:exitplantest_add",
                                          plan=obj.pk)}),
        ]

    @classmethod
    def detail_context(cls, request, obj):
        steps, tests = cls._steps_and_tests(request, obj)
        total = sum(step.duration_days for step in steps)
        return {
            "readiness": selectors.READINESS_BY_CODE.get(obj.readiness),
            "readiness_badge": tables.readiness_badge(obj.readiness),
            "steps_total_days": total, "over_target": total > obj.target_duration_days,
            "last_test": tests[0] if tests else None,
        }


class ExitStepViews(ContinuityViewSet):
    model = ExitStep
    url_prefix = "steps/"
    filterset_class = filtersets.ExitStepFilterSet
    table_class = tables.ExitStepTable
    form_class = forms.ExitStepForm
    services = continuity_services.EXIT_STEP
    choices_search_field = "description"
    detail_fields = ["plan", "position", "description", "owner", "duration_days"]
    export_name = "exit-steps"
    export_columns = (
        ("arrangement", "plan__arrangement__reference"), ("position", "position"),
        ("description", "description"), ("owner", "owner__username"),
        ("duration_days", "duration_days"),
    )

    @classmethod
    def base_queryset(cls):
        return ExitStep.objects.select_related("plan", "plan__arrangement", "owner")


class ExitPlanTestViews(ContinuityViewSet):
    model = ExitPlanTest
    url_prefix = "tests/"
    filterset_class = filtersets.ExitPlanTestFilterSet
    table_class = tables.ExitPlanTestTable
    form_class = forms.ExitPlanTestForm
    services = continuity_services.EXIT_PLAN_TEST
    choices_search_field = "lessons"
    detail_fields = ["plan", "tested_on", "kind", "result", "achieved_duration_days", "lessons"]
    export_name = "exit-plan-tests"
    export_columns = (
        ("arrangement", "plan__arrangement__reference"), ("tested_on", "tested_on"),
        ("kind", "kind"), ("result", "result"),
        ("achieved_duration_days", "achieved_duration_days"), ("lessons", "lessons"),
    )

    @classmethod
    def base_queryset(cls):
        return ExitPlanTest.objects.select_related("plan", "plan__arrangement")


class InHouseCapabilityViews(ContinuityViewSet):
    model = InHouseCapability
    url_prefix = "capabilities/"
    filterset_class = filtersets.InHouseCapabilityFilterSet
    table_class = tables.InHouseCapabilityTable
    form_class = forms.InHouseCapabilityForm
    services = continuity_services.CAPABILITY
    detail_fields = ["activity", "name", "kind", "level", "people", "assessed_on", "notes"]
    export_name = "in-house-capabilities"
    export_columns = (
        ("organisation", "activity__organisation__name"), ("activity", "activity__name"),
        ("capability", "name"), ("kind", "kind"), ("level", "level"), ("people", "people"),
        ("assessed_on", "assessed_on"), ("notes", "notes"),
    )

    @classmethod
    def base_queryset(cls):
        return InHouseCapability.objects.select_related("activity")


class ServiceAlternativeViews(ContinuityViewSet):
    model = ServiceAlternative
    url_prefix = "alternatives/"
    filterset_class = filtersets.ServiceAlternativeFilterSet
    table_class = tables.ServiceAlternativeTable
    form_class = forms.ServiceAlternativeForm
    services = continuity_services.ALTERNATIVE
    choices_search_field = "service__name"
    detail_fields = ["service", "kind", "provider", "description", "switch_days",
                     "switch_cost", "currency", "notes"]
    export_name = "service-alternatives"
    export_columns = (
        ("service", "service__name"), ("kind", "kind"), ("provider", "provider__name"),
        ("description", "description"), ("switch_days", "switch_days"),
        ("switch_cost", "switch_cost"), ("currency", "currency"), ("notes", "notes"),
    )

    @classmethod
    def base_queryset(cls):
        return ServiceAlternative.objects.select_related("service", "provider")


# --- overviews -----------------------------------------------------------------------------------

class OverviewView(ViewSetMixin, View):
    """A chart over a filtered table; htmx gets the table only; `?format=` exports it."""

    template_name = "continuity/overview.html"
    title = ""
    intro = ""
    count_label = ""
    filterset_class = None
    table_class = None
    export_name = ""
    export_columns: tuple[tuple[str, str], ...] = ()
    order = ("pk",)

    def rows(self):
        raise NotImplementedError

    def chart(self, queryset):
        return None

    def filtered(self):
        filterset = self.filterset_class(self.request.GET or None, queryset=self.rows(),
                                         request=self.request)
        return filterset, filterset_rows(filterset)

    def get(self, request):
        if "format" in request.GET:
            return self.export()
        filterset, queryset = self.filtered()
        table = self.table_class(queryset.order_by(*self.order))
        table.order(request.GET.get("sort"))
        table.paginate(request.GET.get("page", 1), rows_per_page(request))
        context = {**self.page_context(), "title": self.title, "intro": self.intro,
                   "count_label": self.count_label, "list_url": request.path,
                   "filter": filterset, "table": table, "export_url": request.path,
                   "add_url": None}
        if request.htmx and request.htmx.target == "results":
            return render(request, "continuity/inc/results.html", context)
        context["chart"] = self.chart(queryset)
        return render(request, self.template_name, context)

    def export(self):
        fmt = self.request.GET["format"]
        if fmt not in CONTENT_TYPES:
            raise Http404
        _filterset, queryset = self.filtered()
        rows = queryset.order_by(*self.order).values_list(
            *(lookup for _header, lookup in self.export_columns))
        return spreadsheet_download(fmt, self.export_name, lambda out: write_spreadsheet(
            fmt=fmt, out=out, sheet=self.export_name,
            headers=[header for header, _lookup in self.export_columns],
            rows=rows.iterator(chunk_size=2000)))


def _query_with(request, **params) -> str:
    query = request.GET.copy()
    for name in ("page", "format", *params):
        query.pop(name, None)
    for name, value in params.items():
        query[name] = value
    return f"{request.path}?{query.urlencode()}"


class ExitReadinessView(OverviewView):
    """Every live critical-or-important arrangement and the readiness of its exit plan."""

    title = "Exit readiness"
    intro = ("Every live arrangement supporting a critical or important function needs an exit "
             "plan, tested and reviewed within its cadence.")
    count_label = "critical arrangements"
    filterset_class = filtersets.ReadinessFilterSet
    table_class = tables.ReadinessTable
    export_name = "exit-readiness"
    order = ("reference",)
    export_columns = (
        ("reference", "reference"), ("title", "title"), ("provider", "provider__name"),
        ("organisation", "organisation__name"), ("status", "status"),
        ("readiness", "readiness"), ("strategy", "exit_plan__strategy"),
        ("last_test_on", "last_test_on"), ("last_test_result", "last_test_result"),
        ("last_reviewed", "exit_plan__last_reviewed"),
        ("review_months", "exit_plan__review_months"),
        ("target_duration_days", "exit_plan__target_duration_days"),
    )

    def rows(self):
        return selectors.critical_arrangements(user=self.request.user)

    def chart(self, queryset):
        counts = selectors.readiness_counts(queryset)
        return bar_chart_svg([
            Bar(readiness.label, count, readiness.fill,
                _query_with(self.request, readiness=readiness.code))
            for readiness, count in counts], title="Critical arrangements by exit readiness")


class CapabilityCoverageView(OverviewView):
    """Outsourced activities and the capability the company keeps to take them back."""

    title = "In-house capability"
    intro = ("For each outsourced or partly outsourced activity: the best capability the "
             "company keeps (skills, people, knowledge) to take the work back.")
    count_label = "outsourced activities"
    filterset_class = filtersets.CapabilityCoverageFilterSet
    table_class = tables.CapabilityCoverageTable
    export_name = "capability-coverage"
    order = ("organisation__name", "name")
    export_columns = (
        ("organisation", "organisation__name"), ("activity", "name"), ("sourcing", "sourcing"),
        ("best_level", "best_level"), ("people", "people"),
        ("capabilities", "capability_count"),
    )

    def rows(self):
        return selectors.capability_coverage(user=self.request.user)

    def chart(self, queryset):
        bars = []
        for code, label, count in selectors.capability_level_counts(queryset):
            url = (_query_with(self.request, no_capability="true")
                   if code == selectors.CAPABILITY_NONE_RECORDED else "")
            bars.append(Bar(label, count, CAPABILITY_FILLS[code], url))
        return bar_chart_svg(bars, title="Outsourced activities by best capability kept")


class AlternativeCoverageView(OverviewView):
    """Services and their alternatives: how many, how fast and at what cost to switch."""

    title = "Alternatives per service"
    intro = ("Other providers already contracted, an in-house fallback or the market: how "
             "long and how much it would take to switch. Services with no alternative are "
             "flagged.")
    count_label = "services"
    filterset_class = filtersets.AlternativeCoverageFilterSet
    table_class = tables.AlternativeCoverageTable
    export_name = "service-alternatives-overview"
    order = ("name",)
    export_columns = (
        ("service", "name"), ("service_type", "service_type"),
        ("alternatives", "alternative_count"), ("contracted_alternative", "has_contracted"),
        ("quickest_switch_days", "quickest_switch_days"),
        ("cheapest_switch_cost", "cheapest_switch_cost"),
    )

    def rows(self):
        return selectors.service_alternatives_overview(user=self.request.user)

    def chart(self, queryset):
        bars = []
        for code, label, count in selectors.alternative_counts(queryset):
            url = _query_with(self.request, no_alternative="true") if code == "none" else ""
            bars.append(Bar(label, count, ALTERNATIVE_FILLS[code], url))
        return bar_chart_svg(bars, title="Services by number of alternatives")


VIEWSETS = [ExitPlanViews, ExitStepViews, ExitPlanTestViews, InHouseCapabilityViews,
            ServiceAlternativeViews]
