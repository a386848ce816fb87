from rest_framework.routers import DefaultRouter

from tether.contracts.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("requirements", views.ClauseRequirementViewSet)
router.register("clause-checks", views.ArrangementClauseViewSet)
router.register("gaps", views.ClauseGapViewSet, basename="gaps")

app_name = "contracts-api"
urlpatterns = router.urls
