from tether.board.views import BoardReportViews

app_name = "board"
urlpatterns = BoardReportViews.urls()
