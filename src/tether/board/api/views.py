"""Board reports over the API: list them, read one with its figures, download its PDF.

Read-only: generating is a page action (and the schedule's). The role check is the API's
(`RolePermission` on BoardReport, domain "reporting"): every internal role reads.
"""

import django_filters
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer

from tether.board.api.serializers import BoardReportDetailSerializer, BoardReportSerializer
from tether.board.choices import ReportStatus, ReportTrigger
from tether.board.models import BoardReport
from tether.core.api.permissions import RolePermission
from tether.core.filtersets import SearchFilterSet


class BoardReportFilterSet(SearchFilterSet):
    search_fields = ()
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    trigger = django_filters.ChoiceFilter(choices=ReportTrigger.choices)
    as_of_from = django_filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_to = django_filters.DateFilter(field_name="as_of", lookup_expr="lte")

    class Meta:
        model = BoardReport
        fields = ["status", "trigger"]


class BoardReportViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = BoardReport.objects.all()
    serializer_class = BoardReportSerializer
    filterset_class = BoardReportFilterSet
    permission_classes = [RolePermission]
    ordering = ["-as_of", "-id"]

    def get_queryset(self):
        return BoardReport.objects.restrict(self.request.user, "view").order_by("-as_of", "-id")

    def get_serializer_class(self):
        return BoardReportDetailSerializer if self.action == "retrieve" else BoardReportSerializer

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The PDF as filed.")})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer])
    def pdf(self, request, pk=None):
        report = self.get_object()
        if not report.is_ready or not report.pdf:
            raise Http404("This report has no PDF yet.")
        return FileResponse(report.pdf.open("rb"), as_attachment=True,
                            filename=report.filename, content_type="application/pdf")
