from tether.registry.views import VIEWSETS

app_name = "registry"
urlpatterns = [pattern for viewset in VIEWSETS for pattern in viewset.urls()]
