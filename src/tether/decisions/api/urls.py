from rest_framework.routers import DefaultRouter

from tether.decisions.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("cases", views.DecisionCaseViewSet)
router.register("options", views.DecisionOptionViewSet)
router.register("actuals", views.DecisionActualViewSet)

app_name = "decisions-api"
urlpatterns = router.urls
