"""REST endpoints of the contracts app: writes through the services, permissions from the
base classes (the library: administrators write; checks: administrator, vendor manager and
risk officer write; every internal user reads; provider contacts see none of it)."""

from rest_framework import mixins, viewsets

from tether.contracts import filtersets, selectors
from tether.contracts import services as contract_services
from tether.contracts.api import serializers as contract_serializers
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.core.api.permissions import RolePermission
from tether.core.api.viewsets import TetherModelViewSet
from tether.registry.models import Arrangement


class ClauseRequirementViewSet(TetherModelViewSet):
    queryset = ClauseRequirement.objects.all()
    serializer_class = contract_serializers.ClauseRequirementSerializer
    filterset_class = filtersets.ClauseRequirementFilterSet
    services = contract_services.REQUIREMENT


class ArrangementClauseViewSet(TetherModelViewSet):
    queryset = ArrangementClause.objects.all()
    serializer_class = contract_serializers.ArrangementClauseSerializer
    filterset_class = filtersets.ArrangementClauseFilterSet
    services = contract_services.CLAUSE_CHECK

    def base_queryset(self):
        return ArrangementClause.objects.select_related("arrangement", "requirement")


class ClauseGapViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Every arrangement with its contract clause counts, critical or important ones with
    gaps first; filter by organisation, provider, criticality, status, a lacking clause or
    whether it has gaps."""

    queryset = Arrangement.objects.all()
    permission_model = ArrangementClause  # a view of clause checks
    permission_classes = [RolePermission]
    serializer_class = contract_serializers.ClauseGapSerializer
    filterset_class = filtersets.ClauseGapFilterSet

    def get_queryset(self):
        return selectors.clause_gap_list(user=self.request.user)
