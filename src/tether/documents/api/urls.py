from rest_framework.routers import DefaultRouter

from tether.documents.api.views import DocumentViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("documents", DocumentViewSet)

app_name = "documents-api"
urlpatterns = router.urls
