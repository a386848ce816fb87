from django.urls import path

from tether.registry.dashboard import value_chain
from tether.registry.transfer_views import ExportView, ImportView
from tether.registry.views import VIEWSETS

app_name = "registry"
urlpatterns = [
    path("value-chain/", value_chain, name="value_chain"),
    path("value-chain/<int:organisation_id>/", value_chain, name="value_chain_of"),
    path("import/", ImportView.as_view(), name="import"),
    path("export/<str:entity>/", ExportView.as_view(), name="export"),
    *(pattern for viewset in VIEWSETS for pattern in viewset.urls()),
]
