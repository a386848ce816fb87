"""The risk app's pages.

The register's models (risks, controls, categories, country ratings, intakes) declare their
pages once with an ObjectViewSet; the methodology, the analytical views (heat map, above
appetite, providers by tier, explain, trend) and the country import are small views on top of
`ViewSetMixin`, so the permission check is the generic one.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.views import View
from django_countries import countries

from tether.core.evidence import CONTRIBUTED_INPUTS
from tether.core.exports import CONTENT_TYPES, write_spreadsheet
from tether.core.services import plain_services
from tether.core.views.display import object_fields
from tether.core.views.exports import spreadsheet_download
from tether.core.views.generic import (
    ObjectListView,
    ObjectViewSet,
    Panel,
    ViewSetMixin,
    add_link,
    filterset_rows,
    rows_per_page,
)
from tether.registry.choices import Substitutability
from tether.registry.models import Arrangement, Provider
from tether.registry.tables import ProviderTable
from tether.risk import filtersets, forms, selectors, tables
from tether.risk import services as risk_services
from tether.risk.charts import Point, matrix_svg, score_chart_svg
from tether.risk.choices import BusinessCriticality, DataSensitivity, RiskStatus, SystemAccess
from tether.risk.country_services import COUNTRY_RISK
from tether.risk.country_transfer import country_risks_export, country_risks_import
from tether.risk.intake_services import INTAKE
from tether.risk.methodology import INTAKE_FACTORS, MethodologyConfig
from tether.risk.models import (
    ArrangementIntake,
    Control,
    CountryRisk,
    Methodology,
    ProviderScore,
    Risk,
    RiskCategory,
)

ROWS = selectors.PANEL_ROWS
OWN_INPUT_LABELS = {
    "inherent": "Inherent risk (the riskiest arrangement's intake)",
    "risks": "Worst open risk in the register",
    "questionnaire": "Gap in the latest accepted questionnaire",
    "location": "Location (countries of establishment, service, data)",
}


def input_label(name: str) -> str:
    if name in OWN_INPUT_LABELS:
        return OWN_INPUT_LABELS[name]
    contributed = CONTRIBUTED_INPUTS.get(name)
    return contributed.label if contributed else name
FACTOR_LABELS = {
    "criticality": "Business criticality", "data_sensitivity": "Data sensitivity",
    "system_access": "Access to our systems", "spend": "Annual spend",
    "substitutability": "Substitutability", "location": "Location",
}
FACTOR_CHOICES = {
    "criticality": BusinessCriticality, "data_sensitivity": DataSensitivity,
    "system_access": SystemAccess, "substitutability": Substitutability,
}
LEVEL_FILTERS = ("inherent_likelihood", "inherent_impact", "effective_likelihood",
                 "effective_impact")


# --- shared pieces ----------------------------------------------------------------------------




class RiskAppViewSet(ObjectViewSet):
    """An ObjectViewSet whose list page may be a view of its own."""

    list_view = ObjectListView

    @classmethod
    def urls(cls):
        patterns = []
        for pattern in super().urls():
            if pattern.name == cls.url_name("list") and cls.list_view is not ObjectListView:
                pattern = path(cls.url_prefix, cls.list_view.as_view(viewset=cls),
                               name=pattern.name)
            patterns.append(pattern)
        return patterns


class ReportMixin:
    """A filtered, sorted, paginated list on the risk app's report template: the methodology
    is read once and given to the filterset and the table; htmx gets the results only."""

    template_name = "risk/report.html"
    results_template = "risk/inc/results.html"
    title = ""
    count_label = ""
    hidden_filters: tuple[str, ...] = ()

    def rows(self, config):
        return self.get_queryset()

    def filterset_class(self):
        return self.viewset.filterset_class

    def table_class(self):
        return self.viewset.table_class

    def report_context(self, config, filterset, queryset) -> dict:
        return {}

    def get(self, request):
        config = selectors.current_config(request)
        filterset_class, table_class = self.filterset_class(), self.table_class()
        configured = {"config": config} if issubclass(
            filterset_class, filtersets.ConfiguredFilterSet) else {}
        filterset = filterset_class(request.GET or None, queryset=self.rows(config),
                                    request=request, **configured)
        for name in self.hidden_filters:
            filterset.form.fields.pop(name, None)
        queryset = filterset_rows(filterset)
        rated = {"config": config} if issubclass(table_class, tables.RatedTable) else {}
        table = table_class(queryset, **rated)
        table.order(request.GET.get("sort"))
        table.paginate(request.GET.get("page", 1), rows_per_page(request))
        context = {
            **self.page_context(), "title": self.title or self.viewset.model._meta
            .verbose_name_plural.capitalize(), "count_label": self.count_label or
            self.viewset.model._meta.verbose_name_plural, "list_url": request.path,
            "filter": filterset, "table": table, "config": config,
            **self.report_context(config, filterset, queryset),
        }
        template = (self.results_template if request.htmx and request.htmx.target == "results"
                    else self.template_name)
        return render(request, template, context)


# --- the register ------------------------------------------------------------------------------

class RiskListView(ReportMixin, ObjectListView):
    def rows(self, config):
        return selectors.with_severity(self.get_queryset(), config)

    def report_context(self, config, filterset, queryset):
        return {"actions": [("Heat map", reverse("risk:heat_map"), "outline-secondary"),
                            ("Above appetite", reverse("risk:above_appetite"),
                             "outline-secondary")]}


class RiskViews(RiskAppViewSet):
    model = Risk
    url_prefix = "risks/"
    filterset_class = filtersets.RiskFilterSet
    table_class = tables.RiskTable
    form_class = forms.RiskForm
    services = risk_services.RISK
    list_view = RiskListView
    choices_search_field = "title"
    detail_template = "risk/risk_detail.html"

    @classmethod
    def base_queryset(cls):
        return Risk.objects.select_related("category", "provider", "arrangement", "activity",
                                           "owner")

    @classmethod
    def detail_context(cls, request, obj):
        config = selectors.current_config(request)
        subject = [name for name in ("provider", "arrangement", "activity")
                   if getattr(obj, f"{name}_id")]
        fields = object_fields(obj, [*subject, "category", "description", "owner", "status",
                                     "treatment", "treatment_notes", "review_date"])
        inherent = _cell(config, obj.inherent_likelihood, obj.inherent_impact)
        residual = (_cell(config, obj.effective_likelihood, obj.effective_impact)
                    if obj.effective_likelihood and obj.effective_impact else None)
        marks = {inherent: "I"}
        if residual is not None:
            marks[residual] = "I R" if residual == inherent else "R"
        return {
            "config": config, "fields": fields,
            "matrix": matrix_svg(config, marks=marks, cell=44,
                                 title="Inherent (I) and residual (R) position"),
            "appetite": config.appetite_for(obj.category.code),
            "inherent_labels": _level_labels(config, obj.inherent_likelihood,
                                             obj.inherent_impact),
            "residual_labels": _level_labels(config, obj.effective_likelihood,
                                             obj.effective_impact),
            "overridden": obj.residual_likelihood is not None or obj.residual_impact is not None,
        }

    @classmethod
    def detail_panels(cls, request, obj):
        controls = list(Control.objects.restrict(request.user).filter(risk=obj)
                        .select_related("owner"))
        implemented = [c for c in controls if c.status == "implemented"]
        table = tables.ControlTable(controls, orderable=False, exclude=("risk",))
        return [Panel("Controls and mitigations", template="risk/panels/controls.html",
                      total=len(controls), context={
                          "table": table,
                          "add_url": add_link(request, Control, "risk:control_add", risk=obj.pk),
                          "likelihood_reduction": sum(c.likelihood_reduction
                                                      for c in implemented),
                          "impact_reduction": sum(c.impact_reduction for c in implemented),
                      })]


def _cell(config: MethodologyConfig, likelihood: int, impact: int) -> tuple[int, int]:
    return (min(max(likelihood, 1), config.max_likelihood),
            min(max(impact, 1), config.max_impact))


def _level_labels(config: MethodologyConfig, likelihood, impact) -> tuple[str, str] | None:
    if not likelihood or not impact:
        return None
    likelihood, impact = _cell(config, likelihood, impact)
    return (f"{likelihood} — {config.likelihood_labels[likelihood]}",
            f"{impact} — {config.impact_labels[impact]}")


class ControlViews(ObjectViewSet):
    model = Control
    url_prefix = "controls/"
    filterset_class = filtersets.ControlFilterSet
    table_class = tables.ControlTable
    form_class = forms.ControlForm
    services = risk_services.CONTROL
    choices_search_field = "title"
    detail_fields = ["risk", "title", "description", "control_type", "status",
                     "likelihood_reduction", "impact_reduction", "owner"]

    @classmethod
    def base_queryset(cls):
        return Control.objects.select_related("risk", "owner")


class RiskCategoryViews(ObjectViewSet):
    model = RiskCategory
    url_prefix = "categories/"
    filterset_class = filtersets.RiskCategoryFilterSet
    table_class = tables.RiskCategoryTable
    form_class = forms.RiskCategoryForm
    services = plain_services(RiskCategory)

    @classmethod
    def detail_panels(cls, request, obj):
        risks = selectors.risk_list(user=request.user).filter(category=obj)
        config = selectors.current_config(request)
        return [Panel("Risks", tables.RiskTable(list(risks[:ROWS]), orderable=False,
                                                config=config, exclude=("category",)),
                      f"{reverse('risk:risk_list')}?category={obj.pk}")]


class CountryRiskListView(ReportMixin, ObjectListView):
    count_label = "rated countries"

    def report_context(self, config, filterset, queryset):
        actions = []
        if self.request.user.can("add", CountryRisk) and self.request.user.can(
                "change", CountryRisk):
            actions.append(("Import…", reverse("risk:countryrisk_import"), "outline-primary"))
        return {"actions": actions, "title": "Country risk ratings"}


class CountryRiskViews(RiskAppViewSet):
    model = CountryRisk
    url_prefix = "countries/"
    filterset_class = filtersets.CountryRiskFilterSet
    table_class = tables.CountryRiskTable
    form_class = forms.CountryRiskForm
    services = COUNTRY_RISK
    list_view = CountryRiskListView
    choices_search_field = "country"

    @classmethod
    def export_url(cls):
        return reverse("risk:countryrisk_export")

    @classmethod
    def detail_panels(cls, request, obj):
        code = obj.country.code
        providers = Provider.objects.restrict(request.user).filter(
            Q(country=code) | Q(service_countries__contains=code)
            | Q(data_storage_countries__contains=code)).select_related("ultimate_parent")
        return [Panel("Providers established, serving or storing data here",
                      ProviderTable(list(providers.order_by("name")[:ROWS]), orderable=False),
                      f"{reverse('registry:provider_list')}?service_country={code}")]


class IntakeListView(ReportMixin, ObjectListView):
    title = "Arrangement intakes"
    count_label = "intakes"


class ArrangementIntakeViews(RiskAppViewSet):
    model = ArrangementIntake
    url_prefix = "intakes/"
    filterset_class = filtersets.ArrangementIntakeFilterSet
    table_class = tables.ArrangementIntakeTable
    form_class = forms.ArrangementIntakeForm
    services = INTAKE
    list_view = IntakeListView
    choices_search_field = "arrangement__reference"
    detail_template = "risk/intake_detail.html"

    @classmethod
    def base_queryset(cls):
        return ArrangementIntake.objects.select_related("arrangement", "arrangement__provider")

    @classmethod
    def detail_context(cls, request, obj):
        config = selectors.current_config(request)
        return {"config": config, "tier": selectors.tier_of(config, obj.tier),
                "factors": intake_factors(config, obj.explanation),
                "explain_url": reverse("risk:provider_explain",
                                       args=[obj.arrangement.provider_id])}


def intake_factors(config: MethodologyConfig, explanation: dict | None) -> list[dict]:
    """The factors of an intake explanation with labels and the most points each can give."""
    if not explanation:
        return []
    intake = config.intake
    most = {factor: max(float(v) for v in intake[factor].values()) for factor in INTAKE_FACTORS}
    most["spend"] = max(float(band["points"]) for band in intake["spend_bands"])
    most["location"] = float(intake["location_points"])
    rows = []
    for factor in explanation.get("factors", []):
        name = factor.get("factor")
        value = factor.get("value")
        choices = FACTOR_CHOICES.get(name)
        if name == "substitutability" and choices is not None and value:
            value = dict(choices.choices).get(value, value)
        elif name == "location" and isinstance(value, str) and len(value) == 2:
            value = f"{countries.name(value)} ({value})"
        rows.append({"name": name, "label": FACTOR_LABELS.get(name, name), "value": value,
                     "points": factor.get("points"), "most": most.get(name)})
    return rows


# --- the methodology ---------------------------------------------------------------------------

class MethodologyViews(ObjectViewSet):
    model = Methodology
    url_prefix = "methodology/versions/"
    filterset_class = filtersets.MethodologyFilterSet
    table_class = tables.MethodologyTable
    pages = ("list", "detail")
    detail_template = "risk/methodology_detail.html"

    @classmethod
    def base_queryset(cls):
        return Methodology.objects.select_related("created_by")

    @classmethod
    def detail_context(cls, request, obj):
        return methodology_context(request, obj)


def methodology_context(request, methodology: Methodology) -> dict:
    """Everything the methodology page shows of one version, in readable form."""
    config = MethodologyConfig(methodology.config)
    categories = list(RiskCategory.objects.restrict(request.user).order_by("position", "name"))
    known = {category.code for category in categories}
    appetite = [(category, config.appetite_for(category.code),
                 category.code in config.appetite) for category in categories]
    weights = config.residual_weights
    total_weight = sum(weights.values()) or 1
    low, bands = 0, []
    for band in config.score_bands:
        high = band.get("below", 100)
        bands.append((low, high, band["rating"], "below" not in band))
        low = high
    intake = config.intake
    intake_tables = []
    for factor in INTAKE_FACTORS:
        labels = dict(FACTOR_CHOICES[factor].choices)
        intake_tables.append((FACTOR_LABELS[factor], [
            (labels.get(_choice_key(FACTOR_CHOICES[factor], key), key), points)
            for key, points in intake[factor].items()]))
    spend = []
    low = 0
    for band in intake["spend_bands"]:
        spend.append((low, band.get("below"), band["points"]))
        low = band.get("below", low)
    versions = list(Methodology.objects.restrict(request.user).select_related("created_by")
                    .order_by("-version")[:20])
    return {
        "methodology": methodology, "config": config,
        "matrix": matrix_svg(config, title=f"Matrix of {methodology}"),
        "appetite": appetite,
        "other_appetite": sorted((code, rating) for code, rating in config.appetite.items()
                                 if code != "default" and code not in known),
        "weights": [(input_label(name), weight, float(weight) * 100 / float(
            total_weight)) for name, weight in weights.items()],
        "bands": bands, "intake_tables": intake_tables, "spend_bands": spend,
        "intake_max": config.intake_max, "tiers": sorted(config.tiers, key=lambda t: t.tier),
        "versions": versions,
        "can_change": request.user.can("add", Methodology),
        "change_url": reverse("risk:methodology_change"),
        "appetite_url": reverse("risk:methodology_appetite"),
        "categories_url": reverse("risk:riskcategory_list"),
    }


def _choice_key(choices, key: str):
    """A key of the intake's points table as its choice's value (numbers are stored as text)."""
    return int(key) if key.isdigit() and choices is not Substitutability else key


class MethodologyCurrentView(ViewSetMixin, View):
    """The methodology in force, and the versions before it."""

    def get(self, request):
        from tether.risk.engine import methodology_current

        methodology = methodology_current()
        context = {**self.page_context(), "object": methodology, "is_current_page": True,
                   **methodology_context(request, methodology)}
        return render(request, "risk/methodology_detail.html", context)


def _job_url(job) -> str | None:
    try:
        return reverse("core:job_detail", args=[job.pk])
    except NoReverseMatch:
        return None


def _publish(request, *, config: dict, name: str, change_note: str):
    methodology, job = risk_services.methodology_publish(
        actor=request.user, config=config, name=name, change_note=change_note)
    messages.success(request, format_html(
        "Published {}. Every provider is being rescored in the background.", methodology))
    return redirect(_job_url(job) or reverse("risk:methodology"))


class MethodologyChangeView(ViewSetMixin, View):
    """A new version from the current one, edited as YAML; publishing rescores everything."""

    action = "add"
    template_name = "risk/methodology_change.html"

    def get(self, request):
        from tether.risk.engine import methodology_current

        current = methodology_current()
        form = forms.MethodologyForm(initial={"name": current.name,
                                              "config": forms.config_as_yaml(current.config)})
        return self.show(form, current)

    def post(self, request):
        from tether.risk.engine import methodology_current

        form = forms.MethodologyForm(request.POST)
        if form.is_valid():
            try:
                return _publish(request, config=form.cleaned_data["config"],
                                name=form.cleaned_data["name"],
                                change_note=form.cleaned_data["change_note"])
            except ValidationError as error:
                form.add_error("config", error)
        return self.show(form, methodology_current())

    def show(self, form, current):
        return render(self.request, self.template_name,
                      {**self.page_context(), "form": form, "current": current})


class MethodologyAppetiteView(ViewSetMixin, View):
    """The appetite alone, per category: a new methodology version with the rest unchanged."""

    action = "add"
    template_name = "risk/methodology_appetite.html"

    def form(self, current, data=None):
        categories = RiskCategory.objects.filter(is_active=True).order_by("position", "name")
        return forms.AppetiteForm(data, config=MethodologyConfig(current.config),
                                  categories=categories)

    def get(self, request):
        from tether.risk.engine import methodology_current

        current = methodology_current()
        return self.show(self.form(current), current)

    def post(self, request):
        from tether.risk.engine import methodology_current

        current = methodology_current()
        form = self.form(current, request.POST)
        if form.is_valid():
            try:
                return _publish(request, config=form.new_config(), name=current.name,
                                change_note=form.cleaned_data["change_note"])
            except ValidationError as error:
                form.add_error(None, error)
        return self.show(form, current)

    def show(self, form, current):
        return render(self.request, self.template_name,
                      {**self.page_context(), "form": form, "current": current})


# --- analytical views ----------------------------------------------------------------------------

class HeatMapView(ViewSetMixin, View):
    """The portfolio's risks per likelihood × impact cell, inherent or residual, filterable;
    each cell links to its risks."""

    template_name = "risk/heat_map.html"
    hidden_filters = ("above_appetite", *LEVEL_FILTERS)

    def get(self, request):
        config = selectors.current_config(request)
        basis = request.GET.get("basis")
        basis = basis if basis in selectors.HEAT_MAP_FIELDS else "residual"
        data = request.GET.copy()
        data.pop("basis", None)
        if not data:
            data.setlist("status", [RiskStatus.OPEN])  # the live portfolio, unless asked
        filterset = filtersets.RiskFilterSet(data, queryset=self.get_queryset(),
                                             request=request, config=config)
        for name in self.hidden_filters:
            filterset.form.fields.pop(name, None)
        grid = selectors.heat_map(filterset_rows(filterset), config=config, basis=basis)
        likelihood_field, impact_field = selectors.HEAT_MAP_FIELDS[basis]
        query = [(key, value) for key, values in data.lists() for value in values
                 if key not in ("page", "sort", *LEVEL_FILTERS) and value != ""]
        list_url = reverse("risk:risk_list")
        links, counts = {}, {}
        for _level, _label, cells in grid.rows:
            for cell in cells:
                counts[(cell.likelihood, cell.impact)] = cell.count
                if cell.count:
                    links[(cell.likelihood, cell.impact)] = f"{list_url}?" + urlencode(
                        [*query, (likelihood_field, cell.likelihood),
                         (impact_field, cell.impact)])
        context = {
            **self.page_context(), "filter": filterset, "grid": grid, "basis": basis,
            "config": config, "list_url": request.path,
            "matrix": matrix_svg(config, counts=counts, links=links, cell=76,
                                 title=f"Heat map of {basis} risk"),
            "all_url": f"{list_url}?{urlencode(query)}",
            "basis_urls": {name: f"{request.path}?" + urlencode(
                [*query, ("basis", name)]) for name in selectors.HEAT_MAP_FIELDS},
            "ratings": _rating_totals(config, grid),
        }
        return render(request, self.template_name, context)


def _rating_totals(config: MethodologyConfig, grid) -> list[tuple]:
    totals = {rating.code: 0 for rating in config.ratings}
    for _level, _label, cells in grid.rows:
        for cell in cells:
            totals[cell.rating] = totals.get(cell.rating, 0) + cell.count
    return [(rating, totals[rating.code]) for rating in reversed(config.ratings)]


class AboveAppetiteView(ReportMixin, ViewSetMixin, View):
    """Open risks whose residual rating is above their category's appetite."""

    title = "Risks above appetite"
    count_label = "risks above appetite"
    hidden_filters = ("above_appetite", *LEVEL_FILTERS)

    def rows(self, config):
        return selectors.with_severity(self.get_queryset(), config).filter(above_appetite=True)

    def table_class(self):
        return tables.AboveAppetiteTable

    def report_context(self, config, filterset, queryset):
        return {"intro": "Open risks whose residual rating is more severe than the appetite "
                         "the methodology sets for their category. Treat them, or accept "
                         "them explicitly.",
                "actions": [("Heat map", reverse("risk:heat_map"), "outline-secondary")]}


class ProvidersByTierView(ReportMixin, ObjectListView):
    title = "Providers by tier"
    count_label = "providers scored"

    def rows(self, config):
        return self.get_queryset()

    def report_context(self, config, filterset, queryset):
        return {
            "tiers": selectors.tier_summary(queryset, config=config),
            "export_query": self.request.GET.urlencode(),
            "intro": "Each provider's tier (from its riskiest arrangement's intake), and its "
                     "inherent and residual scores (0–100, higher is riskier) under the current "
                     "methodology.",
        }


class ProviderScoreViews(RiskAppViewSet):
    model = ProviderScore
    url_prefix = "providers/"
    filterset_class = filtersets.ProviderScoreFilterSet
    table_class = tables.ProviderScoreTable
    list_view = ProvidersByTierView
    pages = ("list",)

    @classmethod
    def base_queryset(cls):
        return ProviderScore.objects.select_related("provider", "methodology")

    @classmethod
    def export_url(cls):
        return reverse("risk:providerscore_export")


EXPORT_HEADERS = ("provider", "provider_id", "lei", "country", "status", "tier",
                  "inherent_score", "inherent_rating", "residual_score", "residual_rating",
                  "above_appetite", "methodology_version", "computed_at")


class ProviderScoreExportView(ViewSetMixin, View):
    """The providers-by-tier list as CSV or XLSX, with the same filters."""

    def get(self, request):
        fmt = request.GET.get("format", "csv")
        if fmt not in CONTENT_TYPES:
            raise Http404
        config = selectors.current_config(request)
        filterset = filtersets.ProviderScoreFilterSet(
            request.GET, queryset=self.get_queryset(), request=request, config=config)
        rows = filterset_rows(filterset).order_by("tier", "-residual_score", "pk").values_list(
            "provider__name", "provider_id", "provider__lei", "provider__country",
            "provider__status", "tier", "inherent_score", "inherent_rating", "residual_score",
            "residual_rating", "above_appetite", "methodology__version", "computed_at")
        return spreadsheet_download(fmt, "provider-scores", lambda out: write_spreadsheet(
            fmt=fmt, out=out, sheet="providers by tier", headers=EXPORT_HEADERS,
            rows=rows.iterator(chunk_size=2000)))


class ProviderPageMixin(ViewSetMixin):
    """A page about one provider's score: the provider must be one the user may see."""

    def provider(self, provider_id: int) -> Provider:
        return get_object_or_404(Provider.objects.restrict(self.request.user), pk=provider_id)


class ProviderExplainView(ProviderPageMixin, View):
    """Which inputs made a provider's score, with their values, weights and contributions."""

    template_name = "risk/provider_explain.html"

    def get(self, request, provider_id):
        provider = self.provider(provider_id)
        score = selectors.provider_score(user=request.user, provider_id=provider.pk)
        config = selectors.current_config(request)
        context = {**self.page_context(), "provider": provider, "score": score,
                   "config": config}
        if score is not None:
            explanation = score.explanation or {}
            scored_with = MethodologyConfig(score.methodology.config)
            inputs = [{**item, "label": input_label(item.get("input"))}
                      for item in explanation.get("inputs", [])]
            driver = explanation.get("driver")
            context.update({
                "scored_with": scored_with, "inputs": inputs,
                "total_weight": sum(float(item.get("weight") or 0) for item in inputs),
                "total_contribution": sum(float(item.get("contribution") or 0)
                                          for item in inputs),
                "driver": driver, "driver_factors": intake_factors(scored_with, driver),
                "driver_url": (reverse("registry:arrangement_detail",
                                       args=[driver["arrangement"]]) if driver else None),
                "tier": selectors.tier_of(scored_with, score.tier),
            })
        context["arrangements"] = list(
            Arrangement.objects.restrict(request.user).filter(provider=provider)
            .select_related("intake").order_by("reference")[:50])
        context["can_add_intake"] = request.user.can("add", ArrangementIntake)
        return render(request, self.template_name, context)


class ProviderTrendView(ProviderPageMixin, View):
    """A provider's inherent and residual scores over time, methodology versions marked."""

    template_name = "risk/provider_trend.html"

    def get(self, request, provider_id):
        provider = self.provider(provider_id)
        config = selectors.current_config(request)
        history = selectors.score_history(user=request.user, provider_id=provider.pk)
        context = {
            **self.page_context(), "provider": provider, "config": config,
            "chart": score_chart_svg(history_points(history), config,
                                     title=f"Risk score of {provider} over time"),
            "table": tables.ScoreHistoryTable(list(reversed(history)), orderable=False,
                                              config=config),
        }
        return render(request, self.template_name, context)


def history_points(history) -> list[Point]:
    return [Point(row.computed_at, float(row.inherent_score), float(row.residual_score),
                  row.methodology.version) for row in history]


# --- country ratings: import and export ----------------------------------------------------------

class CountryImportView(ViewSetMixin, View):
    """Upload country ratings; every row is checked before anything is written."""

    action = "add"
    template_name = "risk/country_import.html"

    def get(self, request):
        return render(request, self.template_name,
                      {**self.page_context(), "form": forms.CountryImportForm()})

    def post(self, request):
        if not request.user.can("change", CountryRisk):
            raise PermissionDenied
        form = forms.CountryImportForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = country_risks_import(actor=request.user, file=upload.file,
                                          filename=upload.name, source="web-import")
        return render(request, self.template_name,
                      {**self.page_context(), "form": form, "result": result})


class CountryExportView(ViewSetMixin, View):
    def get(self, request):
        fmt = request.GET.get("format", "csv")
        if fmt not in CONTENT_TYPES:
            raise Http404
        return spreadsheet_download(fmt, "country-risk", lambda out: country_risks_export(
            user=request.user, fmt=fmt, out=out))


VIEWSETS = [RiskViews, ControlViews, RiskCategoryViews, CountryRiskViews,
            ArrangementIntakeViews, MethodologyViews, ProviderScoreViews]
