from tether.documents.views import DocumentViews

app_name = "documents"
urlpatterns = DocumentViews.urls()
