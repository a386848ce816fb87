from django.urls import include, path

from tether.core.urls import public_urlpatterns
from tether.deadlines.views import CalendarFeedView
from tether.registry.dashboard import home

urlpatterns = [
    *public_urlpatterns,
    path("", home, name="home"),
    path("", include("tether.core.urls")),
    path("registry/", include("tether.registry.urls")),
    path("documents/", include("tether.documents.urls")),
    path("", include("tether.portal.urls")),
    path("", include("tether.diligence.urls")),
    path("risk/", include("tether.risk.urls")),
    path("continuity/", include("tether.continuity.urls")),
    path("dependence/", include("tether.dependence.urls")),
    path("decisions/", include("tether.decisions.urls")),
    path("performance/", include("tether.performance.urls")),
    path("", include("tether.performance.portal_urls")),
    path("contracts/", include("tether.contracts.urls")),
    path("oversight/", include("tether.oversight.urls")),
    path("", include("tether.oversight.portal_urls")),
    path("reviews/", include("tether.reviews.urls")),
    path("", include("tether.reviews.portal_urls")),
    path("deadlines/", include("tether.deadlines.urls")),
    # Public: the secret token in the address is the authentication (see deadlines.feeds).
    path("feeds/calendar/<str:token>.ics", CalendarFeedView.as_view(), name="deadlines_feed"),
    path("regulatory/", include("tether.regulatory.urls")),
    path("board/", include("tether.board.urls")),
    path("api/", include("tether.api_urls")),
]

# API clients get JSON for an address no route matches, as for any other API error.
handler404 = "tether.core.api.exceptions.not_found"
handler500 = "tether.core.api.exceptions.server_error"
