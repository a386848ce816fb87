"""Upload and metadata forms; the file's checks live in `documents.sniff`, not here."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from tether.core.forms import TetherModelForm
from tether.documents.models import Document, DocumentKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
METADATA_FIELDS = ["title", "kind", "confidentiality", "description", "shared_with_provider",
                   "valid_from", "valid_until", "remind_days_before", "signed_on"]
PROVIDER_KINDS = [DocumentKind.ISO27001, DocumentKind.SOC_REPORT, DocumentKind.CERTIFICATE,
                  DocumentKind.POLICY, DocumentKind.EVIDENCE, DocumentKind.REPORT,
                  DocumentKind.NDA, DocumentKind.OTHER]


def read_upload(upload) -> bytes:
    """The uploaded bytes, refusing before reading anything larger than the limit."""
    limit = settings.TETHER_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The file is {upload.size / 1_048_576:.1f} MB; the limit is "
            f"{limit / 1_048_576:.0f} MB."
        )
    return upload.read()


class DocumentForm(TetherModelForm):
    class Meta:
        model = Document
        fields = METADATA_FIELDS
        widgets = {"valid_from": DATE, "valid_until": DATE, "signed_on": DATE,
                   "description": forms.Textarea(attrs={"rows": 3})}


class DocumentUploadForm(DocumentForm):
    file = forms.FileField()

    field_order = ["file", *METADATA_FIELDS]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.file_bytes = read_upload(upload)
        return upload


class PortalUploadForm(forms.Form):
    """What a provider's contact says about a file they upload."""

    file = forms.FileField()
    title = forms.CharField(max_length=250)
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in PROVIDER_KINDS])
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    valid_from = forms.DateField(required=False, widget=DATE)
    valid_until = forms.DateField(required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class",
                                          "form-select" if name == "kind" else "form-control")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.file_bytes = read_upload(upload)
        return upload

    def metadata(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "file"}
