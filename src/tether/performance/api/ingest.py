"""The bulk measurement endpoint and the batches it creates.

    POST /api/performance/measurements/bulk/   JSON array (or text/csv), header Idempotency-Key
    GET  /api/performance/batches/             the batches the user may see
    GET  /api/performance/batches/{id}/
"""

from django.core.exceptions import PermissionDenied
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException, ParseError
from rest_framework.exceptions import PermissionDenied as APIPermissionDenied
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from tether.core.api.permissions import RolePermission
from tether.core.api.schema import ConflictSerializer
from tether.performance.choices import BatchSource
from tether.performance.ingest import BatchProblem
from tether.performance.ingest_services import IdempotencyConflict, batch_receive
from tether.performance.ingest_views import MeasurementBatchFilterSet
from tether.performance.models import MeasurementBatch


class RawBody:
    """A request body kept as bytes: its hash is the payload's identity for idempotency."""

    def __init__(self, data: bytes, fmt: str):
        self.data = data
        self.fmt = fmt


class RawJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        return RawBody(stream.read(), "json")


class CSVParser(BaseParser):
    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return RawBody(stream.read(), "csv")


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The Idempotency-Key was already used for another delivery."


class MeasurementRowSerializer(serializers.Serializer):
    """One measurement. Name the level by `level` (its id), or by `arrangement` and
    `reference` (the arrangement's and the level's references)."""

    level = serializers.IntegerField(required=False, help_text="The service level's id.")
    arrangement = serializers.CharField(required=False, allow_blank=True,
                                        help_text="The arrangement's reference.")
    reference = serializers.CharField(required=False, allow_blank=True,
                                      help_text="The service level's reference.")
    at = serializers.CharField(
        allow_blank=True, help_text="When it was measured: ISO 8601 with its offset "
                                    "(2026-03-01T12:00:00+01:00) or a date (midnight UTC).")
    value = serializers.FloatField(help_text="The measured value.")


class RejectionSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Item number (JSON, from 1) or spreadsheet row.")
    column = serializers.CharField()
    error = serializers.CharField()


class MeasurementBatchSerializer(serializers.ModelSerializer):
    rejections = RejectionSerializer(many=True, read_only=True,
                                     help_text="The first 1,000 rejected rows.")

    class Meta:
        model = MeasurementBatch
        fields = ["id", "source", "status", "idempotency_key", "provider", "submitted_by",
                  "file_name", "received", "accepted", "rejected", "rejections", "error",
                  "job", "created", "finished"]
        read_only_fields = fields


class MeasurementBulkViewSet(viewsets.GenericViewSet):
    """Feed measurements in bulk."""

    queryset = MeasurementBatch.objects.all()
    serializer_class = MeasurementBatchSerializer
    permission_classes = [RolePermission]
    parser_classes = [RawJSONParser, CSVParser]

    @extend_schema(
        operation_id="performance_measurements_bulk",
        summary="Feed measurements",
        description=(
            "A JSON array of measurements (or a CSV body with the columns arrangement, level, "
            "at, value). Rows that name an unknown level, an unreadable or future time, or a "
            "value that is not a finite number are rejected one by one and reported; the "
            "others are stored. A body not of the documented shape is refused whole (400). "
            "With an `Idempotency-Key`, sending the same body again answers 200 with the "
            "stored batch and counts nothing twice; the same key with another body is a 409."),
        request={"application/json": MeasurementRowSerializer(many=True),
                 "text/csv": OpenApiTypes.STR},
        parameters=[OpenApiParameter(
            "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
            description="Up to 200 characters; a retried delivery with the same key and body "
                        "is received once.")],
        responses={201: MeasurementBatchSerializer,
                   200: OpenApiResponse(MeasurementBatchSerializer,
                                        description="A replay: the batch first received."),
                   409: OpenApiResponse(ConflictSerializer,
                                        description="The key was used for another body.")},
    )
    def create(self, request):
        body = request.data
        if not isinstance(body, RawBody) or not body.data.strip():
            raise ParseError("The body is empty: send a JSON array of measurements.")
        key = request.headers.get("Idempotency-Key")
        try:
            batch, created = batch_receive(actor=request.user, source=BatchSource.API,
                                           rows_or_file=body.data, fmt=body.fmt,
                                           idempotency_key=key)
        except BatchProblem as problem:
            raise ParseError(str(problem)) from None
        except IdempotencyConflict as conflict:
            raise Conflict(str(conflict)) from None
        except PermissionDenied as denied:
            raise APIPermissionDenied(str(denied) or None) from None
        return Response(MeasurementBatchSerializer(batch).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class MeasurementBatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Deliveries of measurements and what became of their rows."""

    queryset = MeasurementBatch.objects.all()
    serializer_class = MeasurementBatchSerializer
    filterset_class = MeasurementBatchFilterSet
    permission_classes = [RolePermission]
    ordering = ["-pk"]

    def get_queryset(self):
        return MeasurementBatch.objects.restrict(self.request.user, "view").order_by("-pk")


urlpatterns = [
    path("measurements/bulk/", MeasurementBulkViewSet.as_view({"post": "create"}),
         name="measurement-bulk"),
    path("batches/", MeasurementBatchViewSet.as_view({"get": "list"}),
         name="measurementbatch-list"),
    path("batches/<int:pk>/", MeasurementBatchViewSet.as_view({"get": "retrieve"}),
         name="measurementbatch-detail"),
]
