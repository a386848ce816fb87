"""Placeholder: filled in by the campaign_views work."""

urlpatterns = []
