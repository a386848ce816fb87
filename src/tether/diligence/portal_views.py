"""The provider's side of questionnaires, in the portal: the list, and the answer page.

A contact sees their own provider's questionnaires only: any other id is 404. An internal user
previewing the portal sees the same pages, read-only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views import View

from tether.diligence import campaign_services as services
from tether.diligence.campaign_selectors import (
    OPEN_STATUSES,
    answer_sheet,
    portal_responses,
    questionnaire_of,
    response_progress,
)
from tether.diligence.choices import CampaignStatus, ResponseStatus
from tether.documents.forms import read_upload
from tether.documents.sharing import shared_documents
from tether.portal.access import PortalMixin

QUESTIONS_TEMPLATE = "diligence/portal_questions.html"


def is_editable(response) -> bool:
    return (response.status in OPEN_STATUSES
            and response.campaign.status == CampaignStatus.OPEN)


class PortalQuestionnaireListView(PortalMixin, View):
    def get(self, request):
        responses = list(portal_responses(self.viewer.provider)[:500])
        answered = response_progress(responses)
        for response in responses:
            response.answered = answered.get(response.pk, 0)
            response.closed = (response.status in OPEN_STATUSES
                               and response.campaign.status == CampaignStatus.CLOSED)
        context = self.portal_context(responses=responses,
                                      accepted=ResponseStatus.ACCEPTED)
        return render(request, "diligence/portal_list.html", context)


def posted_answers(questionnaire, data) -> tuple[dict, dict]:
    """The values (q<id>) and comments (c<id>) a form posted, by question id."""
    values, comments = {}, {}
    for question in questionnaire.questions:
        if f"q{question.pk}" in data:
            values[question.pk] = data[f"q{question.pk}"]
        if f"c{question.pk}" in data:
            comments[question.pk] = data[f"c{question.pk}"]
    return values, comments


class PortalResponseMixin(PortalMixin):
    def get_response(self, pk):
        return get_object_or_404(portal_responses(self.viewer.provider)
                                 .select_related("campaign__template"), pk=pk)

    def sheet_context(self, response, *, values=None, comments=None, errors=None) -> dict:
        sheet = answer_sheet(response, documents=shared_documents(self.viewer.provider.pk),
                             posted_values=values, posted_comments=comments, errors=errors)
        editable = is_editable(response)
        return self.portal_context(
            response=response, campaign=response.campaign, sheet=sheet, editable=editable,
            can_edit=editable and self.viewer.can_act,
            show_review=response.status == ResponseStatus.RETURNED,
            show_score=response.status == ResponseStatus.ACCEPTED,
        )


class PortalResponseView(PortalResponseMixin, View):
    """The answer page: save a draft, submit, see our challenges."""

    writes = True
    template_name = "diligence/portal_response.html"

    def get(self, request, pk):
        response = self.get_response(pk)
        return render(request, self.template_name, self.sheet_context(response))

    def post(self, request, pk):
        response = self.get_response(pk)
        questionnaire = questionnaire_of(response.campaign.template_id)
        values, comments = posted_answers(questionnaire, request.POST)
        try:
            response = services.answers_save(response, actor=request.user, values=values,
                                              comments=comments)
        except ValidationError as error:
            # Nothing was saved: the page shows what was typed, with the errors beside it.
            errors = error.message_dict if hasattr(error, "error_dict") else {}
            page_errors = (["Nothing was saved: put right the answers marked below."]
                           if errors else error.messages)
            context = self.sheet_context(response, values=values, comments=comments,
                                         errors=errors)
            return render(request, self.template_name, {**context, "page_errors": page_errors},
                          status=200)
        if request.POST.get("action") == "submit":
            try:
                services.response_submit(response, actor=request.user,
                                         base_url=request.build_absolute_uri("/").rstrip("/"))
            except ValidationError as error:
                context = self.sheet_context(response)
                page_errors = ["Your answers were saved, but the questionnaire cannot be "
                               "submitted yet:", *error.messages]
                return render(request, self.template_name,
                              {**context, "page_errors": page_errors})
            messages.success(request, "Submitted. Thank you: we will review your answers.")
        else:
            messages.success(request, "Draft saved.")
        return redirect("diligence:portal_response", pk=response.pk)


class PortalQuestionsView(PortalResponseMixin, View):
    """The questions alone, shown as the given answers decide (htmx, on a change).

    Nothing is saved here, so a preview may use it too.
    """

    def get(self, request, pk):
        response = self.get_response(pk)
        return render(request, QUESTIONS_TEMPLATE, self.sheet_context(response))

    def post(self, request, pk):
        response = self.get_response(pk)
        values, comments = posted_answers(questionnaire_of(response.campaign.template_id),
                                          request.POST)
        return render(request, QUESTIONS_TEMPLATE,
                      self.sheet_context(response, values=values, comments=comments))


class PortalEvidenceView(PortalResponseMixin, View):
    """Attach a file to one question's answer; htmx swaps that question's evidence block.

    Files go up one question at a time, apart from the answers: a questionnaire of hundreds
    of questions would otherwise post hundreds of (mostly empty) file fields with every save.
    """

    writes = True

    def post(self, request, pk):
        response = self.get_response(pk)
        question = questionnaire_of(response.campaign.template_id).question(
            request.POST.get("question", ""))
        upload = request.FILES.get("file")
        errors = []
        if question is None:
            errors = ["Choose the question the file answers."]
        elif upload is None:
            errors = [f"{question.code}: choose a file to attach."]
        else:
            try:
                services.answer_evidence_upload(
                    response, actor=request.user, question_id=question.pk,
                    upload_name=upload.name, data=read_upload(upload),
                    title=request.POST.get("title", ""))
            except ValidationError as error:
                errors = [f"{question.code}: “{upload.name[:80]}” was refused: {message}"
                          for message in error.messages]
        if request.htmx and question is not None:
            context = self.sheet_context(response)
            item = next((i for i in context["sheet"].items if i.question.pk == question.pk),
                        None)
            if item is not None:
                return render(request, "diligence/inc/portal_evidence.html",
                              {**context, "item": item, "evidence_errors": errors})
        if errors:
            messages.error(request, " ".join(errors))
        else:
            messages.success(request, f"File attached to {question.code}.")
        return redirect("diligence:portal_response", pk=response.pk)


urlpatterns = [
    path("portal/questionnaires/", PortalQuestionnaireListView.as_view(),
         name="portal_questionnaire_list"),
    path("portal/questionnaires/<int:pk>/", PortalResponseView.as_view(),
         name="portal_response"),
    path("portal/questionnaires/<int:pk>/questions/", PortalQuestionsView.as_view(),
         name="portal_response_questions"),
    path("portal/questionnaires/<int:pk>/evidence/", PortalEvidenceView.as_view(),
         name="portal_response_evidence"),
]
