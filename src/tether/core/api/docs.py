"""The API's browsable docs (Swagger UI, ReDoc) from the sidecar package, under our CSP.

drf-spectacular's pages carry inline <style> and, for Swagger UI, an inline init script. The
split Swagger view serves that script as a file of its own (`?script`), and our templates
move the styles into tether/api-docs.css, so Swagger UI lives with the site-wide policy.
"""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.response import Response


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "tether/api/swagger_ui.html"


class RedocView(SpectacularRedocView):
    template_name = "tether/api/redoc.html"

    @extend_schema(exclude=True)  # a page, not an API operation
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # ReDoc draws with styled-components, which writes <style> elements at run time and
        # stops with "error #17" when the browser refuses them; its search runs in a worker
        # made from a blob: URL. So inline styles and blob: workers, on this page only (it
        # shows our own schema); scripts stay 'self'. (Its footer logo from cdn.redoc.ly stays
        # refused: nothing is fetched from outside.)
        response.csp_extra = {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}
        return response


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated once per process and version.

    The public schema depends on the code only, and generating it takes seconds: each visit
    to the docs pages would otherwise pay for it again.
    """

    _generated: dict = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        if version not in self._generated:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version,
                                             patterns=self.patterns)
            self._generated[version] = generator.get_schema(request=request,
                                                            public=self.serve_public)
        return Response(data=self._generated[version], headers={
            "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})
