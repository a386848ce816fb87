"""The performance pages of the provider portal, included at the site's root so they live
under /portal/ as every portal page does."""

from tether.performance.portal_views import urlpatterns as portal_urls

app_name = "performance_portal"
urlpatterns = portal_urls
