from rest_framework.routers import DefaultRouter

from tether.risk.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("risks", views.RiskViewSet)
router.register("controls", views.ControlViewSet)
router.register("categories", views.RiskCategoryViewSet)
router.register("country-risks", views.CountryRiskViewSet)
router.register("intakes", views.ArrangementIntakeViewSet)
router.register("provider-scores", views.ProviderScoreViewSet)
router.register("methodologies", views.MethodologyViewSet)

app_name = "risk-api"
urlpatterns = router.urls
