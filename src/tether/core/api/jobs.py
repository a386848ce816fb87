"""Background jobs over the API: clients that start long work poll its job here."""

from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from tether.core.api.notifications import NotificationViewSet
from tether.core.api.permissions import RolePermission
from tether.core.models import Job
from tether.core.views.jobs import JobFilterSet


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "title", "status", "progress_done", "progress_total", "percent",
                  "message", "result", "error", "attempts", "created_by", "created", "started",
                  "finished"]
        read_only_fields = fields


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Job.objects.all()
    serializer_class = JobSerializer
    filterset_class = JobFilterSet
    permission_classes = [RolePermission]
    ordering = ["-pk"]

    def get_queryset(self):
        return Job.objects.restrict(self.request.user, "view").order_by("-pk")


router = DefaultRouter()
router.include_root_view = False
router.register("jobs", JobViewSet)
router.register("notifications", NotificationViewSet, basename="notification")

app_name = "core-api"
urlpatterns = router.urls
