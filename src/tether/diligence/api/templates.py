"""Placeholder: filled in by the templates API work."""

urlpatterns = []
