from rest_framework.routers import DefaultRouter

from tether.dependence.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("figures", views.DependenceViewSet, basename="dependence")

app_name = "dependence-api"
urlpatterns = router.urls
