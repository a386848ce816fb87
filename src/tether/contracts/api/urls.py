from rest_framework.routers import DefaultRouter

router = DefaultRouter()
router.include_root_view = False

app_name = "contracts-api"
urlpatterns = router.urls
