"""Tables of documents and of the copies handed out."""

from tether.core.tables import Column, Table
from tether.documents.models import Document, DocumentCopy


class DocumentTable(Table):
    title = Column(link=True)
    provider = Column(link=True, order_by="provider__name")

    class Meta:
        model = Document
        fields = ("title", "kind", "confidentiality", "provider", "shared_with_provider",
                  "valid_until", "file_name", "created")


class DocumentCopyTable(Table):
    class Meta:
        model = DocumentCopy
        fields = ("copy_id", "recipient_name", "issued_at", "watermarked", "via_portal")
