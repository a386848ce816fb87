from django.urls import path

from tether.dependence import views
from tether.dependence.exports import TABLES

app_name = "dependence"
V = views.DependenceViews
urlpatterns = [
    path("concentration/", views.ConcentrationView.as_view(viewset=V), name="concentration"),
    path("supply-chain/", views.SupplyChainView.as_view(viewset=V), name="supply_chain"),
    path("network/", views.NetworkView.as_view(viewset=V), name="network"),
    path("network/data/", views.NetworkDataView.as_view(viewset=V), name="network_data"),
    path("what-if/", views.WhatIfView.as_view(viewset=V), name="what_if"),
    *(path(f"export/{table.replace('_', '-')}/", views.ExportView.as_view(viewset=V),
           {"table": table}, name=f"{table}_export") for table in TABLES),
]
