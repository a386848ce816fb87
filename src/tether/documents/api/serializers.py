from django.urls import reverse
from rest_framework import serializers

from tether.core.api.serializers import TetherModelSerializer
from tether.documents.forms import METADATA_FIELDS
from tether.documents.models import Document
from tether.registry.models import Arrangement, Provider

FILE_FIELDS = ["file_name", "media_type", "size", "sha256", "key_id"]


class DocumentSerializer(TetherModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "display", "uuid", *METADATA_FIELDS, "provider", "arrangement",
                  *FILE_FIELDS, "uploaded_by", "uploaded_by_provider", "reminded_on",
                  "download_url", "created", "last_updated"]
        read_only_fields = ["uuid", "provider", "arrangement", *FILE_FIELDS, "uploaded_by",
                            "uploaded_by_provider", "reminded_on"]

    def get_download_url(self, obj) -> str:
        return reverse("documents-api:document-download", args=[obj.pk])


class DocumentUploadSerializer(serializers.ModelSerializer):
    """A new document: the file, what it is, and the provider or arrangement it concerns."""

    file = serializers.FileField(write_only=True)
    provider = serializers.PrimaryKeyRelatedField(queryset=Provider.objects.all(),
                                                  required=False, allow_null=True)
    arrangement = serializers.PrimaryKeyRelatedField(queryset=Arrangement.objects.all(),
                                                     required=False, allow_null=True)

    class Meta:
        model = Document
        fields = ["file", *METADATA_FIELDS, "provider", "arrangement"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            for name in ("provider", "arrangement"):
                field = self.fields[name]
                field.queryset = field.queryset.restrict(request.user, "view")

    def validate(self, attrs):
        provider, arrangement = attrs.get("provider"), attrs.get("arrangement")
        if provider and arrangement and arrangement.provider_id != provider.pk:
            raise serializers.ValidationError(
                {"arrangement": "This arrangement is with another provider."})
        return attrs
