from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import path

from tether.core.views import security
from tether.core.views.accounts import AuditEntryViews, UserViews
from tether.core.views.audit import AuditTrailExportView, AuditTrailVerifyView
from tether.core.views.jobs import JobViews
from tether.core.views.notifications import (
    NotificationListView,
    NotificationPreferenceView,
    NotificationReadView,
    ScheduleListView,
)

app_name = "core"


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    *UserViews.urls(),
    path("users/<int:pk>/sign-in/", security.UserSecurityView.as_view(), name="user_security"),
    # Every logged-in user's own account.
    path("account/security/", security.AccountSecurityView.as_view(), name="account_security"),
    path("account/two-factor/", security.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("account/password/", security.password_change, name="password_change"),
    path("account/password/done/", security.password_change_done, name="password_change_done"),
    *AuditEntryViews.urls(),
    *JobViews.urls(),
    path("jobs/schedules/", ScheduleListView.as_view(), name="schedule_list"),
    path("notifications/", NotificationListView.as_view(), name="notification_list"),
    path("notifications/read/", NotificationReadView.as_view(), name="notification_read_all"),
    path("notifications/<int:pk>/read/", NotificationReadView.as_view(),
         name="notification_read"),
    path("notifications/preferences/", NotificationPreferenceView.as_view(),
         name="notification_preferences"),
    path("audit/verify/", AuditTrailVerifyView.as_view(viewset=AuditEntryViews),
         name="audit_verify"),
    path("audit/export/", AuditTrailExportView.as_view(viewset=AuditEntryViews),
         name="audit_export"),
]

public_urlpatterns = [
    path("login/", security.LoginView.as_view(), name="login"),
    path("login/code/", security.LoginCodeView.as_view(), name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST only (Django 5)
    path("password-reset/", security.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/done/", security.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", security.password_reset_confirm,
         name="password_reset_confirm"),
    path("password-reset/complete/", security.password_reset_complete,
         name="password_reset_complete"),
    path("healthz", healthz, name="healthz"),
]
