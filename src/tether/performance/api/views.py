"""REST endpoints of the performance app: SLAs and KPIs and their credit bands (writes through
the services), results per period (read-only), one level's series and raw measurements, and
the service credits owed. Results and measurements are seen by whoever may see the level."""

from datetime import UTC, datetime

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tether.core.api.permissions import RolePermission
from tether.core.api.viewsets import TetherModelViewSet
from tether.performance import filtersets, selectors, storage
from tether.performance import services as performance_services
from tether.performance.api import serializers as performance_serializers
from tether.performance.models import CreditBand, PeriodResult, ServiceLevel


class ServiceLevelViewSet(TetherModelViewSet):
    """SLAs and KPIs. `series` gives one level's results per period; `measurements` its raw
    measurements of one month."""

    queryset = ServiceLevel.objects.all()
    serializer_class = performance_serializers.ServiceLevelSerializer
    filterset_class = filtersets.ServiceLevelFilterSet
    services = performance_services.SERVICE_LEVEL

    @extend_schema(responses={200: performance_serializers.SeriesSerializer})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def series(self, request, pk=None):
        """The level's results per period, oldest first (one indexed query)."""
        level = self.get_object()
        body = {"service_level": level.pk, "target": level.target,
                "direction": level.direction, "unit": level.unit, "period": level.period,
                "currency": level.currency, "periods": selectors.level_series(level.pk)}
        return Response(performance_serializers.SeriesSerializer(body).data)

    @extend_schema(parameters=[performance_serializers.MeasurementsQuerySerializer],
                   responses={200: performance_serializers.MeasurementsSerializer})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def measurements(self, request, pk=None):
        """The level's raw measurements of one month (the newest unless told), in time
        order."""
        level = self.get_object()
        query = performance_serializers.MeasurementsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        months = dict(selectors.measured_months(level.pk))
        month = selectors.parse_month(query.validated_data.get("month"))
        if month is None:
            month = max(months, default=None)
        rows = []
        if month in months:
            times, values = storage.read_measurements(level.pk, month, month)
            rows = [{"time": datetime.fromtimestamp(int(t), tz=UTC), "value": float(v)}
                    for t, v in zip(times.tolist(), values.tolist(), strict=True)]
        body = {"service_level": level.pk, "month": f"{month:%Y-%m}" if month else None,
                "count": len(rows), "measurements": rows}
        return Response(performance_serializers.MeasurementsSerializer(body).data)


class CreditBandViewSet(TetherModelViewSet):
    queryset = CreditBand.objects.all()
    serializer_class = performance_serializers.CreditBandSerializer
    filterset_class = filtersets.CreditBandFilterSet
    services = performance_services.CREDIT_BAND


class PeriodResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Results per period as the engine stored them; `outcome=breached` lists the breaches."""

    queryset = PeriodResult.objects.all()
    permission_model = ServiceLevel  # results are seen by whoever may see their level
    permission_classes = [RolePermission]
    serializer_class = performance_serializers.PeriodResultSerializer
    filterset_class = filtersets.PeriodResultFilterSet
    ordering = ["pk"]

    def get_queryset(self):
        return selectors.results_visible(self.request.user).select_related(
            "service_level").order_by("pk")


class CreditsOwedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Service credits owed per provider and arrangement, per currency, over the results the
    filters select (e.g. `period_from=2026-01&period_to=2026-06`)."""

    queryset = PeriodResult.objects.all()
    permission_model = ServiceLevel
    permission_classes = [RolePermission]
    serializer_class = performance_serializers.CreditsOwedSerializer
    filterset_class = filtersets.CreditsFilterSet
    pagination_class = None

    def get_queryset(self):
        return selectors.results_visible(self.request.user)

    @extend_schema(responses={200: performance_serializers.CreditsOwedSerializer})
    def list(self, request, *args, **kwargs):
        rows = selectors.credits_owed(self.filter_queryset(self.get_queryset()))
        totals = [{"currency": currency, "credit": total}
                  for currency, total in selectors.credit_totals(rows)]
        return Response(performance_serializers.CreditsOwedSerializer(
            {"rows": rows, "totals": totals}).data)

