"""The company's side of the portal: requests to providers and invitations of their contacts."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views import View

from tether.core.forms import TetherModelForm
from tether.core.services import ModelServices
from tether.core.tables import Column, Table
from tether.core.views.generic import ObjectViewSet, Panel, ViewSetMixin
from tether.core.widgets import SearchSelect
from tether.documents.models import Document
from tether.documents.tables import DocumentTable
from tether.portal import services
from tether.portal.filtersets import InformationRequestFilterSet, InvitationFilterSet
from tether.portal.models import InformationRequest, Invitation


class InformationRequestTable(Table):
    title = Column(link=True)
    provider = Column(link=True, order_by="provider__name")

    class Meta:
        model = InformationRequest
        fields = ("title", "provider", "arrangement", "status", "due_date", "answered_at",
                  "created")


class InvitationTable(Table):
    email = Column(link=True)
    provider = Column(link=True, order_by="provider__name")
    state = Column(orderable=False)

    class Meta:
        model = Invitation
        fields = ("email", "provider", "state", "expires_at", "accepted_at", "created")


class InformationRequestForm(TetherModelForm):
    class Meta:
        model = InformationRequest
        fields = ["provider", "arrangement", "title", "question", "due_date", "status",
                  "internal_note"]
        widgets = {
            "provider": SearchSelect("registry:provider_choices"),
            "arrangement": SearchSelect("registry:arrangement_choices"),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "question": forms.Textarea(attrs={"rows": 5}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
        }


class InformationRequestViews(ObjectViewSet):
    model = InformationRequest
    url_prefix = "requests/"
    filterset_class = InformationRequestFilterSet
    table_class = InformationRequestTable
    form_class = InformationRequestForm
    services = services.REQUEST
    detail_template = "portal/informationrequest_detail.html"
    choices_search_field = "title"

    @classmethod
    def base_queryset(cls):
        return InformationRequest.objects.select_related("provider", "arrangement",
                                                         "answered_by", "requested_by")

    @classmethod
    def detail_panels(cls, request, obj):
        documents = Document.objects.restrict(request.user).filter(
            content_type__app_label="portal", content_type__model="informationrequest",
            object_id=obj.pk)
        return [Panel("Files", DocumentTable(list(documents[:50]), orderable=False,
                                             exclude=("provider",)),
                      total=documents.count())]

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("requests/<int:pk>/review/", RequestReviewView.as_view(viewset=cls),
                     name="informationrequest_review")]


class RequestReviewView(ViewSetMixin, View):
    action = "change"

    def post(self, request, pk):
        request_obj = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.request_review(request_obj, actor=request.user,
                                    accept=request.POST.get("decision") == "accept")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(request_obj.get_absolute_url())


class InviteForm(TetherModelForm):
    class Meta:
        model = Invitation
        fields = ["provider", "email", "first_name", "last_name"]
        widgets = {"provider": SearchSelect("registry:provider_choices")}


def _refuse(*args, **kwargs):
    raise ValidationError("Invitations are sent, not edited.")


class InvitationViews(ObjectViewSet):
    model = Invitation
    url_prefix = "invitations/"
    filterset_class = InvitationFilterSet
    table_class = InvitationTable
    form_class = InviteForm
    services = ModelServices(create=_refuse, update=_refuse, delete=_refuse)
    pages = ("list", "detail", "history")
    detail_template = "portal/invitation_detail.html"
    detail_fields = ["provider", "email", "first_name", "last_name", "invited_by", "created",
                     "expires_at", "accepted_at", "revoked_at", "user"]

    @classmethod
    def base_queryset(cls):
        return Invitation.objects.select_related("provider", "invited_by", "user")

    @classmethod
    def urls(cls):
        return [
            path("invitations/send/", InviteView.as_view(viewset=cls), name="invitation_add"),
            path("invitations/<int:pk>/revoke/", RevokeInvitationView.as_view(viewset=cls),
                 name="invitation_revoke"),
            *super().urls(),
        ]


class InviteView(ViewSetMixin, View):
    action = "add"
    template_name = "portal/invite.html"

    def get(self, request):
        initial = {"provider": request.GET.get("provider")} if request.GET.get("provider") else {}
        form = InviteForm(initial=initial, user=request.user)
        return render(request, self.template_name, {**self.page_context(), "form": form})

    def post(self, request):
        form = InviteForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = services.invitation_send(
                    actor=request.user, provider=data["provider"], email=data["email"],
                    first_name=data["first_name"], last_name=data["last_name"],
                    accept_url=lambda token: request.build_absolute_uri(
                        reverse("portal:accept", args=[token])),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect(invitation.get_absolute_url())
        return render(request, self.template_name, {**self.page_context(), "form": form})


class RevokeInvitationView(ViewSetMixin, View):
    action = "change"

    def post(self, request, pk):
        invitation = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.invitation_revoke(invitation, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Invitation withdrawn; its link no longer works.")
        return redirect(invitation.get_absolute_url())

