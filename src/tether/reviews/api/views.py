"""REST endpoints of the reviews app: writes through the services, permissions from the base
classes (performance: administrator and vendor manager write; other internal roles read)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from tether.core.api.permissions import RolePermission
from tether.core.api.viewsets import TetherModelViewSet
from tether.registry.models import Arrangement, Provider
from tether.reviews import filtersets, scorecard_selectors, selectors
from tether.reviews import services as review_services
from tether.reviews.api import serializers as review_serializers
from tether.reviews.models import Review, ReviewCadence


class ReviewViewSet(TetherModelViewSet):
    queryset = Review.objects.all()
    serializer_class = review_serializers.ReviewSerializer
    filterset_class = filtersets.ReviewFilterSet
    services = review_services.REVIEW

    def base_queryset(self):
        return Review.objects.select_related("arrangement")


class ReviewCadenceViewSet(TetherModelViewSet):
    queryset = ReviewCadence.objects.all()
    serializer_class = review_serializers.ReviewCadenceSerializer
    filterset_class = filtersets.ReviewCadenceFilterSet
    services = review_services.CADENCE


class ReviewsDueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every active arrangement with its last review and when the next one is due, soonest
    (most overdue) first."""

    queryset = Arrangement.objects.all()
    permission_model = Review
    permission_classes = [RolePermission]
    serializer_class = review_serializers.ReviewDueRowSerializer
    filterset_class = filtersets.ReviewsDueFilterSet
    ordering_fields = ["review_due", "reference", "last_review_on"]
    ordering = ["review_due", "reference"]

    def get_queryset(self):
        return selectors.reviews_due(user=self.request.user)


def _query(request) -> dict:
    serializer = review_serializers.ScorecardQuerySerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScorecardViewSet(viewsets.GenericViewSet):
    """Providers' scorecards over the last twelve months, best score first."""

    queryset = Provider.objects.all()
    permission_model = Review
    serializer_class = review_serializers.ScorecardSerializer
    filter_backends = []

    @extend_schema(parameters=[review_serializers.ScorecardQuerySerializer])
    def list(self, request):
        search = _query(request).get("q", "").strip()
        ranking = scorecard_selectors.scorecard_ranking(user=request.user, search=search)
        page = self.paginate_queryset(ranking)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH,
                                                description="The provider's id.")])
    def retrieve(self, request, pk=None):
        """One provider's scorecard (its rank is on the list)."""
        if not (str(pk).isdigit() and len(str(pk)) < 19):
            raise Http404("No provider with this id.")
        rows = scorecard_selectors.scorecard_rows(
            Provider.objects.restrict(request.user).filter(pk=int(pk)))
        if not rows:
            raise Http404("No provider with this id.")
        return Response(self.get_serializer(rows[0]).data)
