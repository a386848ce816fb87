"""Base API viewset: restricted queryset, role check, and writes through services."""

from rest_framework import viewsets

from tether.core.api.permissions import RolePermission
from tether.core.filtersets import SearchFilterSet


class TetherModelViewSet(viewsets.ModelViewSet):
    permission_classes = [RolePermission]
    create_service = None
    update_service = None
    delete_service = None
    filterset_class: type[SearchFilterSet] | None = None
    ordering = ["pk"]

    def base_queryset(self):
        return self.queryset.all()

    def get_queryset(self):
        return self.base_queryset().restrict(self.request.user, "view")

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(
            actor=self.request.user, data=dict(serializer.validated_data), source="api"
        )

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            serializer.instance, actor=self.request.user, data=dict(serializer.validated_data),
            source="api",
        )

    def perform_destroy(self, instance):
        type(self).delete_service(instance, actor=self.request.user, source="api")
