from rest_framework.routers import DefaultRouter

router = DefaultRouter()
router.include_root_view = False

app_name = "reviews-api"
urlpatterns = router.urls
