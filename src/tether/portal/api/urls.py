from rest_framework.routers import DefaultRouter

from tether.portal.api.views import InformationRequestViewSet, InvitationViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("requests", InformationRequestViewSet)
router.register("invitations", InvitationViewSet)

app_name = "portal-api"
urlpatterns = router.urls
