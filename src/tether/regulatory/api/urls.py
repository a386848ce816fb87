from rest_framework.routers import DefaultRouter

from tether.regulatory.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("entities", views.EntityProfileViewSet)
router.register("branches", views.BranchViewSet)
router.register("functions", views.FunctionViewSet)
router.register("ict-services", views.IctServiceViewSet)
router.register("arrangement-assessments", views.ArrangementProfileViewSet)
router.register("provider-names", views.ProviderProfileViewSet)

app_name = "regulatory-api"
urlpatterns = router.urls
