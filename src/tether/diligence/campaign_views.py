"""Our side of questionnaire campaigns: sending them, following the responses, reviewing them.

The provider's side is in `portal_views`; both sets of routes are listed here, in the
diligence URLconf.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.views import View

from tether.core.services import ModelServices
from tether.core.tables import EMPTY, Column, Table
from tether.core.views.generic import ObjectViewSet, Panel, ViewSetMixin
from tether.diligence import campaign_services as services
from tether.diligence.campaign_filtersets import CampaignFilterSet, ResponseFilterSet
from tether.diligence.campaign_forms import (
    AddProvidersForm,
    AnswerReviewForm,
    CampaignCreateForm,
    CampaignEditForm,
    ReturnForm,
)
from tether.diligence.campaign_selectors import answer_sheet, response_list
from tether.diligence.campaign_tables import CampaignTable, ResponseTable
from tether.diligence.choices import CampaignStatus, ResponseStatus
from tether.diligence.models import Answer, Campaign, Question, QuestionnaireResponse
from tether.diligence.portal_views import urlpatterns as portal_urlpatterns
from tether.documents.models import Document
from tether.registry.models import Provider

PANEL_ROWS = 500
CHOICES_LIMIT = 25


def _refuse(*args, **kwargs):
    raise ValidationError("Campaigns are sent from the new-campaign page and never deleted.")


def base_url(request) -> str:
    """This site's address as the request reached it, for links in e-mails."""
    return request.build_absolute_uri("/").rstrip("/")


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(message for messages_ in error.message_dict.values()
                        for message in messages_)
    return " ".join(error.messages)


class CampaignResponseTable(Table):
    """A campaign's responses, with how far each has got."""

    provider = Column(link=True)
    status = Column(render=lambda r: format_html('<a href="{}">{}</a>', r.get_absolute_url(),
                                                 r.get_status_display()))
    progress = Column(label="Answered", orderable=False, numeric=True,
                      render=lambda r: format_html("{} / {}", r.answered, r.question_count))
    submitted_at = Column()
    score = Column(numeric=True, render=lambda r: EMPTY if r.score is None
                   else format_html("{}%", r.score))

    class Meta:
        model = QuestionnaireResponse
        fields = ("provider", "status", "progress", "submitted_at", "score")


class CampaignViews(ObjectViewSet):
    model = Campaign
    url_prefix = "diligence/campaigns/"
    filterset_class = CampaignFilterSet
    table_class = CampaignTable
    form_class = CampaignEditForm
    services = ModelServices(create=_refuse, update=services.campaign_update, delete=_refuse)
    pages = ("list", "add", "detail", "edit", "history")
    detail_template = "diligence/campaign_detail.html"
    detail_fields = ["template", "due_date", "status", "remind_days_before", "message",
                     "created_by", "created"]

    @classmethod
    def base_queryset(cls):
        return Campaign.objects.select_related("template", "created_by")

    @classmethod
    def detail_panels(cls, request, obj):
        responses = (QuestionnaireResponse.objects.restrict(request.user)
                     .filter(campaign=obj).select_related("provider", "campaign")
                     .annotate(answered=Count("answers", filter=Q(answers__value__isnull=False)))
                     .order_by("provider__name", "pk"))
        rows = list(responses[:PANEL_ROWS])
        question_count = Question.objects.filter(section__template=obj.template_id).count()
        for row in rows:
            row.question_count = question_count
        return [Panel("Responses", CampaignResponseTable(rows, orderable=False),
                      f"{reverse('diligence:questionnaireresponse_list')}?campaign={obj.pk}",
                      total=responses.count())]

    @classmethod
    def detail_context(cls, request, obj):
        by_status = dict(obj.responses.order_by().values_list("status").annotate(n=Count("pk")))
        can_change = request.user.can("change", Campaign)
        return {
            "status_counts": [(label, by_status.get(value, 0))
                              for value, label in ResponseStatus.choices],
            "can_manage": can_change and obj.status == CampaignStatus.OPEN,
            "add_providers_form": AddProvidersForm(user=request.user, auto_id="id_add_%s"),
        }

    @classmethod
    def urls(cls):
        patterns = [p for p in super().urls() if p.name != cls.url_name("add")]
        prefix = cls.url_prefix
        return [
            path(f"{prefix}add/", CampaignCreateView.as_view(viewset=cls),
                 name=cls.url_name("add")),
            path(f"{prefix}providers/", ProviderChoicesView.as_view(viewset=cls),
                 name="campaign_provider_choices"),
            path(f"{prefix}<int:pk>/providers/", CampaignAddProvidersView.as_view(viewset=cls),
                 name="campaign_add_providers"),
            path(f"{prefix}<int:pk>/close/", CampaignCloseView.as_view(viewset=cls),
                 name="campaign_close"),
            *patterns,
        ]


class CampaignCreateView(ViewSetMixin, View):
    action = "add"
    template_name = "diligence/campaign_form.html"

    def render_form(self, form):
        return render(self.request, self.template_name, {**self.page_context(), "form": form})

    def get(self, request):
        initial = {}
        provider = request.GET.get("provider", "")
        if provider.isdigit() and len(provider) <= 18:
            initial["providers"] = [provider]
        return self.render_form(CampaignCreateForm(initial=initial, user=request.user))

    def post(self, request):
        form = CampaignCreateForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create(
                    actor=request.user, name=data["name"], template=data["template"],
                    due_date=data["due_date"], message=data["message"],
                    remind_days_before=data["remind_days_before"],
                    provider_ids=[provider.pk for provider in data["providers"]],
                    base_url=base_url(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                count = len(data["providers"])
                messages.success(request, f"Sent “{campaign}” to {count} provider"
                                          f"{'s' if count != 1 else ''}.")
                return redirect(campaign.get_absolute_url())
        return self.render_form(form)


class ProviderChoicesView(ViewSetMixin, View):
    """The provider picker's options: the chosen providers, ticked, then the first matches."""

    action = "add"

    def get(self, request):
        field = request.GET.get("field", "providers")
        field = field if field.isidentifier() and len(field) <= 40 else "providers"
        chosen_ids = [pk for pk in request.GET.getlist(field)[:500]
                      if pk.isdigit() and len(pk) <= 18]
        providers = Provider.objects.restrict(request.user, "view")
        chosen = list(providers.filter(pk__in=chosen_ids).order_by("name"))
        text = request.GET.get("provider_search", request.GET.get("q", "")).strip()[:100]
        matches = providers.exclude(pk__in=chosen_ids)
        if text:
            matches = matches.filter(name__icontains=text)
        context = {"field": field, "chosen": chosen,
                   "matches": list(matches.order_by("name")[:CHOICES_LIMIT])}
        return render(request, "diligence/widgets/provider_picker_options.html", context)


class CampaignAddProvidersView(ViewSetMixin, View):
    action = "change"

    def post(self, request, pk):
        campaign = get_object_or_404(self.get_queryset(), pk=pk)
        form = AddProvidersForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, "Choose the providers to add.")
            return redirect(campaign.get_absolute_url())
        try:
            added = services.campaign_add_providers(
                campaign, actor=request.user, base_url=base_url(request),
                provider_ids=[provider.pk for provider in form.cleaned_data["providers"]])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"Sent to {len(added)} more provider"
                                      f"{'s' if len(added) != 1 else ''}.")
        return redirect(campaign.get_absolute_url())


class CampaignCloseView(ViewSetMixin, View):
    action = "change"

    def post(self, request, pk):
        campaign = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.campaign_close(campaign, actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, "Campaign closed: providers can no longer change their "
                                      "answers.")
        return redirect(campaign.get_absolute_url())


class ResponseViews(ObjectViewSet):
    model = QuestionnaireResponse
    url_prefix = "diligence/responses/"
    filterset_class = ResponseFilterSet
    table_class = ResponseTable
    pages = ("list", "history")

    @classmethod
    def base_queryset(cls):
        return QuestionnaireResponse.objects.select_related(
            "campaign", "campaign__template", "provider", "submitted_by", "reviewed_by")

    @classmethod
    def urls(cls):
        prefix = cls.url_prefix
        return [
            path(f"{prefix}<int:pk>/", ResponseReviewView.as_view(viewset=cls),
                 name=cls.url_name("detail")),
            path(f"{prefix}<int:pk>/review/", AnswerReviewView.as_view(viewset=cls),
                 name="questionnaireresponse_review"),
            path(f"{prefix}<int:pk>/return/", ResponseReturnView.as_view(viewset=cls),
                 name="questionnaireresponse_return"),
            path(f"{prefix}<int:pk>/accept/", ResponseAcceptView.as_view(viewset=cls),
                 name="questionnaireresponse_accept"),
            *super().urls(),
        ]


class ResponseReviewView(ViewSetMixin, View):
    """A response as the reviewer reads it: what cost points first, then every asked answer."""

    template_name = "diligence/response_detail.html"

    def context(self, response, return_form=None) -> dict:
        user = self.request.user
        sheet = answer_sheet(response, documents=Document.objects.restrict(user))
        by_code = {item.question.code: item for item in sheet.items}
        can_review = (user.can("change", QuestionnaireResponse)
                      and response.status == ResponseStatus.SUBMITTED)
        return {
            **self.page_context(),
            "object": response,
            "sheet": sheet,
            "costly": [(by_code[q.code], q) for q in sheet.score.costly if q.code in by_code],
            "can_review": can_review,
            "return_form": return_form or ReturnForm(),
            "history_url": reverse("diligence:questionnaireresponse_history",
                                   args=[response.pk]),
            "provisional": response.status not in (ResponseStatus.SUBMITTED,
                                                    ResponseStatus.ACCEPTED),
        }

    def get(self, request, pk):
        response = get_object_or_404(self.get_queryset(), pk=pk)
        return render(request, self.template_name, self.context(response))


class AnswerReviewView(ResponseReviewView):
    """Accept or challenge one answer; htmx swaps just that answer's card."""

    action = "change"

    def post(self, request, pk):
        response = get_object_or_404(self.get_queryset(), pk=pk)
        form = AnswerReviewForm(request.POST)
        error = None
        if not form.is_valid():
            error = "Choose to accept or to challenge an answer."
        else:
            answer = get_object_or_404(Answer.objects.filter(response=response)
                                       .select_related("response", "question"),
                                       pk=form.cleaned_data["answer"])
            try:
                services.answer_review(answer, actor=request.user,
                                       decision=form.cleaned_data["decision"],
                                       comment=form.cleaned_data["comment"])
            except ValidationError as invalid:
                error = _error_text(invalid)
        if request.htmx and form.is_valid():
            context = self.context(response)
            item = next((i for i in context["sheet"].items
                         if i.answer and i.answer.pk == form.cleaned_data["answer"]), None)
            if item is not None:
                return render(request, "diligence/inc/review_item.html",
                              {**context, "item": item, "review_error": error})
        if error:
            messages.error(request, error)
        return redirect(response.get_absolute_url())


class ResponseReturnView(ResponseReviewView):
    action = "change"

    def post(self, request, pk):
        response = get_object_or_404(self.get_queryset(), pk=pk)
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                services.response_return(response, actor=request.user,
                                         note=form.cleaned_data["note"],
                                         base_url=base_url(request))
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, f"Returned to {response.provider}; their contacts "
                                          "were e-mailed.")
                return redirect(response.get_absolute_url())
        else:
            messages.error(request, _error_text(ValidationError(form.errors["note"])))
        return redirect(response.get_absolute_url())


class ResponseAcceptView(ResponseReviewView):
    action = "change"

    def post(self, request, pk):
        response = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            response = services.response_accept(response, actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"Accepted; {response.provider}'s score is "
                                      f"{response.score if response.score is not None else '—'}%"
                                      " and its risk was rescored.")
        return redirect(response.get_absolute_url())


def provider_panels(request, provider) -> list[Panel]:
    """The provider page's "Questionnaires" panel: its responses, newest campaign first."""
    if not request.user.can("view", QuestionnaireResponse):
        return []
    responses = response_list(user=request.user).filter(provider=provider).order_by(
        "-campaign__created", "-pk")
    table = ResponseTable(list(responses[:10]), orderable=False, exclude=("provider",))
    return [Panel("Questionnaires", table,
                  f"{reverse('diligence:questionnaireresponse_list')}?provider={provider.pk}",
                  total=responses.count())]


urlpatterns = [
    *CampaignViews.urls(),
    *ResponseViews.urls(),
    *portal_urlpatterns,
]
