from rest_framework.routers import DefaultRouter

from tether.oversight.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("audits", views.AuditViewSet)
router.register("findings", views.FindingViewSet)
router.register("actions", views.CorrectiveActionViewSet)
router.register("incidents", views.IncidentViewSet)
router.register("incident-events", views.IncidentEventViewSet)
router.register("portal/findings", views.PortalFindingViewSet, basename="portal-finding")

app_name = "oversight-api"
urlpatterns = router.urls
