"""The performance app's pages.

Service levels and credit bands declare their pages once with an ObjectViewSet. The results
list (and its "Breaches" preset), the service credits owed and the dashboard are small views
on `ViewSetMixin` with the service level's pages as their viewset, so the permission check is
the generic one: results and measurements are seen by whoever may see the levels.
"""

from datetime import UTC, datetime

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

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
from tether.performance import charts, filtersets, forms, selectors, storage, tables
from tether.performance import services as performance_services
from tether.performance.models import CreditBand, ServiceLevel

MEASUREMENTS_SHOWN = 50


class ServiceLevelViews(SpreadsheetExport, ObjectViewSet):
    model = ServiceLevel
    url_prefix = "levels/"
    filterset_class = filtersets.ServiceLevelFilterSet
    table_class = tables.ServiceLevelTable
    form_class = forms.ServiceLevelForm
    services = performance_services.SERVICE_LEVEL
    choices_search_field = "reference"
    detail_template = "performance/servicelevel_detail.html"
    detail_fields = ["arrangement", "kind", "name", "reference", "unit", "description",
                     "direction", "aggregation", "percentile", "item_target", "target",
                     "period", "minimum_count", "monthly_fee", "currency",
                     "credit_cap_percent", "active"]
    export_name = "service-levels"
    export_columns = (
        ("arrangement", "arrangement__reference"), ("provider", "arrangement__provider__name"),
        ("reference", "reference"), ("name", "name"), ("kind", "kind"), ("unit", "unit"),
        ("direction", "direction"), ("aggregation", "aggregation"),
        ("percentile", "percentile"), ("item_target", "item_target"), ("target", "target"),
        ("period", "period"), ("minimum_count", "minimum_count"),
        ("monthly_fee", "monthly_fee"), ("currency", "currency"),
        ("credit_cap_percent", "credit_cap_percent"), ("active", "active"),
    )

    @classmethod
    def base_queryset(cls):
        return ServiceLevel.objects.select_related("arrangement", "arrangement__provider")

    @classmethod
    def detail_panels(cls, request, obj):
        series = selectors.level_series(obj.pk, periods=selectors.SERIES_PERIODS)
        bands = selectors.level_bands(user=request.user, level=obj)
        return [
            Panel("Results per period", template="performance/panels/series.html", context={
                "chart": charts.series_chart_svg(
                    series, target=obj.target, unit=tables.figure_unit(obj),
                    title=f"{obj.reference}: value per {obj.get_period_display().lower()} "
                          f"against the target {obj.target:g} {tables.figure_unit(obj)}"),
                "rows": list(reversed(series)), "currency": obj.currency,
                "unit": tables.figure_unit(obj),
                "results_url": f"{reverse('performance:results')}?service_level={obj.pk}"}),
            Panel("Credit bands", template="performance/panels/bands.html", total=len(bands),
                  context={"bands": [(band, f"{band.worse_than:g}") for band in bands],
                           "level": obj, "unit": tables.figure_unit(obj),
                           "can_change": request.user.can("change", CreditBand),
                           "can_delete": request.user.can("delete", CreditBand),
                           "add_url": add_link(request, CreditBand, "performance:creditband_add",
                                               service_level=obj.pk)
                           if obj.kind == "sla" else None}),
            Panel("Measurements", template="performance/panels/measurements.html",
                  context=measurements_context(request, obj)),
        ]

    @classmethod
    def detail_context(cls, request, obj):
        return {"target_text": tables.target_text(obj)}


def measurements_context(request, level) -> dict:
    """The last measurements of the month asked for (?month=YYYY-MM), else the newest."""
    months = selectors.measured_months(level.pk)
    counts = dict(months)
    chosen = selectors.parse_month(request.GET.get("month"))
    if chosen not in counts:
        chosen = months[0][0] if months else None
    rows = []
    if chosen is not None:
        times, values = storage.read_measurements(level.pk, chosen, chosen)
        for moment, value in zip(times[::-1][:MEASUREMENTS_SHOWN],
                                 values[::-1][:MEASUREMENTS_SHOWN], strict=True):
            rows.append((datetime.fromtimestamp(int(moment), tz=UTC), float(value)))
    return {"months": months, "chosen": chosen, "rows": rows,
            "count": counts.get(chosen, 0), "unit": level.unit, "shown": len(rows)}


class CreditBandViews(SpreadsheetExport, ObjectViewSet):
    model = CreditBand
    url_prefix = "bands/"
    filterset_class = filtersets.CreditBandFilterSet
    table_class = tables.CreditBandTable
    form_class = forms.CreditBandForm
    services = performance_services.CREDIT_BAND
    choices_search_field = "service_level__reference"
    detail_fields = ["service_level", "worse_than", "credit_percent"]
    export_name = "credit-bands"
    export_columns = (
        ("arrangement", "service_level__arrangement__reference"),
        ("service_level", "service_level__reference"), ("worse_than", "worse_than"),
        ("credit_percent", "credit_percent"),
    )

    @classmethod
    def base_queryset(cls):
        return CreditBand.objects.select_related("service_level")


VIEWSETS = [ServiceLevelViews, CreditBandViews]


# --- results, credits owed, dashboard ---------------------------------------------------------

class PerformanceView(ViewSetMixin, View):
    """A view of stored results, allowed to whoever may see the service levels (the URL
    configuration hands it `viewset=ServiceLevelViews`)."""


def _filtered(filterset_class, request, queryset, preset: dict | None = None):
    data = request.GET.copy()
    for name, value in (preset or {}).items():
        if name not in data:
            data.setlist(name, value)
    filterset = filterset_class(data or None, queryset=queryset, request=request)
    return filterset, filterset_rows(filterset)


def _export(request, name: str, columns, rows):
    fmt = request.GET["format"]
    if fmt not in CONTENT_TYPES:
        raise Http404
    return spreadsheet_download(fmt, name, lambda out: write_spreadsheet(
        fmt=fmt, out=out, sheet=name, headers=[header for header, _lookup in columns],
        rows=rows))


RESULT_COLUMNS = (
    ("provider", "service_level__arrangement__provider__name"),
    ("arrangement", "service_level__arrangement__reference"),
    ("service_level", "service_level__reference"), ("name", "service_level__name"),
    ("kind", "service_level__kind"), ("period_start", "period_start"), ("count", "count"),
    ("value", "value"), ("target", "service_level__target"), ("unit", "service_level__unit"),
    ("outcome", "outcome"), ("attainment", "attainment"), ("credit_percent", "credit_percent"),
    ("credit_amount", "credit_amount"), ("currency", "service_level__currency"),
)


class ResultListView(PerformanceView):
    """Results per period, filtered; `preset` is what the "Breaches" page filters by."""

    title = "Results per period"
    preset: dict | None = None

    def get(self, request):
        filterset, queryset = _filtered(filtersets.PeriodResultFilterSet, request,
                                        selectors.result_list(user=request.user), self.preset)
        if "format" in request.GET:
            rows = queryset.order_by("period_start", "service_level_id").values_list(
                *(lookup for _header, lookup in RESULT_COLUMNS))
            return _export(request, "breaches" if self.preset else "results", RESULT_COLUMNS,
                           rows.iterator(chunk_size=2000))
        table = tables.PeriodResultTable(queryset.order_by("-period_start", "attainment"))
        table.order(request.GET.get("sort"))
        table.paginate(request.GET.get("page", 1), rows_per_page(request))
        context = {**self.page_context(), "title": self.title, "filter": filterset,
                   "table": table, "list_url": request.path, "count_label": "results",
                   "export_url": request.path}
        if request.htmx and request.htmx.target == "results":
            return render(request, "performance/inc/results.html", context)
        return render(request, "performance/results.html", context)


class BreachListView(ResultListView):
    title = "Breaches"
    preset = {"outcome": ["breached"]}


CREDIT_COLUMNS = ("provider", "arrangement", "currency", "breaches", "credit")


class CreditsOwedView(PerformanceView):
    """Service credits owed per provider and arrangement, per currency, over a range of
    months (this year unless told)."""

    def get(self, request):
        preset = {"period_from": [f"{timezone.localdate():%Y}-01"]}
        filterset, queryset = _filtered(filtersets.CreditsFilterSet, request,
                                        selectors.results_visible(request.user), preset)
        rows = selectors.credits_owed(queryset)
        if "format" in request.GET:
            return _export(request, "credits-owed", [(name, name) for name in CREDIT_COLUMNS],
                           ((row.provider, row.arrangement, row.currency, row.breaches,
                             row.credit) for row in rows))
        context = {**self.page_context(), "filter": filterset, "rows": rows,
                   "totals": selectors.credit_totals(rows), "export_url": request.path,
                   "list_url": request.path}
        if request.htmx and request.htmx.target == "results":
            return render(request, "performance/inc/credits.html", context)
        return render(request, "performance/credits.html", context)


class DashboardView(PerformanceView):
    """The worst SLAs of the latest complete period, breaches per month, outcome counts and
    the credits of this year: stored results read with a few GROUP BYs."""

    def get(self, request):
        user = request.user
        today = timezone.localdate()
        periods = selectors.latest_complete_periods(today)
        trend = selectors.breaches_per_month(user=user, today=today)
        context = {
            **self.page_context(),
            "worst": selectors.worst_results(user=user, today=today),
            "counts": selectors.outcome_counts(user=user, today=today),
            "month": periods["month"], "quarter": periods["quarter"],
            "trend_chart": charts.month_bars_svg(
                trend, title="Breaches per month over the last twelve months"),
            "credits": selectors.credits_this_year(user=user, today=today),
            "year": today.year,
            "breaches_url": reverse("performance:breaches"),
            "credits_url": reverse("performance:credits"),
        }
        return render(request, "performance/dashboard.html", context)
