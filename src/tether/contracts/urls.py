from django.urls import path

from tether.contracts import views

app_name = "contracts"
urlpatterns = [
    path("gaps/", views.ClauseGapView.as_view(viewset=views.ArrangementClauseViews),
         name="gaps"),
    path("coverage/", views.ClauseCoverageView.as_view(viewset=views.ArrangementClauseViews),
         name="coverage"),
    path("arrangements/<int:pk>/checklist/",
         views.ChecklistView.as_view(viewset=views.ArrangementClauseViews), name="checklist"),
    *views.ClauseRequirementViews.urls(),
    *views.ArrangementClauseViews.urls(),
]
