"""REST endpoints of the register: one viewset per model, writes through services."""

from tether.core.api.viewsets import TetherModelViewSet
from tether.registry import filtersets
from tether.registry import services as registry_services
from tether.registry.api import serializers
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
)


class OrganisationViewSet(TetherModelViewSet):
    queryset = Organisation.objects.all()
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilterSet
    services = registry_services.ORGANISATION


class ActivityViewSet(TetherModelViewSet):
    queryset = Activity.objects.all()
    serializer_class = serializers.ActivitySerializer
    filterset_class = filtersets.ActivityFilterSet
    services = registry_services.ACTIVITY


class ProviderViewSet(TetherModelViewSet):
    queryset = Provider.objects.all()
    serializer_class = serializers.ProviderSerializer
    filterset_class = filtersets.ProviderFilterSet
    services = registry_services.PROVIDER

    def base_queryset(self):
        return Provider.objects.prefetch_related("services")


class ProviderIdentifierViewSet(TetherModelViewSet):
    queryset = ProviderIdentifier.objects.all()
    serializer_class = serializers.ProviderIdentifierSerializer
    filterset_class = filtersets.ProviderIdentifierFilterSet
    services = registry_services.PROVIDER_IDENTIFIER


class ServiceViewSet(TetherModelViewSet):
    queryset = Service.objects.all()
    serializer_class = serializers.ServiceSerializer
    filterset_class = filtersets.ServiceFilterSet
    services = registry_services.SERVICE

    def base_queryset(self):
        return Service.objects.prefetch_related("activities")


class ArrangementViewSet(TetherModelViewSet):
    queryset = Arrangement.objects.all()
    serializer_class = serializers.ArrangementSerializer
    filterset_class = filtersets.ArrangementFilterSet
    services = registry_services.ARRANGEMENT

    def base_queryset(self):
        return Arrangement.objects.prefetch_related("services")


class SubcontractingLinkViewSet(TetherModelViewSet):
    queryset = SubcontractingLink.objects.all()
    serializer_class = serializers.SubcontractingLinkSerializer
    filterset_class = filtersets.SubcontractingLinkFilterSet
    services = registry_services.SUBCONTRACTING_LINK

    def base_queryset(self):
        return SubcontractingLink.objects.select_related("provider", "subcontractor", "service")
