"""Campaign services: sending, answering, submitting, reviewing, scoring, reminding."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.diligence.answering import attach, complete, ids
from tests.diligence.factories import CampaignFactory, QuestionFactory, TemplateFactory
from tests.factories import ProviderFactory
from tether.core.models import AuditEntry
from tether.diligence import campaign_services as services
from tether.diligence.choices import AnswerReview, CampaignStatus, ResponseStatus, TemplateStatus
from tether.diligence.models import Answer, Campaign, QuestionnaireResponse
from tether.diligence.reminders import send_questionnaire_reminders
from tether.documents.models import Document
from tether.risk.models import ProviderScore

pytestmark = pytest.mark.django_db


def submitted(response, people, questions):
    complete(response, people["contact_a"], questions)
    return services.response_submit(response, actor=people["contact_a"])


# --- sending ----------------------------------------------------------------------------------

def test_a_campaign_makes_one_response_per_provider_and_emails_their_active_contacts(
        campaign, provider_a, provider_b):
    assert set(campaign.responses.values_list("provider", "status")) == {
        (provider_a.pk, ResponseStatus.NOT_STARTED), (provider_b.pk, ResponseStatus.NOT_STARTED)}
    by_recipients = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipients) == {("kim@alpha.example", "lou@alpha.example"),
                                  ("bo@beta.example",)}
    alpha = by_recipients[("kim@alpha.example", "lou@alpha.example")]
    response_a = campaign.responses.get(provider=provider_a)
    assert f"/portal/questionnaires/{response_a.pk}/" in alpha.body
    assert "Please answer by the end of the month." in alpha.body
    assert "Annual security review" in alpha.subject


def test_sending_a_campaign_is_audited_with_each_response(campaign):
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Campaign), object_id=str(campaign.pk),
        action="create").exists()
    response_entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(QuestionnaireResponse))
    assert sorted(int(e.object_id) for e in response_entries) == sorted(
        campaign.responses.values_list("pk", flat=True))


@pytest.mark.parametrize("change, field", [
    ({"template": "draft"}, "template"),
    ({"template": "empty"}, "template"),
    ({"due_date": "yesterday"}, "due_date"),
    ({"provider_ids": []}, "providers"),
    ({"provider_ids": [999_999]}, "providers"),
    ({"provider_ids": ["1; DROP TABLE"]}, "providers"),
    ({"name": "  "}, "name"),
])
def test_a_campaign_that_cannot_be_sent_says_why_and_sends_nothing(people, questions,
                                                                   provider_a, change, field):
    data = {"name": "Review", "template": questions["GOV-1"].section.template,
            "due_date": timezone.localdate() + timedelta(days=5), "provider_ids": [provider_a.pk]}
    data.update(change)
    if data["template"] == "draft":
        data["template"] = TemplateFactory(status=TemplateStatus.DRAFT)
    elif data["template"] == "empty":
        data["template"] = TemplateFactory()
    if data["due_date"] == "yesterday":
        data["due_date"] = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        services.campaign_create(actor=people["manager"], **data)
    assert field in raised.value.message_dict
    assert not Campaign.objects.exists() and not QuestionnaireResponse.objects.exists()
    assert mail.outbox == []


def test_adding_providers_sends_to_the_new_ones_only(campaign, people, provider_a,
                                                     django_capture_on_commit_callbacks):
    gamma = ProviderFactory(name="Gamma")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        added = services.campaign_add_providers(campaign, actor=people["manager"],
                                                provider_ids=[provider_a.pk, gamma.pk])
    assert [response.provider for response in added] == [gamma]
    assert campaign.responses.count() == 3
    assert mail.outbox == []  # Gamma has no contacts; Alpha was not e-mailed again
    with pytest.raises(ValidationError, match="already in the campaign"):
        services.campaign_add_providers(campaign, actor=people["manager"],
                                        provider_ids=[gamma.pk])


def test_a_closed_campaign_takes_no_more_providers_nor_answers(campaign, people, questions,
                                                               response_a):
    services.campaign_close(campaign, actor=people["manager"])
    assert Campaign.objects.get().status == CampaignStatus.CLOSED
    with pytest.raises(ValidationError, match="closed"):
        services.campaign_add_providers(campaign, actor=people["manager"],
                                        provider_ids=[ProviderFactory().pk])
    with pytest.raises(ValidationError, match="closed"):
        services.answers_save(response_a, actor=people["contact_a"],
                              values=ids(questions, GOV_1="yes"))
    with pytest.raises(ValidationError, match="already closed"):
        services.campaign_close(campaign, actor=people["manager"])


# --- answering ----------------------------------------------------------------------------------

def test_a_draft_is_saved_stored_canonically_and_audited(response_a, people, questions):
    services.answers_save(response_a, actor=people["contact_a"],
                          values=ids(questions, GOV_1=" YES ", GOV_2="Mostly", RES_1="yes",
                                     RES_2=" Acme Hosting ", RES_3="7", RES_4="2025-03-31"),
                          comments={questions["GOV-2"].pk: "Except weekends."})
    stored = {a.question.code: a.value for a in Answer.objects.select_related("question")}
    assert stored == {"GOV-1": "yes", "GOV-2": "mostly", "RES-1": "yes",
                      "RES-2": "Acme Hosting", "RES-3": 7, "RES-4": "2025-03-31"}
    assert Answer.objects.get(question=questions["GOV-2"]).comment == "Except weekends."
    assert QuestionnaireResponse.objects.get(pk=response_a.pk).status == ResponseStatus.DRAFT
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Answer), source="portal").count() == 6


def test_numbers_keep_their_decimals_and_an_empty_value_clears_an_answer(response_a, people,
                                                                         questions):
    contact = people["contact_a"]
    services.answers_save(response_a, actor=contact, values=ids(questions, RES_3="2.5"))
    assert Answer.objects.get().value == 2.5
    services.answers_save(response_a, actor=contact, values=ids(questions, RES_3=""))
    assert Answer.objects.get().value is None


@pytest.mark.parametrize("code, value, message", [
    ("GOV-1", "maybe", "Choose one of “Yes”, “No”."),
    ("GOV-1", True, "The answer must be text."),
    ("GOV-2", "sometimes", "Choose one of “Always”, “Mostly”, “Never”."),
    ("RES-3", "seven", "Enter a number, such as 12 or 12.5."),
    ("RES-3", "1e400", "Enter a number, such as 12 or 12.5."),
    ("RES-3", "NaN", "Enter a number, such as 12 or 12.5."),
    ("RES-3", "1,5", "Enter a number, such as 12 or 12.5."),
    ("RES-3", "١٢", "Enter a number, such as 12 or 12.5."),
    ("RES-3", float("inf"), "Enter a number, such as 12 or 12.5."),
    ("RES-3", [3], "The answer must be a number."),
    ("RES-4", "31/03/2025", "Enter a date as YYYY-MM-DD."),
    ("RES-4", "2025-02-30", "Enter a date as YYYY-MM-DD."),
    ("RES-2", {"text": "x"}, "The answer must be text."),
    ("RES-2", 42, "The answer must be text."),
    ("RES-2", "x" * 20_001, "At most 20,000 characters, please; this is 20,001."),
    ("RES-2", "nul\x00byte", "The text contains a NUL character; remove it."),
])
def test_a_wrong_value_is_refused_by_question_and_nothing_is_saved(response_a, people,
                                                                   questions, code, value,
                                                                   message):
    values = {**ids(questions, GOV_2="always"), questions[code].pk: value}
    with pytest.raises(ValidationError) as raised:
        services.answers_save(response_a, actor=people["contact_a"], values=values)
    assert raised.value.message_dict == {str(questions[code].pk): [f"{code} {message}"]}
    assert not Answer.objects.exists()


def test_unknown_questions_are_refused_by_name(response_a, people, questions):
    other = security_question_of_another_template()
    values = {999_999: "yes", "abc": "yes", other.pk: "yes", **ids(questions, GOV_1="yes")}
    with pytest.raises(ValidationError) as raised:
        services.answers_save(response_a, actor=people["contact_a"], values=values)
    assert set(raised.value.message_dict) == {"999999", "abc", str(other.pk)}
    assert "is not part of this questionnaire" in raised.value.message_dict["abc"][0]
    assert not Answer.objects.exists()


def security_question_of_another_template():
    return QuestionFactory()


def test_only_the_providers_own_contacts_answer(response_a, people, questions):
    for who in ("contact_b", "manager"):
        with pytest.raises(PermissionDenied):
            services.answers_save(response_a, actor=people[who],
                                  values=ids(questions, GOV_1="yes"))
        with pytest.raises(PermissionDenied):
            services.response_submit(response_a, actor=people[who])
        with pytest.raises(PermissionDenied):
            attach(response_a, people[who], questions["GOV-1"])
    assert not Answer.objects.exists() and not Document.objects.exists()


def test_evidence_is_a_document_of_the_provider_attached_to_the_answer(response_a, people,
                                                                       questions, provider_a):
    document = attach(response_a, people["contact_a"], questions["GOV-1"])
    answer = Answer.objects.get()
    assert document.attached_to == answer
    assert document.provider == provider_a and document.uploaded_by_provider
    assert document.shared_with_provider and document.kind == "evidence"
    assert document.title == "GOV-1 evidence"
    assert answer.value is None  # evidence is not the answer itself


def test_a_file_question_is_answered_by_its_file(response_a, people):
    template = response_a.campaign.template
    question = QuestionFactory(section=template.sections.first(), code="GOV-9",
                               question_type="file")
    attach(response_a, people["contact_a"], question, name="soc2-report.pdf")
    assert Answer.objects.get(question=question).value == "soc2-report.pdf"
    with pytest.raises(ValidationError, match="Attach a file"):
        services.answers_save(response_a, actor=people["contact_a"],
                              values={question.pk: "see attached"})


# --- submitting ---------------------------------------------------------------------------------

def test_submitting_names_every_missing_answer_and_evidence(response_a, people, questions):
    services.answers_save(response_a, actor=people["contact_a"],
                          values=ids(questions, GOV_1="yes", RES_1="yes"))
    with pytest.raises(ValidationError) as raised:
        services.response_submit(response_a, actor=people["contact_a"])
    assert raised.value.messages == [
        "GOV-1 “Are you ISO 27001 certified?”: attach the evidence asked for (the "
        "certificate).",
        "GOV-2 “Do you patch critical flaws within 14 days?”: answer this question.",
        "RES-2 “Which subcontractors?”: answer this question.",
        "RES-3 “How many subcontractors?”: answer this question.",
    ]
    assert QuestionnaireResponse.objects.get(pk=response_a.pk).status == ResponseStatus.DRAFT


def test_a_submitted_response_is_scored_with_each_answers_points(response_a, people, questions,
                                                                 django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = submitted(response_a, people, questions)
    # GOV-1 yes with evidence 2/2, GOV-2 mostly 2/4, RES-1 no 0/1, RES-4 unanswered 0/1;
    # RES-2 and RES-3 are not asked: 4 of 8 points.
    assert response.status == ResponseStatus.SUBMITTED
    assert (response.points, response.max_points, response.score) == (D("4.00"), D("8.00"),
                                                                       D("50.00"))
    assert response.submitted_by == people["contact_a"] and response.submitted_at
    points = {a.question.code: (a.points, a.max_points)
              for a in Answer.objects.select_related("question")}
    assert points == {"GOV-1": (D("2.00"), D("2.00")), "GOV-2": (D("2.00"), D("4.00")),
                      "RES-1": (D("0.00"), D("1.00"))}
    (notice,) = mail.outbox
    assert notice.to == ["vm@tether.example"]
    assert f"/diligence/responses/{response.pk}/" in notice.body
    with pytest.raises(ValidationError, match="submitted"):
        services.answers_save(response, actor=people["contact_a"],
                              values=ids(questions, GOV_2="always"))


def test_an_answer_hidden_by_a_later_change_is_ignored_in_scoring(response_a, people,
                                                                  questions):
    contact = people["contact_a"]
    services.answers_save(response_a, actor=contact,
                          values=ids(questions, RES_1="yes", RES_2="Acme", RES_3="12"))
    complete(response_a, contact, questions, RES_1="no")  # hides RES-2 and RES-3
    response = services.response_submit(response_a, actor=contact)
    assert (response.points, response.max_points) == (D("4.00"), D("8.00"))
    stale = Answer.objects.filter(question__code__in=["RES-2", "RES-3"])
    assert stale.count() == 2 and all(a.points is None and a.max_points is None for a in stale)


def test_missing_evidence_on_an_optional_question_halves_its_points(response_a, people,
                                                                    questions):
    question = questions["RES-4"]
    question.evidence_required = True
    question.required = False
    question.save()
    complete(response_a, people["contact_a"], questions)
    with pytest.raises(ValidationError, match="RES-4"):
        services.answers_save(response_a, actor=people["contact_a"],
                              values=ids(questions, RES_4="2025-13-01"))
    response = services.response_submit(response_a, actor=people["contact_a"])
    assert response.score == D("50.00")  # RES-4 unanswered: no evidence needed


# --- reviewing ----------------------------------------------------------------------------------

def test_answers_are_reviewed_only_once_submitted(response_a, people, questions):
    complete(response_a, people["contact_a"], questions)
    answer = Answer.objects.get(question=questions["GOV-2"])
    with pytest.raises(ValidationError, match="only a submitted response is reviewed"):
        services.answer_review(answer, actor=people["manager"], decision="accepted")
    with pytest.raises(ValidationError, match="only a submitted response"):
        services.response_accept(response_a, actor=people["manager"])


def test_a_challenge_needs_a_comment_and_a_return_needs_a_challenge_or_a_note(
        response_a, people, questions):
    response = submitted(response_a, people, questions)
    answer = Answer.objects.get(question=questions["GOV-2"])
    with pytest.raises(ValidationError) as raised:
        services.answer_review(answer, actor=people["manager"], decision="challenged")
    assert "comment" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.answer_review(answer, actor=people["manager"], decision="maybe")
    assert "decision" in raised.value.message_dict
    with pytest.raises(ValidationError, match="Challenge at least one answer"):
        services.response_return(response, actor=people["manager"])
    returned = services.response_return(response, actor=people["manager"],
                                        note="Please send the full certificate.")
    assert returned.status == ResponseStatus.RETURNED


def test_a_challenged_answer_goes_back_fixed_and_the_response_is_accepted_and_rescored(
        response_a, people, questions, provider_a, django_capture_on_commit_callbacks):
    manager, contact = people["manager"], people["contact_a"]
    response = submitted(response_a, people, questions)
    gov2 = Answer.objects.get(question=questions["GOV-2"])
    services.answer_review(gov2, actor=manager, decision="challenged",
                           comment="Your policy says 30 days.")
    with pytest.raises(ValidationError, match="challenged"):
        services.response_accept(response, actor=manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.response_return(response, actor=manager)
    assert mail.outbox[0].to == ["kim@alpha.example", "lou@alpha.example"]
    assert "1 answer needs another look" in mail.outbox[0].body

    services.answers_save(response, actor=contact, values=ids(questions, GOV_2="never"))
    gov2.refresh_from_db()
    assert (gov2.review, gov2.review_comment) == (AnswerReview.PENDING,
                                                  "Your policy says 30 days.")
    services.response_submit(response, actor=contact)
    assert not ProviderScore.objects.filter(provider=provider_a).exists()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = services.response_accept(response, actor=manager)
    # GOV-1 2/2, GOV-2 never 0/4, RES-1 0/1, RES-4 0/1: 2 of 8.
    assert (accepted.status, accepted.score) == (ResponseStatus.ACCEPTED, D("25.00"))
    assert accepted.reviewed_by == manager
    assert set(Answer.objects.values_list("review", flat=True)) == {AnswerReview.ACCEPTED}
    score = ProviderScore.objects.get(provider=provider_a)
    assert "25.0%" in str(score.explanation)


# --- reminders ----------------------------------------------------------------------------------

def test_reminders_go_once_per_window_to_those_who_have_not_submitted(
        people, questions, provider_a, provider_b):
    today = timezone.localdate()
    campaign = CampaignFactory(template=questions["GOV-1"].section.template,
                               due_date=today + timedelta(days=5), remind_days_before=7)
    alpha = QuestionnaireResponse.objects.create(campaign=campaign, provider=provider_a)
    QuestionnaireResponse.objects.create(campaign=campaign, provider=provider_b,
                                         status=ResponseStatus.SUBMITTED)
    early = CampaignFactory(template=campaign.template, due_date=today + timedelta(days=20),
                            remind_days_before=7)
    QuestionnaireResponse.objects.create(campaign=early, provider=provider_a)

    assert send_questionnaire_reminders(today) == 1
    (reminder,) = mail.outbox
    assert reminder.to == ["kim@alpha.example", "lou@alpha.example"]
    assert "in 5 days" in reminder.body and f"/portal/questionnaires/{alpha.pk}/" in reminder.body
    assert send_questionnaire_reminders(today) == 0
    assert send_questionnaire_reminders(today + timedelta(days=3)) == 0
    # Once overdue, one more reminder; then none.
    assert send_questionnaire_reminders(today + timedelta(days=6)) == 1
    assert "Overdue" in mail.outbox[-1].subject
    assert send_questionnaire_reminders(today + timedelta(days=9)) == 0
    # The due date moves: a new window, a new reminder.
    campaign.due_date = today + timedelta(days=20)
    campaign.save()
    assert send_questionnaire_reminders(today + timedelta(days=14)) == 2  # both campaigns


def test_no_reminders_for_closed_campaigns_or_providers_without_contacts(questions, people):
    today = timezone.localdate()
    closed = CampaignFactory(template=questions["GOV-1"].section.template, due_date=today,
                             status=CampaignStatus.CLOSED)
    QuestionnaireResponse.objects.create(campaign=closed, provider=people["contact_a"].provider)
    lonely = QuestionnaireResponse.objects.create(
        campaign=CampaignFactory(template=closed.template, due_date=today),
        provider=ProviderFactory())
    assert send_questionnaire_reminders(today) == 0
    lonely.refresh_from_db()
    assert lonely.reminded_on is None  # reminded once a contact exists


def test_the_reminder_command_runs_daily_with_links_to_this_site(questions, people,
                                                                 provider_a, capsys, settings):
    settings.TETHER_BASE_URL = "https://tether.example.com/"
    campaign = CampaignFactory(template=questions["GOV-1"].section.template,
                               due_date=timezone.localdate() + timedelta(days=1))
    QuestionnaireResponse.objects.create(campaign=campaign, provider=provider_a)
    call_command("questionnaire_reminders")
    assert "Sent 1 reminder(s)." in capsys.readouterr().out
    (reminder,) = mail.outbox
    response = QuestionnaireResponse.objects.get()
    assert f"https://tether.example.com/portal/questionnaires/{response.pk}/" in reminder.body
    assert "in 1 day," in reminder.body
