"""Base API viewset: restricted queryset, role check, and writes through services."""

from rest_framework import viewsets
from rest_framework.parsers import JSONParser

from tether.core.api.permissions import RolePermission
from tether.core.filtersets import SearchFilterSet
from tether.core.services import ModelServices


class TetherModelViewSet(viewsets.ModelViewSet):
    permission_classes = [RolePermission]
    # JSON only: form encoding has no null, no empty list and no number, so a form body's
    # meaning is a guess (is `services=` no services, or one blank?). Uploads declare their own.
    parser_classes = [JSONParser]
    services: ModelServices | None = None
    filterset_class: type[SearchFilterSet] | None = None
    ordering = ["pk"]

    def base_queryset(self):
        return self.queryset.all()

    def get_queryset(self):
        return self.base_queryset().restrict(self.request.user, "view")

    def perform_create(self, serializer):
        serializer.instance = self.services.create(
            actor=self.request.user, data=dict(serializer.validated_data), source="api"
        )

    def perform_update(self, serializer):
        serializer.instance = self.services.update(
            serializer.instance, actor=self.request.user, data=dict(serializer.validated_data),
            source="api",
        )

    def perform_destroy(self, instance):
        self.services.delete(instance, actor=self.request.user, source="api")
