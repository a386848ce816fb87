"""The dependence pages: concentration, supply chain (exposure, single points of failure,
longest chains, the network drawing) and "what if X fails".

Every page reads arrangements, so the generic role check on Arrangement applies
(`ViewSetMixin`); internal roles see the whole portfolio, provider contacts nothing.
"""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from tether.core.exports import CONTENT_TYPES
from tether.core.views.generic import ObjectViewSet, ViewSetMixin
from tether.dependence import exports
from tether.dependence.charts import bars_svg, trend_svg
from tether.dependence.concentration import (
    DIMENSIONS,
    MAIN_CURRENCY,
    MEASURES,
    concentration,
    concentration_all,
    thresholds,
)
from tether.dependence.forms import ConcentrationForm, WhatIfForm
from tether.dependence.graph import SPOF_MIN_CRITICAL, provider_names, supply_graph
from tether.dependence.models import ConcentrationSnapshot
from tether.dependence.whatif import what_if
from tether.registry.models import Arrangement, Provider

TOP = 15
GRAPH_DEPTH, GRAPH_LIMIT = 2, 120


class DependenceViews(ObjectViewSet):
    """Not a model's pages: the declaration that gives these views their role check."""

    model = Arrangement
    pages = ()

    @classmethod
    def base_queryset(cls):
        return Arrangement.objects.all()


def _money(value: float) -> str:
    return f"{value:,.0f}"


def concentration_params(request) -> tuple[str, str, str]:
    form = ConcentrationForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return (data.get("dimension") or "provider", data.get("measure") or "spend",
            data.get("currency") or MAIN_CURRENCY)


class ConcentrationView(ViewSetMixin, View):
    """HHI of every dimension × measure, one of them in detail (top groups, chart, trend)."""

    template_name = "dependence/concentration.html"

    def get(self, request):
        dimension, measure, currency = concentration_params(request)
        figures = concentration_all(currency=currency, top=TOP)
        chosen = next(f for f in figures if f.dimension == dimension and f.measure == measure)
        unit = currency if measure == "spend" else "arrangements"
        top_shares = chosen.top(TOP)
        history = list(ConcentrationSnapshot.objects.filter(
            dimension=dimension, measure=measure).order_by("-date")[:90])[::-1]
        context = {
            "figures": figures, "chosen": chosen, "top_shares": top_shares,
            "dimension": dimension, "measure": measure,
            "currency": currency, "dimensions": DIMENSIONS, "measures": MEASURES,
            "thresholds": thresholds(), "unit": unit,
            "chart": bars_svg([(s.label, s.share, f"{_money(s.value)} {unit}", s.flagged)
                               for s in top_shares],
                              title=f"Shares by {DIMENSIONS[dimension].lower()}: "
                                    f"{MEASURES[measure].lower()}"),
            "trend": trend_svg([(str(s.date), s.hhi) for s in history],
                               title="HHI over time") if len(history) > 1 else None,
            "export_query": f"dimension={dimension}&measure={measure}&currency={currency}",
        }
        return render(request, self.template_name, context)


class SupplyChainView(ViewSetMixin, View):
    """Exposure through chains, single points of failure, the longest chains."""

    template_name = "dependence/supply_chain.html"

    def get(self, request):
        graph = supply_graph(request)
        spofs = graph.single_points_of_failure(SPOF_MIN_CRITICAL)
        chains = graph.longest_chains()
        hhi, total, ranked = graph.indirect_concentration("spend")
        critical_hhi, critical_total, _ranked = graph.indirect_concentration("critical")
        exposures = graph.exposures()
        top_exposure = ranked[:TOP]
        names = provider_names({*(e.provider_id for e in spofs[:TOP]),
                                *(pk for chain in chains for pk in chain),
                                *(pk for pk, _v in top_exposure)})
        single = thresholds()["single_share"]
        exposure_rows = [(pk, names.get(pk, pk), value, 100 * value / total if total else 0,
                          exposures[pk]) for pk, value in top_exposure]
        context = {
            "spofs": [(e, names.get(e.provider_id, e.provider_id)) for e in spofs[:TOP]],
            "spof_count": len(spofs), "minimum": SPOF_MIN_CRITICAL,
            "chains": [[(pk, names.get(pk, pk)) for pk in chain] for chain in chains],
            "exposure_rows": exposure_rows, "hhi": hhi, "critical_hhi": critical_hhi,
            "total": total, "critical_total": critical_total, "currency": graph.currency,
            "single": single,
            "chart": bars_svg([(str(name), share, f"{_money(value)} {graph.currency}",
                                share > single)
                               for _pk, name, value, share, _e in exposure_rows],
                              title="Share of spend depending on each provider, through chains"),
            "spof_chart": bars_svg(
                [(str(name), 100 * e.critical / critical_total if critical_total else 0,
                  f"{e.critical} critical", False) for e, name in
                 [(e, names.get(e.provider_id, e.provider_id)) for e in spofs[:TOP]]],
                title="Share of critical arrangements hit by each single point of failure"),
        }
        return render(request, self.template_name, context)


class NetworkView(ViewSetMixin, View):
    """The drawing of a provider's neighbourhood; the script reads network_data."""

    template_name = "dependence/network.html"

    def get(self, request):
        provider = None
        if str(request.GET.get("provider", "")).isdigit():
            provider = get_object_or_404(Provider, pk=request.GET["provider"])
        else:
            spofs = supply_graph(request).single_points_of_failure()
            if spofs:
                provider = Provider.objects.get(pk=spofs[0].provider_id)
        return render(request, self.template_name, {
            "provider": provider, "data_url": reverse("dependence:network_data"),
            "form": WhatIfForm(initial={"provider": provider, "kind": "provider"}),
        })


def network_data(graph, provider_id: int, depth: int = GRAPH_DEPTH) -> dict:
    """Nodes and links around a provider, for the drawing and the API."""
    found = graph.neighbourhood(provider_id, depth=depth, limit=GRAPH_LIMIT)
    levels = found["levels"]
    names = provider_names(levels)
    countries = dict(Provider.objects.filter(pk__in=list(levels)).values_list("pk", "country"))
    spof_ids = {e.provider_id for e in graph.single_points_of_failure()}
    nodes = []
    for pk, level in levels.items():
        spend, critical, count = graph.direct.get(pk, (0.0, 0, 0))
        nodes.append({"id": pk, "name": names.get(pk, str(pk)), "level": level,
                      "country": str(countries.get(pk, "")), "arrangements": count,
                      "critical": critical, "spof": pk in spof_ids,
                      "url": reverse("registry:provider_detail", args=[pk])})
    return {"centre": provider_id, "depth": depth, "truncated": found["truncated"],
            "nodes": nodes, "links": [{"source": s, "target": t} for s, t in found["edges"]]}


class NetworkDataView(ViewSetMixin, View):
    def get(self, request):
        raw = request.GET.get("provider", "")
        graph = supply_graph(request)
        if raw.isdigit():
            provider_id = get_object_or_404(Provider, pk=raw).pk
        else:
            spofs = graph.single_points_of_failure()
            if not spofs:
                return JsonResponse({"centre": None, "nodes": [], "links": []})
            provider_id = spofs[0].provider_id
        depth = request.GET.get("depth", "")
        depth = min(max(int(depth), 1), 4) if depth.isdigit() else GRAPH_DEPTH
        return JsonResponse(network_data(graph, provider_id, depth))


class WhatIfView(ViewSetMixin, View):
    template_name = "dependence/what_if.html"

    def get(self, request):
        form = WhatIfForm(request.GET or None)
        answer = None
        context = {"form": form}
        if form.is_bound and form.is_valid():
            answer = what_if(supply_graph(request), form.cleaned_data["kind"], form.key(),
                             served_from=form.cleaned_data["served_from"])
            context.update({
                "answer": answer, "export_query": request.GET.urlencode(),
                "services": answer.services[:TOP], "activities": answer.activities[:TOP],
                "chart": bars_svg([
                    ("Critical, direct", _pct(answer.direct_critical, answer.total),
                     str(answer.direct_critical), True),
                    ("Critical, through a chain",
                     _pct(answer.critical - answer.direct_critical, answer.total),
                     str(answer.critical - answer.direct_critical), True),
                    ("Other, direct", _pct(answer.direct_count - answer.direct_critical,
                                           answer.total),
                     str(answer.direct_count - answer.direct_critical), False),
                    ("Other, through a chain",
                     _pct(answer.indirect_count - answer.critical + answer.direct_critical,
                          answer.total),
                     str(answer.indirect_count - answer.critical + answer.direct_critical),
                     False),
                ], title="Affected arrangements, % of those hit"),
                "rows": [(row, answer.path_names(row)) for row in answer.arrangements],
            })
        return render(request, self.template_name, context)


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


class ExportView(ViewSetMixin, View):
    """Every table of these pages as CSV or XLSX: ?table=concentration|exposure|spof|chains|
    what_if&format=csv|xlsx, with the page's own parameters."""

    def get(self, request, table):
        fmt = request.GET.get("format", "csv")
        if fmt not in CONTENT_TYPES or table not in exports.TABLES:
            raise Http404
        if table == "what_if":
            form = WhatIfForm(request.GET)
            if not form.is_valid():
                raise Http404
            answer = what_if(supply_graph(request), form.cleaned_data["kind"], form.key(),
                             served_from=form.cleaned_data["served_from"], rows=0,
                             exit_plans=False)
            return exports.what_if_download(fmt, answer)
        if table == "concentration":
            dimension, measure, currency = concentration_params(request)
            return exports.concentration_download(fmt, concentration(
                dimension=dimension, measure=measure, currency=currency))
        return exports.graph_download(fmt, table, supply_graph(request))
