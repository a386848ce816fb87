from tether.diligence.api.campaigns import urlpatterns as campaign_urls
from tether.diligence.api.templates import urlpatterns as template_urls

urlpatterns = [*template_urls, *campaign_urls]
