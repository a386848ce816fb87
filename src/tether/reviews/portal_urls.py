"""The reviews app's portal pages, included at the root so they live under /portal/."""

from django.urls import path

from tether.reviews.portal_views import PortalFeedbackView

app_name = "reviews_portal"
urlpatterns = [
    path("portal/review-feedback/", PortalFeedbackView.as_view(), name="feedback"),
]
