from rest_framework.routers import DefaultRouter

from tether.reviews.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("reviews", views.ReviewViewSet)
router.register("cadences", views.ReviewCadenceViewSet)
router.register("due", views.ReviewsDueViewSet, basename="due")
router.register("scorecards", views.ScorecardViewSet, basename="scorecards")

app_name = "reviews-api"
urlpatterns = router.urls
