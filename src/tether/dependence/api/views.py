"""Read-only endpoints of the dependence figures: the role check is the API's RolePermission
on Arrangement (every internal role reads; provider contacts nothing). Query parameters are
validated by named serializers, so a wrong one answers 400."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tether.dependence.api import serializers as dependence_serializers
from tether.dependence.concentration import concentration
from tether.dependence.graph import provider_names, supply_graph
from tether.dependence.views import network_data
from tether.dependence.whatif import what_if
from tether.registry.models import Arrangement, Provider


def _query(serializer_class, request) -> dict:
    # A form-encoded empty value would quietly become the default: refuse it instead.
    fields = serializer_class().fields
    blank = {name: ["This field may not be blank."] for name, value in
             request.query_params.items() if name in fields and value == ""}
    if blank:
        raise serializers.ValidationError(blank)
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class DependenceViewSet(viewsets.GenericViewSet):
    """Concentration, single points of failure, what-if and the network around a provider."""

    queryset = Arrangement.objects.none()
    serializer_class = dependence_serializers.ConcentrationSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(parameters=[dependence_serializers.ConcentrationQuerySerializer],
                   responses={200: dependence_serializers.ConcentrationSerializer})
    @action(detail=False, methods=["get"])
    def concentration(self, request):
        """Shares and HHI of one dimension and measure over the live arrangements."""
        params = _query(dependence_serializers.ConcentrationQuerySerializer, request)
        figure = concentration(dimension=params["dimension"], measure=params["measure"],
                               currency=params["currency"], top=params["top"])
        figure.top_shares = figure.shares
        return Response(dependence_serializers.ConcentrationSerializer(figure).data)

    @extend_schema(parameters=[dependence_serializers.SinglePointsOfFailureQuerySerializer],
                   responses={200: dependence_serializers.SinglePointsOfFailureSerializer})
    @action(detail=False, methods=["get"], url_path="single-points-of-failure")
    def single_points_of_failure(self, request):
        """Providers whose failure reaches at least `minimum` critical arrangements (the 200
        most critical), and the longest subcontracting chains."""
        minimum = _query(dependence_serializers.SinglePointsOfFailureQuerySerializer,
                         request)["minimum"]
        graph = supply_graph(request)
        found = graph.single_points_of_failure(minimum)
        names = provider_names(e.provider_id for e in found[:200])
        body = {"minimum_critical": minimum, "count": len(found), "currency": graph.currency,
                "results": [{**e.__dict__, "name": names.get(e.provider_id, "")}
                            for e in found[:200]],
                "longest_chains": graph.longest_chains()}
        return Response(dependence_serializers.SinglePointsOfFailureSerializer(body).data)

    @extend_schema(parameters=[dependence_serializers.WhatIfQuerySerializer],
                   responses={200: dependence_serializers.WhatIfSerializer})
    @action(detail=False, methods=["get"], url_path="what-if")
    def what_if(self, request):
        """Everything that depends on the pick, directly or through subcontracting chains:
        totals, and the 200 most important arrangements."""
        params = _query(dependence_serializers.WhatIfQuerySerializer, request)
        kind = params["kind"]
        field = "country" if kind == "country" else "provider"
        answer = what_if(supply_graph(request), kind, str(params[field]),
                         served_from=params["served_from"])
        if not answer.failed:
            raise serializers.ValidationError({field: ["Nothing of that name in the register."]})
        body = {**{name: getattr(answer, name) for name in (
            "kind", "key", "label", "failed", "providers_affected", "total", "critical",
            "direct_count", "direct_critical", "spend", "services", "activities")},
            "arrangements": [{**row.__dict__, "direct": row.direct}
                             for row in answer.arrangements]}
        return Response(dependence_serializers.WhatIfSerializer(body).data)

    @extend_schema(parameters=[dependence_serializers.NetworkQuerySerializer],
                   responses={200: dependence_serializers.NetworkSerializer})
    @action(detail=False, methods=["get"])
    def network(self, request):
        """The providers around one, up and down the subcontracting network (≤ 120)."""
        params = _query(dependence_serializers.NetworkQuerySerializer, request)
        graph = supply_graph(request)
        provider_id = params.get("provider")
        if provider_id is not None:
            if not Provider.objects.filter(pk=provider_id).exists():
                raise serializers.ValidationError({"provider": ["No provider with this id."]})
        else:
            spofs = graph.single_points_of_failure()
            if not spofs:
                return Response({"centre": None, "nodes": [], "links": []})
            provider_id = spofs[0].provider_id
        return Response(dependence_serializers.NetworkSerializer(
            network_data(graph, provider_id, params["depth"])).data)
