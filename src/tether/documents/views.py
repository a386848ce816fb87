"""Internal pages for documents: the register's generic pages, plus upload and download."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.views import View

from tether.core.services import ModelServices
from tether.core.views.generic import ObjectViewSet, Panel, ViewSetMixin
from tether.documents import filtersets, forms, services, tables
from tether.documents.models import Document


def _refuse_create(**kwargs):
    raise ValidationError("Documents are created by uploading a file.")


class DocumentViews(ObjectViewSet):
    model = Document
    url_prefix = ""
    filterset_class = filtersets.DocumentFilterSet
    table_class = tables.DocumentTable
    form_class = forms.DocumentForm
    services = ModelServices(create=_refuse_create, update=services.document_update,
                             delete=services.document_delete)
    detail_template = "documents/document_detail.html"
    choices_search_field = "title"
    detail_fields = ["title", "kind", "confidentiality", "description", "provider", "arrangement",
                     "attached_to", "shared_with_provider", "valid_from", "valid_until",
                     "remind_days_before", "reminded_on", "signed_on", "file_name", "media_type",
                     "size", "sha256", "key_id", "uploaded_by", "uploaded_by_provider", "created"]

    @classmethod
    def base_queryset(cls):
        return Document.objects.select_related("provider", "arrangement", "uploaded_by",
                                               "content_type")

    @classmethod
    def detail_panels(cls, request, obj):
        copies = obj.copies.all()
        table = tables.DocumentCopyTable(list(copies[:25]), orderable=False)
        return [Panel("Copies handed out", table, total=copies.count())]

    @classmethod
    def urls(cls):
        patterns = [p for p in super().urls() if p.name != cls.url_name("add")]
        return [
            path("add/", DocumentUploadView.as_view(viewset=cls), name=cls.url_name("add")),
            path("<int:pk>/download/", DocumentDownloadView.as_view(viewset=cls),
                 name="document_download"),
            *patterns,
        ]


def attachment_target(user, spec: str):
    """The object named by "app_label.model:pk", if the user may see it; else 404."""
    try:
        label, pk = spec.split(":", 1)
        app_label, model_name = label.split(".", 1)
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
        pk = int(pk)
    except (ValueError, ContentType.DoesNotExist):
        raise Http404("No such object to attach to.") from None
    model = content_type.model_class()
    if model is None or model is Document or not hasattr(model.objects, "restrict") \
            or getattr(model, "permission_domain", "") in ("users", "audit"):
        raise Http404("Documents cannot be attached to this kind of object.")
    return get_object_or_404(model.objects.restrict(user, "view"), pk=pk)


class DocumentUploadView(ViewSetMixin, View):
    action = "add"
    template_name = "documents/document_upload.html"

    def target(self):
        spec = self.request.GET.get("attach", "")
        return attachment_target(self.request.user, spec) if spec else None

    def render_form(self, form, target):
        context = {**self.page_context(), "form": form, "target": target}
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_form(forms.DocumentUploadForm(user=request.user), self.target())

    def post(self, request):
        target = self.target()
        form = forms.DocumentUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            metadata = {k: v for k, v in form.cleaned_data.items() if k in forms.METADATA_FIELDS}
            try:
                document = services.document_upload(
                    actor=request.user, attached_to=target,
                    upload_name=form.cleaned_data["file"].name, data=form.file_bytes,
                    metadata=metadata,
                )
            except ValidationError as error:
                form.add_error("file" if not hasattr(error, "error_dict") else None, error)
            else:
                messages.success(request, format_html("Uploaded {}.", document))
                return redirect(document.get_absolute_url())
        return self.render_form(form, target)


def copy_response(issued) -> HttpResponse:
    response = HttpResponse(issued.content, content_type=issued.media_type)
    response["Content-Disposition"] = content_disposition_header(True, issued.file_name)
    response["Cache-Control"] = "no-store"
    response["X-Tether-Copy"] = issued.copy.copy_id
    return response


class DocumentDownloadView(ViewSetMixin, View):
    def get(self, request, pk):
        document = get_object_or_404(self.get_queryset(), pk=pk)
        issued = services.issue_copy(document, recipient=request.user, via_portal=False,
                                     original=request.GET.get("original") == "1")
        return copy_response(issued)
