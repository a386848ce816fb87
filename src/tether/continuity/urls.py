from django.urls import path

from tether.continuity import views

app_name = "continuity"
urlpatterns = [
    path("readiness/", views.ExitReadinessView.as_view(viewset=views.ExitPlanViews),
         name="readiness"),
    path("capability-coverage/", views.CapabilityCoverageView.as_view(
        viewset=views.InHouseCapabilityViews), name="capability_coverage"),
    path("alternative-coverage/", views.AlternativeCoverageView.as_view(
        viewset=views.ServiceAlternativeViews), name="alternative_coverage"),
    *(pattern for viewset in views.VIEWSETS for pattern in viewset.urls()),
]
