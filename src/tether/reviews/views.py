"""The reviews app's pages.

Reviews and cadences declare their pages once with an ObjectViewSet; the reviews-due register,
the scorecard ranking and a provider's scorecard are small views on top of `ViewSetMixin`, so
the permission check is the generic one (reading reviews: every internal role).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views import View

from tether.core.exports import CONTENT_TYPES, write_spreadsheet
from tether.core.views.exports import SpreadsheetExport, spreadsheet_download
from tether.core.views.generic import ObjectViewSet, ViewSetMixin, filterset_rows, rows_per_page
from tether.registry.models import Provider
from tether.reviews import filtersets, forms, scorecard_selectors, selectors, tables
from tether.reviews import services as review_services
from tether.reviews.charts import components_svg, ratings_sparkline_svg
from tether.reviews.choices import RATING_FIELDS
from tether.reviews.models import Review, ReviewCadence


class ReviewViews(SpreadsheetExport, ObjectViewSet):
    model = Review
    url_prefix = ""
    filterset_class = filtersets.ReviewFilterSet
    table_class = tables.ReviewTable
    form_class = forms.ReviewForm
    services = review_services.REVIEW
    choices_search_field = "arrangement__reference"
    detail_template = "reviews/review_detail.html"
    detail_fields = ["arrangement", "period_from", "period_to", "held_on", "reviewer",
                     *(name for name, _label in RATING_FIELDS), "overall_rating", "summary",
                     "feedback", "feedback_shared_on", "decision", "actions_agreed",
                     "next_review_override", "next_review_due"]
    export_name = "reviews"
    export_columns = (
        ("arrangement", "arrangement__reference"), ("provider", "arrangement__provider__name"),
        ("period_from", "period_from"), ("period_to", "period_to"), ("held_on", "held_on"),
        ("reviewer", "reviewer__username"),
        *((name, name) for name, _label in RATING_FIELDS),
        ("overall_rating", "overall_rating"), ("decision", "decision"),
        ("feedback_shared_on", "feedback_shared_on"), ("next_review_due", "next_review_due"),
        ("summary", "summary"), ("feedback", "feedback"), ("actions_agreed", "actions_agreed"),
    )

    @classmethod
    def base_queryset(cls):
        return Review.objects.select_related("arrangement", "arrangement__provider", "reviewer")

    @classmethod
    def detail_context(cls, request, obj):
        return {"ratings": [(label, getattr(obj, name)) for name, label in RATING_FIELDS]}


class ReviewCadenceViews(ObjectViewSet):
    model = ReviewCadence
    url_prefix = "cadences/"
    filterset_class = filtersets.ReviewCadenceFilterSet
    table_class = tables.ReviewCadenceTable
    form_class = forms.ReviewCadenceForm
    services = review_services.CADENCE
    choices_search_field = "scope"
    detail_fields = ["scope", "months"]
    pages = ("list", "add", "detail", "edit", "delete", "history")


class OverviewView(ViewSetMixin, View):
    """A filtered table (htmx gets the table only); `?format=csv|xlsx` exports it."""

    template_name = "reviews/overview.html"
    title = intro = count_label = export_name = ""
    filterset_class = None
    table_class = None
    export_columns: tuple[tuple[str, str], ...] = ()

    def rows(self):
        raise NotImplementedError

    def filtered(self):
        filterset = self.filterset_class(self.request.GET or None, queryset=self.rows(),
                                         request=self.request)
        return filterset, filterset_rows(filterset)

    def get(self, request):
        if "format" in request.GET:
            return self.export()
        filterset, queryset = self.filtered()
        table = self.table_class(queryset)
        table.order(request.GET.get("sort"))
        table.paginate(request.GET.get("page", 1), rows_per_page(request))
        context = {**self.page_context(), "title": self.title, "intro": self.intro,
                   "count_label": self.count_label, "list_url": request.path,
                   "filter": filterset, "table": table, "export_url": request.path,
                   "add_url": None, **self.extra_context(queryset)}
        if request.htmx and request.htmx.target == "results":
            return render(request, "reviews/inc/results.html", context)
        return render(request, self.template_name, context)

    def extra_context(self, queryset) -> dict:
        return {}

    def export(self):
        fmt = self.request.GET["format"]
        if fmt not in CONTENT_TYPES:
            raise Http404(f"“{fmt}” is not a format Tether exports: use csv or xlsx.")
        _filterset, queryset = self.filtered()
        rows = queryset.values_list(*(lookup for _header, lookup in self.export_columns))
        return spreadsheet_download(fmt, self.export_name, lambda out: write_spreadsheet(
            fmt=fmt, out=out, sheet=self.export_name,
            headers=[header for header, _lookup in self.export_columns],
            rows=rows.iterator(chunk_size=2000)))


class ReviewsDueView(OverviewView):
    """Every active arrangement with its last review and when the next one is due."""

    title = "Reviews due"
    intro = ("Every active arrangement, most overdue first: the next review is due a cadence "
             "after the last one (or after the start date if never reviewed). Critical or "
             "important arrangements follow the shorter cadence.")
    count_label = "active arrangements"
    filterset_class = filtersets.ReviewsDueFilterSet
    table_class = tables.ReviewsDueTable
    export_name = "reviews-due"
    export_columns = (
        ("reference", "reference"), ("title", "title"), ("provider", "provider__name"),
        ("organisation", "organisation__name"), ("critical", "is_critical"),
        ("start_date", "start_date"), ("last_review_on", "last_review_on"),
        ("last_overall_rating", "last_overall"), ("last_decision", "last_decision"),
        ("next_review_due", "review_due"), ("overdue", "overdue"),
        ("cadence_months", "cadence_months"), ("risk_tier_months", "tier_months"),
    )

    def rows(self):
        return selectors.reviews_due(user=self.request.user)

    def extra_context(self, queryset) -> dict:
        cadences = selectors.cadence_months()
        return {"cadences": cadences, "cadence_url": ReviewCadenceViews.url_name("list")}


class ScorecardRankingView(ViewSetMixin, View):
    """Providers ranked by scorecard; `?format=csv|xlsx` exports the ranking."""

    template_name = "reviews/scorecard_ranking.html"
    export_columns = (
        ("rank", "rank"), ("provider", "name"), ("score", "score"), ("band", "band"),
        ("sla_periods_met_pct", "sla_share"), ("sla_mean_attainment_pct", "sla_mean_attainment"),
        ("kpi_periods_met_pct", "kpi_share"), ("latest_review_rating", "latest_rating"),
        ("review_trend", "trend"), ("open_findings", "open_findings"),
        ("finding_severity_points", "finding_points"),
    )

    def get(self, request):
        # A NUL cannot be searched for in PostgreSQL; nothing is named with one anyway.
        search = request.GET.get("q", "").replace("\x00", "").strip()[:200]
        ranking = scorecard_selectors.scorecard_ranking(user=request.user, search=search)
        if "format" in request.GET:
            return self.export(request.GET["format"], ranking)
        table = tables.ScorecardRankingTable(ranking)
        table.order(request.GET.get("sort"))
        table.paginate(request.GET.get("page", 1), rows_per_page(request))
        context = {**self.page_context(), "table": table, "search": search,
                   "list_url": request.path, "title": "Provider scorecards",
                   "count_label": "providers", "weights": scorecard_weights()}
        if request.htmx and request.htmx.target == "results":
            return render(request, "reviews/inc/results.html", context)
        return render(request, self.template_name, context)

    def export(self, fmt, ranking):
        if fmt not in CONTENT_TYPES:
            raise Http404(f"“{fmt}” is not a format Tether exports: use csv or xlsx.")
        rows = ([_cell(getattr(row, attr)) for _header, attr in self.export_columns]
                for row in ranking)
        return spreadsheet_download(fmt, "provider-scorecards", lambda out: write_spreadsheet(
            fmt=fmt, out=out, sheet="provider-scorecards",
            headers=[header for header, _attr in self.export_columns], rows=rows))


def _cell(value):
    return round(value, 2) if isinstance(value, float) else value


def scorecard_weights() -> list[tuple[str, int]]:
    from tether.reviews.scorecard import LABELS, WEIGHTS

    return [(LABELS[code], weight) for code, weight in WEIGHTS.items()]


class ProviderScorecardView(ViewSetMixin, View):
    """One provider's scorecard: score, components with their explanation, review trend."""

    template_name = "reviews/provider_scorecard.html"

    def get(self, request, provider_id):
        provider = get_object_or_404(Provider.objects.restrict(request.user), pk=provider_id)
        card = scorecard_selectors.provider_scorecard(provider)
        reviews = list(selectors.review_list(user=request.user).filter(
            arrangement__provider=provider).order_by("-held_on", "-id")[:20])
        points = [(f"{r.arrangement.reference} {r.held_on:%Y-%m-%d}", float(r.overall_rating))
                  for r in reversed(reviews) if r.overall_rating is not None]
        context = {**self.page_context(), "provider": provider, "card": card,
                   "band": card.band, "chart": components_svg(card),
                   "sparkline": ratings_sparkline_svg(points),
                   "reviews": tables.ReviewTable(reviews, orderable=False,
                                                 exclude=("provider",)),
                   "weights": scorecard_weights()}
        return render(request, self.template_name, context)


VIEWSETS = [ReviewCadenceViews, ReviewViews]
