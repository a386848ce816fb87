from django.urls import path

from tether.deadlines import views

app_name = "deadlines"
urlpatterns = [
    path("", views.UpcomingView.as_view(), name="upcoming"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("deadlines.ics", views.CalendarExportView.as_view(), name="ics"),
    path("subscription/", views.SubscriptionView.as_view(), name="subscription"),
]
