"""REST endpoints of the risk app: writes through the services, permissions from the base
classes (risk: admin and risk officer write; methodology: the administrator)."""

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from tether.core.api.permissions import RolePermission
from tether.core.api.schema import ValidationErrorSerializer
from tether.core.api.viewsets import TetherModelViewSet
from tether.core.services import plain_services
from tether.risk import filtersets, selectors
from tether.risk import services as risk_services
from tether.risk.api import serializers as risk_serializers
from tether.risk.country_services import COUNTRY_RISK
from tether.risk.country_transfer import COLUMNS, REQUIRED, country_risks_import
from tether.risk.engine import methodology_current
from tether.risk.intake_services import INTAKE
from tether.risk.models import (
    ArrangementIntake,
    Control,
    CountryRisk,
    Methodology,
    ProviderScore,
    Risk,
    RiskCategory,
)


class RiskViewSet(TetherModelViewSet):
    queryset = Risk.objects.all()
    serializer_class = risk_serializers.RiskSerializer
    filterset_class = filtersets.RiskFilterSet
    services = risk_services.RISK

    def base_queryset(self):
        return Risk.objects.select_related("category")

    @extend_schema(
        parameters=[OpenApiParameter("basis", str, enum=["residual", "inherent"],
                                     description="Place risks by their residual (default) or "
                                                 "inherent likelihood and impact.")],
        responses={200: risk_serializers.HeatMapSerializer},
    )
    @action(detail=False, methods=["get"], url_path="heat-map")
    def heat_map(self, request):
        """Risks per likelihood × impact cell (counted in the database), with the filters of
        the list."""
        basis = request.query_params.get("basis", "residual")
        if basis not in selectors.HEAT_MAP_FIELDS:
            raise serializers.ValidationError({"basis": ["Choose residual or inherent."]})
        config = selectors.current_config(request)
        risks = self.filter_queryset(self.get_queryset())
        grid = selectors.heat_map(risks, config=config, basis=basis)
        body = {
            "basis": basis, "total": grid.total,
            "likelihood": [{"level": level, "label": label}
                           for level, label in sorted(config.likelihood_labels.items())],
            "impact": [{"level": level, "label": label}
                       for level, label in sorted(config.impact_labels.items())],
            "cells": [{"likelihood": cell.likelihood, "impact": cell.impact,
                       "rating": cell.rating, "count": cell.count}
                      for _level, _label, cells in grid.rows for cell in cells],
        }
        return Response(risk_serializers.HeatMapSerializer(body).data)


class ControlViewSet(TetherModelViewSet):
    queryset = Control.objects.all()
    serializer_class = risk_serializers.ControlSerializer
    filterset_class = filtersets.ControlFilterSet
    services = risk_services.CONTROL


class RiskCategoryViewSet(TetherModelViewSet):
    queryset = RiskCategory.objects.all()
    serializer_class = risk_serializers.RiskCategorySerializer
    filterset_class = filtersets.RiskCategoryFilterSet
    services = plain_services(RiskCategory)


class CountryRiskViewSet(TetherModelViewSet):
    queryset = CountryRisk.objects.all()
    serializer_class = risk_serializers.CountryRiskSerializer
    filterset_class = filtersets.CountryRiskFilterSet
    services = COUNTRY_RISK

    def get_parsers(self):
        # The import takes a file; everything else is JSON, as everywhere in the API. (The
        # action is not known yet when DRF asks for the parsers: read it from the method.)
        request = getattr(self, "request", None)
        method = request.method.lower() if request is not None else ""
        if getattr(self, "action_map", {}).get(method) == "import_file":
            return [MultiPartParser()]
        return [JSONParser()]

    @extend_schema(methods=["GET"], request=None,
                   responses={200: risk_serializers.CountryImportFormatSerializer},
                   description="The columns and formats the import reads.")
    @extend_schema(methods=["POST"],
                   request={"multipart/form-data": risk_serializers.CountryImportSerializer},
                   responses={200: risk_serializers.CountryImportResultSerializer,
                              400: PolymorphicProxySerializer(
                                  component_name="CountryImportProblem",
                                  serializers=[risk_serializers.CountryImportResultSerializer,
                                               ValidationErrorSerializer],
                                  resource_type_field_name=None)},
                   description="Import country ratings from a CSV or XLSX file. Every row is "
                               "checked first; if any is wrong, nothing is written and the "
                               "answer (400) lists every problem by row and column.")
    @action(detail=False, methods=["get", "post"], url_path="import", url_name="import")
    def import_file(self, request):
        if request.method == "GET":
            body = {"columns": list(COLUMNS), "required": list(REQUIRED),
                    "formats": ["csv", "xlsx"]}
            return Response(risk_serializers.CountryImportFormatSerializer(body).data)
        if not request.user.can("change", CountryRisk):
            self.permission_denied(request)
        upload = risk_serializers.CountryImportSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        result = country_risks_import(actor=request.user, file=file.file, filename=file.name,
                                      source="api-import")
        body = risk_serializers.CountryImportResultSerializer(result.as_json()).data
        return Response(body, status=status.HTTP_200_OK if result.ok
                        else status.HTTP_400_BAD_REQUEST)


class ArrangementIntakeViewSet(TetherModelViewSet):
    queryset = ArrangementIntake.objects.all()
    serializer_class = risk_serializers.ArrangementIntakeSerializer
    filterset_class = filtersets.ArrangementIntakeFilterSet
    services = INTAKE

    def base_queryset(self):
        return ArrangementIntake.objects.select_related("arrangement")


class ProviderScoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Providers' current scores, with the inputs that produced them (read-only: scores are
    computed, never written)."""

    queryset = ProviderScore.objects.all()
    serializer_class = risk_serializers.ProviderScoreSerializer
    filterset_class = filtersets.ProviderScoreFilterSet
    permission_classes = [RolePermission]
    ordering = ["pk"]

    def get_queryset(self):
        return ProviderScore.objects.select_related("provider", "methodology").restrict(
            self.request.user, "view").order_by("pk")


class MethodologyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Methodology versions. A version is never changed: publishing (POST) makes a new one
    current and queues the rescoring of everything (administrators only)."""

    queryset = Methodology.objects.all()
    serializer_class = risk_serializers.MethodologySerializer
    permission_classes = [RolePermission]
    parser_classes = [JSONParser]
    filterset_class = filtersets.MethodologyFilterSet

    def get_queryset(self):
        return Methodology.objects.restrict(self.request.user, "view").order_by("-version")

    @extend_schema(request=risk_serializers.MethodologyPublishSerializer,
                   responses={201: risk_serializers.PublishedSerializer})
    def create(self, request, *args, **kwargs):
        publish = risk_serializers.MethodologyPublishSerializer(data=request.data)
        publish.is_valid(raise_exception=True)
        try:
            methodology, job = risk_services.methodology_publish(
                actor=request.user, source="api", **publish.validated_data)
        except ValidationError as error:
            raise serializers.ValidationError({"config": error.messages}) from None
        try:
            job_url = reverse("core:job_detail", args=[job.pk])
        except NoReverseMatch:
            job_url = None
        body = risk_serializers.PublishedSerializer({
            "methodology": methodology, "job": job.pk, "job_url": job_url}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: risk_serializers.MethodologySerializer})
    @action(detail=False, methods=["get"])
    def current(self, request):
        """The methodology in force."""
        return Response(self.get_serializer(methodology_current()).data)

