from django.urls import include, path

from tether.core.api.docs import RedocView, SchemaView, SwaggerView
from tether.core.views.security import TokenView

urlpatterns = [
    path("core/", include("tether.core.api.jobs")),
    path("registry/", include("tether.registry.api.urls")),
    path("documents/", include("tether.documents.api.urls")),
    path("portal/", include("tether.portal.api.urls")),
    path("diligence/", include("tether.diligence.api.urls")),
    path("risk/", include("tether.risk.api.urls")),
    path("continuity/", include("tether.continuity.api.urls")),
    path("dependence/", include("tether.dependence.api.urls")),
    path("decisions/", include("tether.decisions.api.urls")),
    path("performance/", include("tether.performance.api.urls")),
    path("contracts/", include("tether.contracts.api.urls")),
    path("oversight/", include("tether.oversight.api.urls")),
    path("reviews/", include("tether.reviews.api.urls")),
    path("deadlines/", include("tether.deadlines.api.urls")),
    path("regulatory/", include("tether.regulatory.api.urls")),
    path("board/", include("tether.board.api.urls")),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
]
