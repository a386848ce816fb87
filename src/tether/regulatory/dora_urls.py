from tether.regulatory import views

urlpatterns = [
    *(pattern for viewset in views.VIEWSETS for pattern in viewset.urls()),
]
