from django.urls import path

from tether.decisions import views

app_name = "decisions"
CASES = views.DecisionCaseViews
urlpatterns = [
    path("cases/<int:pk>/simulate/", views.CaseSimulateView.as_view(viewset=CASES),
         name="decisioncase_simulate"),
    path("cases/<int:pk>/decide/", views.CaseDecideView.as_view(viewset=CASES),
         name="decisioncase_decide"),
    path("cases/<int:pk>/close/", views.CaseCloseView.as_view(viewset=CASES),
         name="decisioncase_close"),
    path("cases/<int:pk>/options/export/", views.CaseExportView.as_view(
        viewset=CASES, table="options"), name="decisioncase_options_export"),
    path("cases/<int:pk>/actuals/export/", views.CaseExportView.as_view(
        viewset=CASES, table="actuals"), name="decisioncase_actuals_export"),
    *(pattern for viewset in views.VIEWSETS for pattern in viewset.urls()),
]
