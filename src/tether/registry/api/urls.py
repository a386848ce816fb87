from rest_framework.routers import DefaultRouter

from tether.registry.api import views

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet)
router.register("activities", views.ActivityViewSet)
router.register("providers", views.ProviderViewSet)
router.register("provider-identifiers", views.ProviderIdentifierViewSet)
router.register("services", views.ServiceViewSet)
router.register("arrangements", views.ArrangementViewSet)
router.register("subcontracting-links", views.SubcontractingLinkViewSet)

app_name = "registry-api"
urlpatterns = router.urls
