"""The provider's side of reviews, in the portal: the feedback shared with them, read-only.

A contact sees the feedback of their own provider's reviews once it is shared, and nothing
else of a review (ratings, summary, decision stay internal)."""

from django.shortcuts import render
from django.views import View

from tether.portal.access import PortalMixin
from tether.reviews.selectors import shared_feedback

ROWS = 200


class PortalFeedbackView(PortalMixin, View):
    def get(self, request):
        reviews = list(shared_feedback(self.viewer.provider.pk)[:ROWS])
        return render(request, "reviews/portal/feedback.html",
                      self.portal_context(reviews=reviews))
