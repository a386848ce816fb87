"""Documents on any object's page: the files attached to it, and a button to attach one."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tether.core.views.generic import Panel
from tether.documents.models import Document
from tether.documents.tables import DocumentTable

ROWS = 10


def attach_url(obj) -> str:
    meta = obj._meta
    return f"{reverse('documents:document_add')}?attach={meta.app_label}.{meta.model_name}:{obj.pk}"


class DocumentsAttachable:
    """An ObjectViewSet mixin: a "Documents" panel and an "Attach a document" button."""

    @classmethod
    def detail_context(cls, request, obj):
        context = super().detail_context(request, obj)
        if request.user.can("add", Document):
            context["attach_document_url"] = attach_url(obj)
        return context

    @classmethod
    def extra_panels(cls, request, obj):
        panels = super().extra_panels(request, obj)
        if not request.user.can("view", Document):
            return panels
        documents = Document.objects.restrict(request.user).filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        table = DocumentTable(list(documents.select_related("provider")[:ROWS]),
                              orderable=False)
        return [*panels, Panel("Documents", table, total=documents.count())]
