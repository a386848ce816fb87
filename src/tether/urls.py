from django.urls import include, path

urlpatterns = [
    path("", include("tether.core.urls")),
    path("registry/", include("tether.registry.urls")),
    path("api/", include("tether.api_urls")),
]
