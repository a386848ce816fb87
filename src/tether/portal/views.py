"""The provider portal: what a provider's contacts see and do, and the internal preview of it."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from tether.core.counting import count_expression
from tether.documents import services as document_services
from tether.documents.forms import PortalUploadForm
from tether.documents.sharing import shared_documents, sharing_for
from tether.documents.views import copy_response
from tether.portal import services
from tether.portal.access import PREVIEW_SESSION_KEY, PortalMixin
from tether.portal.models import OPEN_FOR_PROVIDER, InformationRequest, RequestStatus
from tether.portal.sections import home_cards
from tether.registry.models import Provider


def portal_requests(provider):
    return (InformationRequest.objects.filter(provider=provider)
            .exclude(status=RequestStatus.WITHDRAWN).select_related("arrangement"))


def _upload(request, viewer, form, attached_to):
    """Store a contact's file; returns the document or None with the error on the form."""
    try:
        return document_services.document_upload(
            actor=request.user, attached_to=attached_to,
            upload_name=form.cleaned_data["file"].name, data=form.file_bytes,
            metadata=form.metadata(), source="portal",
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


class HomeView(PortalMixin, View):
    def get(self, request):
        provider = self.viewer.provider
        requests = portal_requests(provider)
        sharing = sharing_for(provider.pk)
        context = self.portal_context(
            open_requests=requests.filter(status__in=OPEN_FOR_PROVIDER).order_by(
                "due_date", "pk")[:10],
            **Provider.objects.filter(pk=provider.pk).values(
                open_count=count_expression(requests.filter(status__in=OPEN_FOR_PROVIDER)),
                document_count=count_expression(sharing.documents())).get(),
            awaiting_nda=sharing.awaiting_nda(),
            # "provider" too: the related manager reads each row's provider_id, which
            # would otherwise be a deferred load per row (51 queries instead of one).
            arrangements=provider.arrangements.order_by("reference").only(
                "reference", "title", "status", "start_date", "end_date", "provider")[:50],
            home_cards=home_cards(self.viewer),
        )
        return render(request, "portal/home.html", context)


class RequestListView(PortalMixin, View):
    def get(self, request):
        requests = portal_requests(self.viewer.provider).order_by("-created")
        return render(request, "portal/request_list.html",
                      self.portal_context(requests=requests[:500]))


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
                             max_length=20_000)


class RequestDetailView(PortalMixin, View):
    writes = True

    def get_request(self, pk):
        return get_object_or_404(portal_requests(self.viewer.provider), pk=pk)

    def render_page(self, request_obj, answer_form=None, upload_form=None):
        attachments = shared_documents(self.viewer.provider.pk).filter(
            content_type=ContentType.objects.get_for_model(InformationRequest),
            object_id=request_obj.pk,
        )
        is_open = request_obj.status in OPEN_FOR_PROVIDER
        context = self.portal_context(
            item=request_obj, attachments=attachments, is_open=is_open,
            answer_form=answer_form or AnswerForm(initial={"answer": request_obj.answer}),
            upload_form=upload_form or PortalUploadForm(),
        )
        return render(self.request, "portal/request_detail.html", context)

    def get(self, request, pk):
        return self.render_page(self.get_request(pk))

    def post(self, request, pk):
        request_obj = self.get_request(pk)
        if "file" in request.FILES or request.POST.get("action") == "upload":
            form = PortalUploadForm(request.POST, request.FILES)
            if form.is_valid() and _upload(request, self.viewer, form, request_obj):
                messages.success(request, "File added to your answer.")
                return redirect("portal:request_detail", pk=pk)
            return self.render_page(request_obj, upload_form=form)
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.request_answer(request_obj, actor=request.user,
                                        answer=form.cleaned_data["answer"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your answer was sent.")
                return redirect("portal:request_detail", pk=pk)
        return self.render_page(request_obj, answer_form=form)


class DocumentListView(PortalMixin, View):
    writes = True

    def render_page(self, form=None):
        sharing = sharing_for(self.viewer.provider.pk)
        context = self.portal_context(
            documents=sharing.documents().order_by("-created")[:500],
            awaiting_nda=sharing.awaiting_nda(),
            form=form or PortalUploadForm(),
        )
        return render(self.request, "portal/document_list.html", context)

    def get(self, request):
        return self.render_page()

    def post(self, request):
        form = PortalUploadForm(request.POST, request.FILES)
        if form.is_valid() and _upload(request, self.viewer, form, self.viewer.provider):
            messages.success(request, "Document uploaded.")
            return redirect("portal:document_list")
        return self.render_page(form)


class DocumentDownloadView(PortalMixin, View):
    def get(self, request, pk):
        if self.viewer.preview:
            raise PermissionDenied("A preview does not download: open the document's own page.")
        document = get_object_or_404(shared_documents(self.viewer.provider.pk), pk=pk)
        issued = document_services.issue_copy(document, recipient=request.user, via_portal=True)
        return copy_response(issued)


class PreviewStartView(View):
    """An internal user opens the portal as the provider sees it, read-only."""

    def post(self, request, provider_id):
        if not request.user.is_internal:
            raise PermissionDenied
        provider = get_object_or_404(Provider.objects.restrict(request.user, "view"),
                                     pk=provider_id)
        request.session[PREVIEW_SESSION_KEY] = provider.pk
        return redirect("portal:home")


class PreviewStopView(View):
    def post(self, request):
        provider_id = request.session.pop(PREVIEW_SESSION_KEY, None)
        if provider_id and request.user.is_internal:
            return redirect(reverse("registry:provider_detail", args=[provider_id]))
        return redirect("home")


class SetPasswordForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(widget=forms.PasswordInput, strip=False,
                                     label="Password (again)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            raise ValidationError("The two passwords differ.")
        return data


class AcceptInvitationView(View):
    """Public: the link in the invitation e-mail. One use, then it is spent."""

    template_name = "portal/accept.html"

    def get(self, request, token):
        try:
            invitation = services.invitation_for_token(token)
        except ValidationError as error:
            return render(request, self.template_name, {"error": error.messages[0]}, status=410)
        form = SetPasswordForm(initial={"username": invitation.email})
        return render(request, self.template_name, {"invitation": invitation, "form": form})

    def post(self, request, token):
        try:
            invitation = services.invitation_for_token(token)
        except ValidationError as error:
            return render(request, self.template_name, {"error": error.messages[0]}, status=410)
        form = SetPasswordForm(request.POST)
        if form.is_valid():
            try:
                user = services.invitation_accept(
                    token, username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Welcome, {user}. This is {invitation.provider}'s "
                                          "space with us.")
                return redirect("portal:home")
        return render(request, self.template_name, {"invitation": invitation, "form": form})
