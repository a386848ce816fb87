"""The API's browsable docs (Swagger UI, ReDoc) from the sidecar package, under our CSP.

drf-spectacular's pages carry inline <style> and, for Swagger UI, an inline init script. The
split Swagger view serves that script as a file of its own (`?script`), and our templates
move the styles into tether/api-docs.css, so both pages live with the site-wide policy.
"""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "tether/api/swagger_ui.html"


class RedocView(SpectacularRedocView):
    template_name = "tether/api/redoc.html"
