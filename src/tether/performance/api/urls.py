from rest_framework.routers import DefaultRouter

from tether.performance.api.ingest import urlpatterns as ingest_urlpatterns

router = DefaultRouter()
router.include_root_view = False

app_name = "performance-api"
urlpatterns = [*ingest_urlpatterns, *router.urls]
