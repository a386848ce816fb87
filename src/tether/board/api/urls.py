from rest_framework.routers import DefaultRouter

from tether.board.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("reports", views.BoardReportViewSet)

app_name = "board-api"
urlpatterns = router.urls
