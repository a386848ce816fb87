from django.urls import path

from tether.deadlines.api.views import DeadlineListView

app_name = "deadlines-api"
urlpatterns = [
    path("", DeadlineListView.as_view(), name="deadline-list"),
]
