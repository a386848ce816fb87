from django.urls import path

from tether.registry.views import ArrangementViews
from tether.regulatory.outsourcing_views import OutsourcingRegisterView

# The register reads arrangements: the generic role check on arrangements admits the viewer.
urlpatterns: list = [
    path("", OutsourcingRegisterView.as_view(viewset=ArrangementViews),
         name="outsourcing_register"),
]
