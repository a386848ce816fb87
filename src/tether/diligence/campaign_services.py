"""Questionnaire campaigns: sending them, answering in the portal, reviewing and scoring.

Every write records its audit entries in the same transaction; e-mails leave after commit.
The provider's side (`answers_save`, `answer_evidence_upload`, `response_submit`) is for the
provider's own contacts only; the review (`answer_review`, `response_return`,
`response_accept`) is ours.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tether.core.audit import BulkChange, record_bulk, record_change, snapshot
from tether.core.models import AuditAction, User
from tether.core.roles import Role
from tether.core.services import object_update
from tether.core.signals import announce_provider_evidence
from tether.diligence.campaign_selectors import (
    Questionnaire,
    answer_ids_with_evidence,
    answers_of,
    given_answers,
    questionnaire_of,
)
from tether.diligence.choices import (
    EDITABLE_BY_PROVIDER,
    AnswerReview,
    CampaignStatus,
    QuestionType,
    ResponseStatus,
    TemplateStatus,
)
from tether.diligence.models import Answer, Campaign, Question, QuestionnaireResponse
from tether.diligence.scoring import (
    QuestionRule,
    asked_codes,
    is_answered,
    options_of,
    score_response,
)
from tether.documents.models import Document, DocumentKind
from tether.registry.models import Provider

TEXT_MAX = 20_000
COMMENT_MAX = 5_000
# Beyond this an answer is a typing accident, and JSON numbers lose precision anyway.
NUMBER_LIMIT = Decimal(10) ** 15
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# Digits and a decimal point: "1,5" and "1,500" are refused rather than guessed at.
NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


# --- e-mail -----------------------------------------------------------------------------------

def absolute_link(path: str, base_url: str = "") -> str:
    """A link for an e-mail: the request's own address when there is one, else the configured
    TETHER_BASE_URL (commands run without a request), else the bare path."""
    base = base_url or settings.TETHER_BASE_URL
    return f"{base.rstrip('/')}{path}"


def portal_link(response: QuestionnaireResponse, base_url: str = "") -> str:
    return absolute_link(reverse("diligence:portal_response", args=[response.pk]), base_url)


def contact_emails(provider_ids) -> dict[int, list[str]]:
    """The e-mail addresses of each provider's active contacts (one query)."""
    found: dict[int, list[str]] = {}
    contacts = (User.objects.filter(provider_id__in=list(provider_ids),
                                    role=Role.PROVIDER_CONTACT, is_active=True)
                .exclude(email="").order_by("email").values_list("provider_id", "email"))
    for provider_id, email in contacts:
        found.setdefault(provider_id, []).append(email)
    return found


def _send_after_commit(messages: list[tuple]) -> None:
    messages = [message for message in messages if message[3]]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))


def _campaign_messages(campaign: Campaign, responses, base_url: str) -> list[tuple]:
    emails = contact_emails(r.provider_id for r in responses)
    messages = []
    for response in responses:
        body = render_to_string("diligence/email/campaign_sent.txt", {
            "campaign": campaign, "response": response, "provider": response.provider,
            "link": portal_link(response, base_url)})
        messages.append((f"Questionnaire to answer by {campaign.due_date:%d %b %Y}: "
                         f"{campaign.name}", body, settings.DEFAULT_FROM_EMAIL,
                         emails.get(response.provider_id, [])))
    return messages


def reviewer_emails(response: QuestionnaireResponse) -> list[str]:
    """Who reviews a response: the campaign's creator and whoever returned it; failing that,
    the vendor managers."""
    people = [user for user in (response.campaign.created_by, response.reviewed_by) if user]
    people = [user for user in people if user.is_active and user.is_internal and user.email]
    if not people:
        people = list(User.objects.filter(role=Role.VENDOR_MANAGER, is_active=True)
                      .exclude(email=""))
    return sorted({user.email for user in people})


# --- campaigns --------------------------------------------------------------------------------

def _providers(actor, provider_ids) -> list[Provider]:
    ids = set()
    for pk in provider_ids or []:
        if isinstance(pk, bool) or not str(pk).isdigit() or len(str(pk)) > 18:
            raise ValidationError({"providers": f"“{str(pk)[:40]}” is not a provider id."})
        ids.add(int(pk))
    if not ids:
        raise ValidationError({"providers": "Choose at least one provider."})
    providers = list(Provider.objects.restrict(actor, "view").filter(pk__in=ids)
                     .order_by("name", "pk"))
    missing = ids - {provider.pk for provider in providers}
    if missing:
        shown = ", ".join(str(pk) for pk in sorted(missing)[:10])
        raise ValidationError({"providers": f"No provider with id {shown}."})
    return providers


def _responses_create(campaign: Campaign, providers: list[Provider], *, actor,
                      source: str) -> list[QuestionnaireResponse]:
    responses = QuestionnaireResponse.objects.bulk_create([
        QuestionnaireResponse(campaign=campaign, provider=provider) for provider in providers
    ])
    record_bulk(actor=actor, model=QuestionnaireResponse, source=source, changes=[
        BulkChange(response.pk, str(response), AuditAction.CREATE, None, snapshot(response))
        for response in responses
    ])
    return responses


def campaign_create(*, actor, name: str, template, due_date: date, message: str = "",
                    remind_days_before: int = 7, provider_ids, source: str = "web",
                    base_url: str = "") -> Campaign:
    """Send a published questionnaire to providers: one response each, their contacts e-mailed."""
    if template.status != TemplateStatus.PUBLISHED:
        raise ValidationError({"template": "Only a published questionnaire can be sent; "
                                           "publish this one first."})
    if not Question.objects.filter(section__template=template).exists():
        raise ValidationError({"template": "This questionnaire has no questions."})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date has already passed."})
    providers = _providers(actor, provider_ids)
    campaign = Campaign(name=(name or "").strip(), template=template, due_date=due_date,
                        message=(message or "").strip(), remind_days_before=remind_days_before,
                        created_by=actor)
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
        record_change(actor=actor, instance=campaign, action=AuditAction.CREATE, before=None,
                      source=source)
        responses = _responses_create(campaign, providers, actor=actor, source=source)
        _send_after_commit(_campaign_messages(campaign, responses, base_url))
    return campaign


def campaign_update(campaign: Campaign, *, actor, data: dict, source: str = "web") -> Campaign:
    """Change what a campaign says (name, due date, message, reminders); not what it sends."""
    allowed = {"name", "due_date", "message", "remind_days_before"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(f"A campaign's {', '.join(sorted(unknown))} cannot be changed.")
    return object_update(campaign, actor=actor, data=data, source=source)


def campaign_add_providers(campaign: Campaign, *, actor, provider_ids, source: str = "web",
                           base_url: str = "") -> list[QuestionnaireResponse]:
    """Send an open campaign to more providers; those already in it are left as they are."""
    providers = _providers(actor, provider_ids)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.OPEN:
            raise ValidationError("This campaign is closed; start a new one.")
        already = set(campaign.responses.values_list("provider_id", flat=True))
        new = [provider for provider in providers if provider.pk not in already]
        if not new:
            raise ValidationError({"providers": "These providers are already in the campaign."})
        responses = _responses_create(campaign, new, actor=actor, source=source)
        _send_after_commit(_campaign_messages(campaign, responses, base_url))
    return responses


def campaign_close(campaign: Campaign, *, actor, source: str = "web") -> Campaign:
    """Close a campaign: providers can no longer change their answers; reviews go on."""
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError("This campaign is already closed.")
    return object_update(campaign, actor=actor, data={"status": CampaignStatus.CLOSED},
                         source=source)


# --- answers (the provider's side) -----------------------------------------------------------

def _check_contact(response: QuestionnaireResponse, actor) -> None:
    if actor is None or actor.is_internal or actor.provider_id != response.provider_id:
        raise PermissionDenied("Only the provider's own contacts answer its questionnaires.")


def _locked_editable(response: QuestionnaireResponse) -> QuestionnaireResponse:
    """The response row, locked against a concurrent save or submit, if still the provider's."""
    locked = (QuestionnaireResponse.objects.select_for_update()
              .select_related("campaign", "provider").get(pk=response.pk))
    if locked.campaign.status != CampaignStatus.OPEN:
        raise ValidationError("This campaign is closed: answers can no longer be changed.")
    if locked.status not in EDITABLE_BY_PROVIDER:
        raise ValidationError(f"This questionnaire is {locked.get_status_display().lower()}: "
                              "it can be changed only once we return it to you.")
    return locked


def _clean_text(raw, limit: int, what: str = "The answer") -> str:
    if not isinstance(raw, str):
        raise ValidationError(f"{what} must be text.")
    if "\x00" in raw:
        raise ValidationError("The text contains a NUL character; remove it.")
    if len(raw) > limit:
        raise ValidationError(f"At most {limit:,} characters, please; this is {len(raw):,}.")
    return raw.strip()


def clean_value(question: Question, raw):
    """The answer to store for a question, from what was typed or sent; ValidationError says
    what is wrong in words the provider understands. None clears the answer."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = question.question_type
    if kind == QuestionType.FILE:
        raise ValidationError("Attach a file to answer this question.")
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        expected = "a number" if kind == QuestionType.NUMBER else "text"
        raise ValidationError(f"The answer must be {expected}.")
    if kind in (QuestionType.YES_NO, QuestionType.CHOICE):
        options = options_of_question(question)
        if isinstance(raw, str):
            for option in options:
                if str(option.get("value", "")).strip().casefold() == raw.strip().casefold():
                    return option.get("value")
        labels = ", ".join(f"“{option.get('label') or option.get('value')}”"
                           for option in options)
        raise ValidationError(f"Choose one of {labels}.")
    if kind == QuestionType.NUMBER:
        text = raw.strip() if isinstance(raw, str) else str(raw)
        try:
            if isinstance(raw, str) and not NUMBER.fullmatch(text):
                raise ValueError
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise ValidationError("Enter a number, such as 12 or 12.5.") from None
        if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
            raise ValidationError("Enter a number, such as 12 or 12.5.")
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == QuestionType.DATE:
        text = raw.strip() if isinstance(raw, str) else ""
        try:
            if not ISO_DATE.fullmatch(text):
                raise ValueError
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError("Enter a date as YYYY-MM-DD.") from None
    return _clean_text(raw, TEXT_MAX) or None


def options_of_question(question: Question) -> list[dict]:
    return options_of(QuestionRule.of(question, {}))


def clean_comment(raw) -> str:
    if raw is None:
        return ""
    return _clean_text(raw, COMMENT_MAX, "The comment")


def _cleaned(questionnaire: Questionnaire, values: dict, comments: dict):
    """Each value and comment checked; errors by question id, naming the question."""
    cleaned_values, cleaned_comments, errors = {}, {}, {}
    for entries, clean, target in (
            (values, clean_value, cleaned_values),
            (comments, lambda _question, raw: clean_comment(raw), cleaned_comments)):
        for key, raw in entries.items():
            question = questionnaire.question(key)
            if question is None:
                errors.setdefault(str(key)[:40], []).append(
                    f"Question “{str(key)[:40]}” is not part of this questionnaire.")
                continue
            try:
                target[question.pk] = clean(question, raw)
            except ValidationError as error:
                errors.setdefault(str(question.pk), []).extend(
                    f"{question.code} {message}" for message in error.messages)
    return cleaned_values, cleaned_comments, errors


def answers_save(response: QuestionnaireResponse, *, actor, values: dict,
                 comments: dict | None = None, source: str = "portal") -> QuestionnaireResponse:
    """Save a provider's draft answers (by question id); all or nothing, each value checked
    against its question's type. A changed answer goes back to "not reviewed"."""
    _check_contact(response, actor)
    questionnaire = questionnaire_of(response.campaign.template_id)
    cleaned_values, cleaned_comments, errors = _cleaned(questionnaire, values, comments or {})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        response = _locked_editable(response)
        existing = answers_of(response)
        now = timezone.now()
        created, updated, changes = [], [], []
        for question_id in sorted(set(cleaned_values) | set(cleaned_comments)):
            question = questionnaire.by_id[question_id]
            answer = existing.get(question_id)
            value = cleaned_values.get(question_id, answer.value if answer else None)
            comment = cleaned_comments.get(question_id, answer.comment if answer else "")
            if answer is None:
                if value is None and not comment:
                    continue
                created.append(Answer(response=response, question=question, value=value,
                                      comment=comment))
                continue
            if answer.value == value and answer.comment == comment:
                continue
            answer.question = question
            before = snapshot(answer)
            answer.value, answer.comment = value, comment
            answer.review, answer.last_updated = AnswerReview.PENDING, now
            updated.append(answer)
            changes.append(BulkChange(answer.pk, str(answer), AuditAction.UPDATE, before,
                                      snapshot(answer)))
        Answer.objects.bulk_create(created)
        Answer.objects.bulk_update(updated, ["value", "comment", "review", "last_updated"])
        changes += [BulkChange(answer.pk, str(answer), AuditAction.CREATE, None, snapshot(answer))
                    for answer in created]
        record_bulk(actor=actor, model=Answer, changes=changes, source=source)
        if response.status == ResponseStatus.NOT_STARTED and (created or updated):
            response = object_update(response, actor=actor, source=source,
                                     data={"status": ResponseStatus.DRAFT})
    return response


def answer_evidence_upload(response: QuestionnaireResponse, *, actor, question_id,
                           upload_name: str, data: bytes, title: str = "",
                           source: str = "portal") -> Document:
    """Attach a file to the answer of one question (the file is the answer of a file question)."""
    from tether.documents.services import document_upload

    _check_contact(response, actor)
    questionnaire = questionnaire_of(response.campaign.template_id)
    question = questionnaire.question(question_id)
    if question is None:
        raise ValidationError({"question": "This question is not part of the questionnaire."})
    title = _clean_text(title or "", 250, "The title") or f"{question.code} evidence"
    with transaction.atomic():
        response = _locked_editable(response)
        answer = Answer.objects.filter(response=response, question=question).first()
        before = None
        if answer is None:
            answer = Answer.objects.create(response=response, question=question)
            record_change(actor=actor, instance=answer, action=AuditAction.CREATE, before=None,
                          source=source)
        else:
            answer.question = question
            before = snapshot(answer)
        answer.response = response  # the provider, for the document, without a query
        document = document_upload(actor=actor, attached_to=answer, upload_name=upload_name,
                                   data=data, source=source,
                                   metadata={"title": title, "kind": DocumentKind.EVIDENCE})
        fields = {"review": AnswerReview.PENDING}  # new evidence is reviewed afresh
        if question.question_type == QuestionType.FILE and not is_answered(answer.value):
            fields["value"] = document.file_name
        if any(getattr(answer, name) != value for name, value in fields.items()):
            before = before or snapshot(answer)
            for name, value in fields.items():
                setattr(answer, name, value)
            answer.save(update_fields=[*fields, "last_updated"])
            record_change(actor=actor, instance=answer, action=AuditAction.UPDATE,
                          before=before, source=source)
        if response.status == ResponseStatus.NOT_STARTED:
            object_update(response, actor=actor, source=source,
                          data={"status": ResponseStatus.DRAFT})
    return document


def submission_problems(questionnaire: Questionnaire, answers: dict[int, Answer],
                        with_evidence: set[int]) -> list[str]:
    """What stops a response being submitted, one message per question, in template order."""
    given = given_answers(questionnaire, answers, with_evidence)
    asked = asked_codes(questionnaire.rules, given)
    problems = []
    for question in questionnaire.questions:
        if question.code not in asked:
            continue
        answer = given.get(question.code)
        answered = answer is not None and is_answered(answer.value)
        label = f"{question.code} “{_short(question.text)}”"
        if question.required and not answered:
            problems.append(f"{label}: answer this question.")
        elif question.evidence_required and answered and not answer.has_evidence:
            hint = f" ({question.evidence_hint})" if question.evidence_hint else ""
            problems.append(f"{label}: attach the evidence asked for{hint}.")
    return problems


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else f"{text[:length - 1]}…"


def _score_and_store(response: QuestionnaireResponse, *, actor, source: str,
                     questionnaire: Questionnaire, answers: dict[int, Answer],
                     with_evidence: set[int], data: dict) -> QuestionnaireResponse:
    """Score the answers, store each answer's points and the response's, with `data`."""
    score = score_response(questionnaire.rules,
                           given_answers(questionnaire, answers, with_evidence))
    by_code = {question_score.code: question_score for question_score in score.questions}
    now = timezone.now()
    updated, changes = [], []
    for answer in answers.values():
        question = questionnaire.by_id.get(answer.question_id)
        if question is None:
            continue
        answer.question = question
        question_score = by_code[question.code]
        # A hidden question's stale answer earns and costs nothing.
        points = question_score.points if question_score.asked else None
        max_points = question_score.max_points if question_score.asked else None
        if (answer.points, answer.max_points) == (points, max_points):
            continue
        before = snapshot(answer)
        answer.points, answer.max_points, answer.last_updated = points, max_points, now
        updated.append(answer)
        changes.append(BulkChange(answer.pk, str(answer), AuditAction.UPDATE, before,
                                  snapshot(answer)))
    Answer.objects.bulk_update(updated, ["points", "max_points", "last_updated"])
    record_bulk(actor=actor, model=Answer, changes=changes, source=source)
    return object_update(response, actor=actor, source=source, data={
        **data, "points": score.points, "max_points": score.max_points, "score": score.percent,
    })


def response_submit(response: QuestionnaireResponse, *, actor, source: str = "portal",
                    base_url: str = "") -> QuestionnaireResponse:
    """Hand the answers in for review: every asked required question answered, the evidence
    asked for attached. The score is computed now and stored with each answer's points."""
    _check_contact(response, actor)
    with transaction.atomic():
        response = _locked_editable(response)
        questionnaire = questionnaire_of(response.campaign.template_id)
        answers = answers_of(response)
        with_evidence = answer_ids_with_evidence([answer.pk for answer in answers.values()])
        problems = submission_problems(questionnaire, answers, with_evidence)
        if problems:
            raise ValidationError(problems)
        response = _score_and_store(
            response, actor=actor, source=source, questionnaire=questionnaire,
            answers=answers, with_evidence=with_evidence,
            data={"status": ResponseStatus.SUBMITTED, "submitted_at": timezone.now(),
                  "submitted_by": actor})
        body = render_to_string("diligence/email/response_submitted.txt", {
            "response": response, "submitted_by": actor,
            "link": absolute_link(response.get_absolute_url(), base_url)})
        _send_after_commit([(f"Questionnaire submitted: {response.provider.name}, "
                             f"{response.campaign.name}", body, settings.DEFAULT_FROM_EMAIL,
                             reviewer_emails(response))])
    return response


# --- review (our side) --------------------------------------------------------------------------

def _check_under_review(response: QuestionnaireResponse) -> None:
    if response.status != ResponseStatus.SUBMITTED:
        raise ValidationError(f"This response is {response.get_status_display().lower()}: "
                              "only a submitted response is reviewed.")


def answer_review(answer: Answer, *, actor, decision: str, comment: str = "",
                  source: str = "web") -> Answer:
    """Accept or challenge one answer of a submitted response; a challenge says what is wrong."""
    _check_under_review(answer.response)
    if decision not in (AnswerReview.ACCEPTED, AnswerReview.CHALLENGED):
        raise ValidationError({"decision": "Choose to accept or to challenge the answer."})
    comment = _clean_text(comment or "", COMMENT_MAX, "The comment")
    if decision == AnswerReview.CHALLENGED and not comment:
        raise ValidationError({"comment": "Say what is wrong, so the provider can put it right."})
    return object_update(answer, actor=actor, source=source,
                         data={"review": decision, "review_comment": comment})


def response_return(response: QuestionnaireResponse, *, actor, note: str = "",
                    source: str = "web", base_url: str = "") -> QuestionnaireResponse:
    """Send a submitted response back to the provider to fix its challenged answers."""
    note = _clean_text(note or "", COMMENT_MAX, "The note")
    with transaction.atomic():
        response = QuestionnaireResponse.objects.select_for_update().select_related(
            "campaign", "provider").get(pk=response.pk)
        _check_under_review(response)
        challenged = response.answers.filter(review=AnswerReview.CHALLENGED).count()
        if not challenged and not note:
            raise ValidationError("Challenge at least one answer, or write a note saying what "
                                  "to put right.")
        response = object_update(response, actor=actor, source=source, data={
            "status": ResponseStatus.RETURNED, "review_note": note, "reviewed_by": actor,
            "reviewed_at": timezone.now()})
        body = render_to_string("diligence/email/response_returned.txt", {
            "response": response, "challenged": challenged,
            "link": portal_link(response, base_url)})
        _send_after_commit([(f"Questionnaire returned to you: {response.campaign.name}", body,
                             settings.DEFAULT_FROM_EMAIL,
                             contact_emails([response.provider_id]).get(response.provider_id,
                                                                        []))])
    return response


def response_accept(response: QuestionnaireResponse, *, actor,
                    source: str = "web") -> QuestionnaireResponse:
    """Accept a submitted response: answers not challenged are accepted, the score is final,
    and the provider's risk is rescored."""
    with transaction.atomic():
        response = QuestionnaireResponse.objects.select_for_update().select_related(
            "campaign", "provider").get(pk=response.pk)
        _check_under_review(response)
        questionnaire = questionnaire_of(response.campaign.template_id)
        answers = answers_of(response)
        challenged = [questionnaire.by_id[a.question_id].code for a in answers.values()
                      if a.review == AnswerReview.CHALLENGED and a.question_id in
                      questionnaire.by_id]
        if challenged:
            raise ValidationError(
                f"{len(challenged)} answer(s) are challenged ({', '.join(challenged[:10])}): "
                "return the response so the provider can put them right, or accept them.")
        pending = [a for a in answers.values() if a.review == AnswerReview.PENDING]
        changes = []
        for answer in pending:
            answer.question = questionnaire.by_id.get(answer.question_id, answer.question)
            before = snapshot(answer)
            answer.review = AnswerReview.ACCEPTED
            changes.append(BulkChange(answer.pk, str(answer), AuditAction.UPDATE, before,
                                      snapshot(answer)))
        Answer.objects.filter(pk__in=[a.pk for a in pending]).update(
            review=AnswerReview.ACCEPTED, last_updated=timezone.now())
        record_bulk(actor=actor, model=Answer, changes=changes, source=source)
        with_evidence = answer_ids_with_evidence([answer.pk for answer in answers.values()])
        response = _score_and_store(
            response, actor=actor, source=source, questionnaire=questionnaire,
            answers=answers, with_evidence=with_evidence,
            data={"status": ResponseStatus.ACCEPTED, "reviewed_by": actor,
                  "reviewed_at": timezone.now()})
        announce_provider_evidence([response.provider_id], "questionnaire")
    return response
