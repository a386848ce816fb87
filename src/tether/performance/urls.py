from tether.performance.ingest_views import urlpatterns as ingest_urlpatterns

app_name = "performance"
urlpatterns = [*ingest_urlpatterns]
