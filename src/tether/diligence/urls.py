from tether.diligence.campaign_views import urlpatterns as campaign_urls
from tether.diligence.template_views import urlpatterns as template_urls

app_name = "diligence"
urlpatterns = [*template_urls, *campaign_urls]
