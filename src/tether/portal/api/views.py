"""Requests to providers over the API; invitations are listed here and sent from the app."""

from rest_framework import viewsets

from tether.core.api.permissions import RolePermission
from tether.core.api.viewsets import TetherModelViewSet
from tether.portal import services
from tether.portal.api.serializers import InformationRequestSerializer, InvitationSerializer
from tether.portal.filtersets import InformationRequestFilterSet, InvitationFilterSet
from tether.portal.models import InformationRequest, Invitation


class InformationRequestViewSet(TetherModelViewSet):
    queryset = InformationRequest.objects.all()
    serializer_class = InformationRequestSerializer
    filterset_class = InformationRequestFilterSet
    services = services.REQUEST


class InvitationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Invitation.objects.all()
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilterSet
    permission_classes = [RolePermission]
    ordering = ["pk"]

    def get_queryset(self):
        return Invitation.objects.restrict(self.request.user, "view")
