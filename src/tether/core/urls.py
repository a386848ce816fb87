from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import path

from tether.core.views.accounts import AuditEntryViews, UserViews
from tether.core.views.audit import AuditTrailExportView, AuditTrailVerifyView

app_name = "core"


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    *UserViews.urls(),
    *AuditEntryViews.urls(),
    path("audit/verify/", AuditTrailVerifyView.as_view(viewset=AuditEntryViews),
         name="audit_verify"),
    path("audit/export/", AuditTrailExportView.as_view(viewset=AuditEntryViews),
         name="audit_export"),
]

public_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
]
