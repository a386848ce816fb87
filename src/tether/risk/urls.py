from django.urls import path

from tether.risk import views

app_name = "risk"
urlpatterns = [
    path("heat-map/", views.HeatMapView.as_view(viewset=views.RiskViews), name="heat_map"),
    path("above-appetite/", views.AboveAppetiteView.as_view(viewset=views.RiskViews),
         name="above_appetite"),
    path("providers/export/", views.ProviderScoreExportView.as_view(
        viewset=views.ProviderScoreViews), name="providerscore_export"),
    path("providers/<int:provider_id>/explain/", views.ProviderExplainView.as_view(
        viewset=views.ProviderScoreViews), name="provider_explain"),
    path("providers/<int:provider_id>/trend/", views.ProviderTrendView.as_view(
        viewset=views.ProviderScoreViews), name="provider_trend"),
    path("countries/import/", views.CountryImportView.as_view(viewset=views.CountryRiskViews),
         name="countryrisk_import"),
    path("countries/export/", views.CountryExportView.as_view(viewset=views.CountryRiskViews),
         name="countryrisk_export"),
    path("methodology/", views.MethodologyCurrentView.as_view(viewset=views.MethodologyViews),
         name="methodology"),
    path("methodology/change/", views.MethodologyChangeView.as_view(
        viewset=views.MethodologyViews), name="methodology_change"),
    path("methodology/appetite/", views.MethodologyAppetiteView.as_view(
        viewset=views.MethodologyViews), name="methodology_appetite"),
    *(pattern for viewset in views.VIEWSETS for pattern in viewset.urls()),
]
