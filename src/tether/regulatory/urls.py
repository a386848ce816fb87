from django.urls import include, path

app_name = "regulatory"
urlpatterns = [
    path("", include("tether.regulatory.dora_urls")),
    path("outsourcing-register/", include("tether.regulatory.outsourcing_urls")),
]
