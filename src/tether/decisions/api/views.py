"""REST endpoints of the decisions app: writes through the services, permissions from the
base classes (decisions: the administrator and the vendor manager write)."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from tether.core.api.viewsets import TetherModelViewSet
from tether.decisions import filtersets, services
from tether.decisions.api import serializers as decision_serializers
from tether.decisions.models import DecisionActual, DecisionCase, DecisionOption


class KeptByDecision(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class DecisionViewSet(TetherModelViewSet):
    """Deleting what a decision keeps conflicts with the stored decision: 409, as the schema
    documents for deletions."""

    def perform_destroy(self, instance):
        try:
            super().perform_destroy(instance)
        except ValidationError as error:
            raise KeptByDecision(" ".join(error.messages)) from None


class DecisionCaseViewSet(DecisionViewSet):
    """Keep-or-outsource cases. `simulate` runs the Monte Carlo simulation and stores its
    result with the case; `decide` records the decision, after which the case's assumptions
    and options are kept as they are."""

    queryset = DecisionCase.objects.all()
    serializer_class = decision_serializers.DecisionCaseSerializer
    filterset_class = filtersets.DecisionCaseFilterSet
    services = services.CASE

    @extend_schema(request=decision_serializers.SimulateSerializer,
                   responses={200: decision_serializers.DecisionCaseSerializer})
    @action(detail=True, methods=["post"])
    def simulate(self, request, pk=None):
        """Run the simulation of a draft case (10,000 runs unless told; a new seed unless
        given) and store its result."""
        case = self.get_object()
        body = decision_serializers.SimulateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_simulate(case, actor=request.user, source="api",
                                      runs=body.validated_data["runs"],
                                      seed=body.validated_data.get("seed"))
        return Response(self.get_serializer(case).data)

    @extend_schema(request=decision_serializers.DecideSerializer,
                   responses={200: decision_serializers.DecisionCaseSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record the decision on a simulated draft case."""
        case = self.get_object()
        body = decision_serializers.DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_decide(case, actor=request.user, source="api",
                                    **body.validated_data)
        return Response(self.get_serializer(case).data)


class DecisionOptionViewSet(DecisionViewSet):
    queryset = DecisionOption.objects.all()
    serializer_class = decision_serializers.DecisionOptionSerializer
    filterset_class = filtersets.DecisionOptionFilterSet
    services = services.OPTION

    def base_queryset(self):
        return DecisionOption.objects.select_related("case")


class DecisionActualViewSet(TetherModelViewSet):
    queryset = DecisionActual.objects.all()
    serializer_class = decision_serializers.DecisionActualSerializer
    filterset_class = filtersets.DecisionActualFilterSet
    services = services.ACTUAL

    def base_queryset(self):
        return DecisionActual.objects.select_related("case")
