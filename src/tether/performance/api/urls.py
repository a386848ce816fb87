from rest_framework.routers import DefaultRouter

from tether.performance.api import views
from tether.performance.api.ingest import urlpatterns as ingest_urlpatterns

router = DefaultRouter()
router.include_root_view = False
router.register("service-levels", views.ServiceLevelViewSet)
router.register("credit-bands", views.CreditBandViewSet)
router.register("results", views.PeriodResultViewSet)
router.register("credits-owed", views.CreditsOwedViewSet, basename="credits-owed")

app_name = "performance-api"
urlpatterns = [*ingest_urlpatterns, *router.urls]
