from django.urls import path

from tether.regulatory import filing_views, views

urlpatterns = [
    path("register/", filing_views.RegisterView.as_view(
        viewset=filing_views.RegisterExportViews), name="register"),
    path("exports/<int:pk>/download/", filing_views.DownloadView.as_view(
        viewset=filing_views.RegisterExportViews), name="registerexport_download"),
    *filing_views.RegisterExportViews.urls(),
    *(pattern for viewset in views.VIEWSETS for pattern in viewset.urls()),
]
