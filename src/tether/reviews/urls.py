from django.urls import path

from tether.reviews import views

app_name = "reviews"
urlpatterns = [
    path("due/", views.ReviewsDueView.as_view(viewset=views.ReviewViews), name="due"),
    path("scorecards/", views.ScorecardRankingView.as_view(viewset=views.ReviewViews),
         name="scorecards"),
    path("scorecards/<int:provider_id>/",
         views.ProviderScorecardView.as_view(viewset=views.ReviewViews),
         name="provider_scorecard"),
    *(pattern for viewset in views.VIEWSETS for pattern in viewset.urls()),
]
