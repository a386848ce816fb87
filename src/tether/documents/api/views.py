"""Documents over the API: metadata as JSON, files uploaded as multipart, copies downloaded."""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from tether.core.api.viewsets import TetherModelViewSet
from tether.documents import filtersets, services
from tether.documents.api.serializers import DocumentSerializer, DocumentUploadSerializer
from tether.documents.forms import METADATA_FIELDS, read_upload
from tether.documents.models import Document
from tether.documents.sniff import ALLOWED_MEDIA_TYPES
from tether.documents.views import copy_response


class DocumentViewSet(TetherModelViewSet):
    queryset = Document.objects.all()
    serializer_class = DocumentSerializer
    filterset_class = filtersets.DocumentFilterSet
    services = None  # create, update and delete call the document services directly

    def get_parsers(self):
        # A new document comes with its file, as multipart; changes to what it says about the
        # file are JSON, as everywhere in the API (an empty or garbled form would read as "no
        # change").
        request = getattr(self, "request", None)
        if request is not None and request.method == "POST":
            return [MultiPartParser()]
        return [JSONParser()]

    def base_queryset(self):
        return Document.objects.select_related("provider", "arrangement")

    @extend_schema(request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer})
    def create(self, request, *args, **kwargs):
        upload = DocumentUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        data = dict(upload.validated_data)
        attached_to = data.pop("arrangement", None) or data.pop("provider", None)
        data.pop("provider", None)
        file = data.pop("file")
        try:
            document = services.document_upload(
                actor=request.user, attached_to=attached_to, upload_name=file.name,
                data=read_upload(file),
                metadata={k: v for k, v in data.items() if k in METADATA_FIELDS}, source="api",
            )
        except ValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else {
                "file": error.messages}
            raise serializers.ValidationError(detail) from None
        body = DocumentSerializer(document, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.document_update(
            serializer.instance, actor=self.request.user,
            data=dict(serializer.validated_data), source="api")

    def perform_destroy(self, instance):
        services.document_delete(instance, actor=self.request.user, source="api")

    @extend_schema(
        description="A numbered copy of the file for the caller; PDFs and images are "
        "watermarked with the copy id (response header X-Tether-Copy).",
        responses={(200, *ALLOWED_MEDIA_TYPES): OpenApiResponse(
            OpenApiTypes.BINARY, description="The file, in its own media type.")},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        return copy_response(services.issue_copy(document, recipient=request.user,
                                                 via_portal=False))
