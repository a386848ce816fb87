from django.urls import path

from tether.portal import views
from tether.portal.internal_views import InformationRequestViews, InvitationViews

app_name = "portal"

public_urlpatterns = [
    path("invite/<str:token>/", views.AcceptInvitationView.as_view(), name="accept"),
]

urlpatterns = [
    *public_urlpatterns,
    path("portal/", views.HomeView.as_view(), name="home"),
    path("portal/requests/", views.RequestListView.as_view(), name="request_list"),
    path("portal/requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("portal/documents/", views.DocumentListView.as_view(), name="document_list"),
    path("portal/documents/<int:pk>/download/", views.DocumentDownloadView.as_view(),
         name="document_download"),
    path("portal/preview/stop/", views.PreviewStopView.as_view(), name="preview_stop"),
    path("portal/preview/<int:provider_id>/", views.PreviewStartView.as_view(),
         name="preview_start"),
    *InformationRequestViews.urls(),
    *InvitationViews.urls(),
]
