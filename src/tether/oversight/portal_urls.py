"""The oversight pages of the provider portal, mounted at the site's root (their paths start
with "portal/", as every portal page's does).

The portal's navigation link is declared here, when these routes are loaded, so the link
exists exactly when its pages do.
"""

from tether.oversight.portal_sections import register_portal_section
from tether.oversight.portal_views import urlpatterns as portal_urls

app_name = "oversight_portal"
urlpatterns = portal_urls

register_portal_section()
