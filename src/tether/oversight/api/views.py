"""REST endpoints of the oversight app: writes through the services, permissions from the
base classes (oversight: administrator, vendor manager, risk and security officers write).

A provider's contacts have their own read-only view of their provider's findings, where they
may post their answer (`portal/findings/`); every other id is 404 to them.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from tether.core.api.viewsets import TetherModelViewSet
from tether.oversight import filtersets, selectors
from tether.oversight import services as oversight_services
from tether.oversight.api import serializers as oversight_serializers
from tether.oversight.models import Audit, CorrectiveAction, Finding, Incident, IncidentEvent


def _invalid(error: ValidationError) -> serializers.ValidationError:
    """A service's ValidationError as the API's 400."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


class AuditViewSet(TetherModelViewSet):
    queryset = Audit.objects.all()
    serializer_class = oversight_serializers.AuditSerializer
    filterset_class = filtersets.AuditFilterSet
    services = oversight_services.AUDIT

    def base_queryset(self):
        return Audit.objects.annotate(finding_count=Count("findings")).prefetch_related(
            "arrangements").order_by("pk")

    def perform_create(self, serializer):
        super().perform_create(serializer)
        serializer.instance = self.base_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        serializer.instance = self.base_queryset().get(pk=serializer.instance.pk)


class FindingViewSet(TetherModelViewSet):
    queryset = Finding.objects.all()
    serializer_class = oversight_serializers.FindingSerializer
    filterset_class = filtersets.FindingFilterSet
    services = oversight_services.FINDING


class CorrectiveActionViewSet(TetherModelViewSet):
    queryset = CorrectiveAction.objects.all()
    serializer_class = oversight_serializers.CorrectiveActionSerializer
    filterset_class = filtersets.CorrectiveActionFilterSet
    services = oversight_services.ACTION

    def base_queryset(self):
        return CorrectiveAction.objects.prefetch_related("evidence")


class IncidentViewSet(TetherModelViewSet):
    queryset = Incident.objects.all()
    serializer_class = oversight_serializers.IncidentSerializer
    filterset_class = filtersets.IncidentFilterSet
    services = oversight_services.INCIDENT


class IncidentEventViewSet(TetherModelViewSet):
    queryset = IncidentEvent.objects.all()
    serializer_class = oversight_serializers.IncidentEventSerializer
    filterset_class = filtersets.IncidentEventFilterSet
    services = oversight_services.INCIDENT_EVENT


class IsProviderContact(BasePermission):
    """The provider's own contacts; internal users use the internal endpoints."""

    message = "Only a provider's contacts answer its findings here."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active
                    and not user.is_internal and user.provider_id)


class PortalFindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """A provider contact's findings: read them and answer them."""

    queryset = Finding.objects.all()
    serializer_class = oversight_serializers.PortalFindingSerializer
    permission_classes = [IsProviderContact]
    parser_classes = [JSONParser]
    filterset_class = None
    ordering = ["pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, drawn without a user
            return Finding.objects.none()
        return selectors.findings_of_provider(self.request.user.provider_id).order_by("pk")

    @extend_schema(request=oversight_serializers.FindingResponseSerializer,
                   responses={200: oversight_serializers.PortalFindingSerializer})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """Answer the finding (replacing an earlier answer) while it is open."""
        finding = self.get_object()
        serializer = oversight_serializers.FindingResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            finding = oversight_services.finding_respond(
                finding, actor=request.user,
                response=serializer.validated_data["provider_response"], source="api")
        except ValidationError as error:
            raise _invalid(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=finding.pk)).data)
