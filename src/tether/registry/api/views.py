"""REST endpoints of the register: one viewset per model, writes through services."""

from tether.core.api.viewsets import TetherModelViewSet
from tether.registry import filtersets, services
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
    create_service = staticmethod(services.organisation_create)
    update_service = staticmethod(services.organisation_update)
    delete_service = staticmethod(services.organisation_delete)


class ActivityViewSet(TetherModelViewSet):
    queryset = Activity.objects.all()
    serializer_class = serializers.ActivitySerializer
    filterset_class = filtersets.ActivityFilterSet
    create_service = staticmethod(services.activity_create)
    update_service = staticmethod(services.activity_update)
    delete_service = staticmethod(services.activity_delete)


class ProviderViewSet(TetherModelViewSet):
    queryset = Provider.objects.all()
    serializer_class = serializers.ProviderSerializer
    filterset_class = filtersets.ProviderFilterSet
    create_service = staticmethod(services.provider_create)
    update_service = staticmethod(services.provider_update)
    delete_service = staticmethod(services.provider_delete)

    def base_queryset(self):
        return Provider.objects.prefetch_related("services")


class ProviderIdentifierViewSet(TetherModelViewSet):
    queryset = ProviderIdentifier.objects.all()
    serializer_class = serializers.ProviderIdentifierSerializer
    filterset_class = filtersets.ProviderIdentifierFilterSet
    create_service = staticmethod(services.provider_identifier_create)
    update_service = staticmethod(services.provider_identifier_update)
    delete_service = staticmethod(services.provider_identifier_delete)


class ServiceViewSet(TetherModelViewSet):
    queryset = Service.objects.all()
    serializer_class = serializers.ServiceSerializer
    filterset_class = filtersets.ServiceFilterSet
    create_service = staticmethod(services.service_create)
    update_service = staticmethod(services.service_update)
    delete_service = staticmethod(services.service_delete)

    def base_queryset(self):
        return Service.objects.prefetch_related("activities")


class ArrangementViewSet(TetherModelViewSet):
    queryset = Arrangement.objects.all()
    serializer_class = serializers.ArrangementSerializer
    filterset_class = filtersets.ArrangementFilterSet
    create_service = staticmethod(services.arrangement_create)
    update_service = staticmethod(services.arrangement_update)
    delete_service = staticmethod(services.arrangement_delete)

    def base_queryset(self):
        return Arrangement.objects.prefetch_related("services")


class SubcontractingLinkViewSet(TetherModelViewSet):
    queryset = SubcontractingLink.objects.all()
    serializer_class = serializers.SubcontractingLinkSerializer
    filterset_class = filtersets.SubcontractingLinkFilterSet
    create_service = staticmethod(services.subcontracting_link_create)
    update_service = staticmethod(services.subcontracting_link_update)
    delete_service = staticmethod(services.subcontracting_link_delete)

    def base_queryset(self):
        return SubcontractingLink.objects.select_related("provider", "subcontractor", "service")
