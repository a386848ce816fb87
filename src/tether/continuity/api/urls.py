from rest_framework.routers import DefaultRouter

from tether.continuity.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("exit-plans", views.ExitPlanViewSet)
router.register("readiness", views.ExitReadinessViewSet, basename="readiness")
router.register("exit-steps", views.ExitStepViewSet)
router.register("exit-plan-tests", views.ExitPlanTestViewSet)
router.register("capabilities", views.InHouseCapabilityViewSet)
router.register("alternatives", views.ServiceAlternativeViewSet)

app_name = "continuity-api"
urlpatterns = router.urls
