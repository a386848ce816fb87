"""Placeholder: filled in by the template_views work."""

urlpatterns = []
