from tether.oversight.views import urlpatterns as page_urls

app_name = "oversight"
urlpatterns = page_urls
