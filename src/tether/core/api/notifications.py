"""Each person's own notifications over the API: list, read one, mark read."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from tether.core.models import Notification
from tether.core.notifications import mark_read, notification_list


class InternalUser(BasePermission):
    """Any internal user, for their own things only (the queryset makes it their own)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_internal)


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "key", "created", "read_at", "is_read"]
        read_only_fields = fields


MARKED = inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """The caller's notifications, newest first; `?unread=true` for the unread ones."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    permission_classes = [InternalUser]
    filter_backends = []

    def get_queryset(self):
        notifications = notification_list(user=self.request.user).order_by("-created", "-id")
        unread = self.request.query_params.get("unread")
        if unread is not None:
            if unread not in ("true", "false"):
                raise serializers.ValidationError({"unread": ["Must be true or false."]})
            notifications = notifications.filter(read_at__isnull=unread == "true")
        return notifications

    @extend_schema(request=None, responses={200: MARKED})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark this notification read."""
        notification = self.get_object()
        return Response({"marked": mark_read(user=request.user, pk=notification.pk)})

    @extend_schema(request=None, responses={200: MARKED})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark all the caller's notifications read."""
        return Response({"marked": mark_read(user=request.user)})
