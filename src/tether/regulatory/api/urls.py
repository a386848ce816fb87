from django.urls import path
from rest_framework.routers import DefaultRouter

from tether.regulatory.api import filing, views

router = DefaultRouter()
router.include_root_view = False
router.register("entities", views.EntityProfileViewSet)
router.register("branches", views.BranchViewSet)
router.register("functions", views.FunctionViewSet)
router.register("ict-services", views.IctServiceViewSet)
router.register("arrangement-assessments", views.ArrangementProfileViewSet)
router.register("provider-names", views.ProviderProfileViewSet)
router.register("exports", filing.RegisterExportViewSet)

app_name = "regulatory-api"
urlpatterns = [
    path("readiness/", filing.ReadinessView.as_view(), name="readiness"),
    *router.urls,
]
