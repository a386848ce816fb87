"""REST endpoints of the continuity app: writes through the services, permissions from the
base classes (continuity: administrator, vendor manager and risk officer write)."""

from rest_framework import mixins, viewsets

from tether.continuity import filtersets, selectors
from tether.continuity import services as continuity_services
from tether.continuity.api import serializers as continuity_serializers
from tether.continuity.models import (
    ExitPlan,
    ExitPlanTest,
    ExitStep,
    InHouseCapability,
    ServiceAlternative,
)
from tether.core.api.permissions import RolePermission
from tether.core.api.viewsets import TetherModelViewSet
from tether.registry.models import Arrangement


class ExitPlanViewSet(TetherModelViewSet):
    queryset = ExitPlan.objects.all()
    serializer_class = continuity_serializers.ExitPlanSerializer
    filterset_class = filtersets.ExitPlanFilterSet
    services = continuity_services.EXIT_PLAN

    def base_queryset(self):
        return selectors.with_readiness(ExitPlan.objects.all())

    def perform_create(self, serializer):
        super().perform_create(serializer)
        serializer.instance = self.base_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        serializer.instance = self.base_queryset().get(pk=serializer.instance.pk)


class ExitReadinessViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every live critical-or-important arrangement with its exit plan's readiness:
    "missing" (no plan), "untested", "stale", "failed" or "ready"."""

    queryset = Arrangement.objects.all()
    permission_model = ExitPlan  # a view of exit plans, whoever may read arrangements
    permission_classes = [RolePermission]
    serializer_class = continuity_serializers.ReadinessRowSerializer
    filterset_class = filtersets.ReadinessFilterSet
    ordering = ["reference"]

    def get_queryset(self):
        return selectors.critical_arrangements(user=self.request.user)


class ExitStepViewSet(TetherModelViewSet):
    queryset = ExitStep.objects.all()
    serializer_class = continuity_serializers.ExitStepSerializer
    filterset_class = filtersets.ExitStepFilterSet
    services = continuity_services.EXIT_STEP


class ExitPlanTestViewSet(TetherModelViewSet):
    queryset = ExitPlanTest.objects.all()
    serializer_class = continuity_serializers.ExitPlanTestSerializer
    filterset_class = filtersets.ExitPlanTestFilterSet
    services = continuity_services.EXIT_PLAN_TEST


class InHouseCapabilityViewSet(TetherModelViewSet):
    queryset = InHouseCapability.objects.all()
    serializer_class = continuity_serializers.InHouseCapabilitySerializer
    filterset_class = filtersets.InHouseCapabilityFilterSet
    services = continuity_services.CAPABILITY


class ServiceAlternativeViewSet(TetherModelViewSet):
    queryset = ServiceAlternative.objects.all()
    serializer_class = continuity_serializers.ServiceAlternativeSerializer
    filterset_class = filtersets.ServiceAlternativeFilterSet
    services = continuity_services.ALTERNATIVE
