from django.urls import path

from tether.performance import views
from tether.performance.ingest_views import urlpatterns as ingest_urlpatterns

LEVELS = views.ServiceLevelViews

app_name = "performance"
urlpatterns = [
    path("", views.DashboardView.as_view(viewset=LEVELS), name="dashboard"),
    path("results/", views.ResultListView.as_view(viewset=LEVELS), name="results"),
    path("breaches/", views.BreachListView.as_view(viewset=LEVELS), name="breaches"),
    path("credits/", views.CreditsOwedView.as_view(viewset=LEVELS), name="credits"),
    *(pattern for viewset in views.VIEWSETS for pattern in viewset.urls()),
    *ingest_urlpatterns,
]
