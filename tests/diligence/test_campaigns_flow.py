"""A campaign from start to finish through the pages, and our pages of campaigns."""

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.diligence.answering import api_for, attach, complete
from tests.diligence.factories import TemplateFactory
from tests.factories import ProviderFactory, pdf_bytes
from tether.core.roles import Role
from tether.diligence import campaign_services as services
from tether.diligence.choices import AnswerReview, CampaignStatus, ResponseStatus, TemplateStatus
from tether.diligence.models import Answer, Campaign, QuestionnaireResponse
from tether.risk.models import ProviderScore

pytestmark = pytest.mark.django_db


def test_a_questionnaire_goes_out_is_answered_challenged_fixed_and_accepted(
        login, people, questions, provider_a, provider_b, django_capture_on_commit_callbacks):
    manager, contact = login(people["manager"]), login(people["contact_a"])
    template = questions["GOV-1"].section.template
    due = timezone.localdate() + timedelta(days=21)

    # We send the questionnaire to two providers.
    with django_capture_on_commit_callbacks(execute=True):
        sent = manager.post("/diligence/campaigns/add/", {
            "name": "Security review 2026", "template": template.pk,
            "due_date": due.isoformat(), "message": "Thank you for your time.",
            "remind_days_before": 7, "providers": [provider_a.pk, provider_b.pk]})
    campaign = Campaign.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/diligence/campaigns/{campaign.pk}/"
    assert campaign.created_by == people["manager"]
    invitation = next(m for m in mail.outbox if "kim@alpha.example" in m.to)
    link = re.search(r"https?://[^/\s]+(/portal/questionnaires/\d+/)", invitation.body).group(1)
    response = QuestionnaireResponse.objects.get(provider=provider_a)
    assert link == f"/portal/questionnaires/{response.pk}/"

    # Kim saves a draft, then attaches the certificate and submits.
    q = {code: f"q{question.pk}" for code, question in questions.items()}
    assert contact.post(link, {q["GOV-1"]: "yes", q["GOV-2"]: "mostly", q["RES-1"]: "no",
                               "action": "save"}).status_code == 302
    assert QuestionnaireResponse.objects.get(pk=response.pk).status == ResponseStatus.DRAFT
    assert contact.post(f"{link}evidence/", {
        "question": questions["GOV-1"].pk, "file": SimpleUploadedFile("iso.pdf", pdf_bytes())}
    ).status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = contact.post(link, {
            q["GOV-1"]: "yes", q["GOV-2"]: "mostly", q["RES-1"]: "no", "action": "submit"})
    assert submitted.status_code == 302
    response.refresh_from_db()
    assert (response.status, response.score) == (ResponseStatus.SUBMITTED, D("50.00"))
    assert mail.outbox[0].to == ["vm@tether.example"]

    # We read it: what cost points first; we challenge GOV-2 and return it.
    review_url = f"/diligence/responses/{response.pk}/"
    review = manager.get(review_url).content.decode()
    costly = review[review.index('data-testid="costly"'):]
    assert costly.index("GOV-2") < costly.index("RES-1")  # 2 points lost before 1
    assert "answered “Mostly”" in review and "iso.pdf" not in review  # title, not file name
    gov2 = Answer.objects.get(response=response, question=questions["GOV-2"])
    partial = manager.post(f"{review_url}review/", {
        "answer": gov2.pk, "decision": "challenged", "comment": "Your policy says 30 days."},
        HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith(f'<div class="card mb-2 border-warning"'
                                                        f' id="answer-{questions["GOV-2"].pk}"')
    gov1 = Answer.objects.get(response=response, question=questions["GOV-1"])
    manager.post(f"{review_url}review/", {"answer": gov1.pk, "decision": "accepted"})
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(f"{review_url}return/", {"note": "Please check GOV-2."})
    response.refresh_from_db()
    assert response.status == ResponseStatus.RETURNED
    assert "kim@alpha.example" in mail.outbox[-1].to

    # Kim sees the challenge, puts it right, and submits again.
    page = contact.get(link).content.decode()
    assert "Your policy says 30 days." in page and "Please check GOV-2." in page
    assert contact.post(link, {q["GOV-2"]: "never", q["GOV-1"]: "yes", q["RES-1"]: "no",
                               "action": "submit"}).status_code == 302
    gov1.refresh_from_db()
    gov2.refresh_from_db()
    assert (gov1.review, gov2.review) == (AnswerReview.ACCEPTED, AnswerReview.PENDING)

    # We accept: the score is final and the provider's risk is rescored.
    with django_capture_on_commit_callbacks(execute=True):
        assert manager.post(f"{review_url}accept/").status_code == 302
    response.refresh_from_db()
    assert (response.status, response.score) == (ResponseStatus.ACCEPTED, D("25.00"))
    assert ProviderScore.objects.filter(provider=provider_a).exists()
    assert not ProviderScore.objects.filter(provider=provider_b).exists()
    assert "25.00%" in contact.get("/portal/questionnaires/").content.decode()


def test_campaign_pages_show_progress_and_the_provider_page_its_questionnaires(
        login, people, campaign, response_a, questions, provider_a):
    complete(response_a, people["contact_a"], questions)
    client = login(people["manager"])
    assert campaign.name in client.get("/diligence/campaigns/").content.decode()
    detail = client.get(f"/diligence/campaigns/{campaign.pk}/").content.decode()
    assert "3 / 6" in detail  # three of six questions answered
    assert "Send to more providers" in detail and "Close campaign" in detail
    listing = client.get(f"/diligence/responses/?campaign={campaign.pk}").content.decode()
    assert "Alpha Outsourcing SA" in listing and "Beta Cloud GmbH" in listing
    provider_page = client.get(provider_a.get_absolute_url()).content.decode()
    assert "Questionnaires" in provider_page
    assert f"/diligence/responses/{response_a.pk}/" in provider_page


def test_read_only_roles_see_campaigns_without_the_buttons(login, users, campaign, response_a,
                                                           questions, people):
    complete(response_a, people["contact_a"], questions)
    services.response_submit(response_a, actor=people["contact_a"])
    client = login(users[Role.EXECUTIVE])
    detail = client.get(f"/diligence/campaigns/{campaign.pk}/").content.decode()
    assert "Close campaign" not in detail and "Send to more providers" not in detail
    review = client.get(f"/diligence/responses/{response_a.pk}/").content.decode()
    assert "Accept response" not in review and "Challenge" not in review
    assert client.post(f"/diligence/responses/{response_a.pk}/accept/").status_code == 403
    assert client.post(f"/diligence/campaigns/{campaign.pk}/close/").status_code == 403


def test_more_providers_are_added_and_the_campaign_closed_from_its_page(
        login, people, campaign, django_capture_on_commit_callbacks):
    client = login(people["manager"])
    gamma = ProviderFactory(name="Gamma Payments")
    options = client.get("/diligence/campaigns/providers/", {
        "provider_search": "gamma", "field": "providers"}).content.decode()
    assert f'value="{gamma.pk}"' in options and "Gamma Payments" in options
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/diligence/campaigns/{campaign.pk}/providers/", {"providers": [gamma.pk]})
    assert campaign.responses.filter(provider=gamma).exists()
    client.post(f"/diligence/campaigns/{campaign.pk}/close/")
    assert Campaign.objects.get().status == CampaignStatus.CLOSED
    page = client.get(f"/diligence/campaigns/{campaign.pk}/").content.decode()
    assert "Close campaign" not in page


def test_the_provider_picker_keeps_the_chosen_providers_ticked(login, people, provider_a,
                                                              provider_b):
    options = login(people["manager"]).get("/diligence/campaigns/providers/", {
        "provider_search": "beta", "field": "providers", "providers": [provider_a.pk]}
    ).content.decode()
    assert re.search(rf'value="{provider_a.pk}"[^>]*checked', options)
    assert re.search(rf'value="{provider_b.pk}"(?![^>]*checked)', options)


def test_the_new_campaign_form_offers_published_questionnaires_only(login, people, questions,
                                                                    provider_a):
    draft = TemplateFactory(name="Unfinished", status=TemplateStatus.DRAFT)
    client = login(people["manager"])
    page = client.get(f"/diligence/campaigns/add/?provider={provider_a.pk}").content.decode()
    assert "Security baseline" in page and "Unfinished" not in page
    assert f'value="{provider_a.pk}"' in page  # the provider the link came from, chosen
    response = client.post("/diligence/campaigns/add/", {
        "name": "Review", "template": draft.pk, "remind_days_before": 7,
        "due_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "providers": [provider_a.pk]})
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_the_review_page_costs_a_bounded_number_of_queries(login, people, response_a, questions,
                                                           django_assert_max_num_queries):
    complete(response_a, people["contact_a"], questions, RES_1="yes", RES_2="x", RES_3="4")
    for question in ("RES-2", "RES-3"):
        attach(response_a, people["contact_a"], questions[question])
    services.response_submit(response_a, actor=people["contact_a"])
    client = login(people["manager"])
    for url in [f"/diligence/responses/{response_a.pk}/", "/diligence/responses/",
                f"/diligence/campaigns/{response_a.campaign_id}/", "/diligence/campaigns/",
                f"/api/diligence/responses/{response_a.pk}/", "/api/diligence/responses/",
                "/api/diligence/campaigns/"]:
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200, url


def test_the_campaign_api_sends_reviews_and_accepts(people, questions, provider_a, provider_b,
                                                    django_capture_on_commit_callbacks):
    api = api_for(people["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/diligence/campaigns/", {
            "name": "API review", "template": questions["GOV-1"].section.template_id,
            "due_date": (timezone.localdate() + timedelta(days=9)).isoformat(),
            "providers": [provider_a.pk]}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["response_count"] == 1
    assert any("kim@alpha.example" in m.to for m in mail.outbox)
    response = QuestionnaireResponse.objects.get()
    complete(response, people["contact_a"], questions)
    services.response_submit(response, actor=people["contact_a"])
    base = f"/api/diligence/responses/{response.pk}/"
    detail = api.get(base).json()
    assert detail["score"] == "50.00" and [c["code"] for c in detail["costly"]] == [
        "GOV-2", "RES-1", "RES-4"]
    gov2 = next(a for a in detail["answers"] if a["code"] == "GOV-2")
    refused = api.post(f"{base}review/", {"answer": gov2["id"], "decision": "challenged"},
                       format="json")
    assert refused.status_code == 400 and "comment" in refused.json()
    assert api.post(f"{base}review/", {"answer": gov2["id"], "decision": "accepted"},
                    format="json").status_code == 200
    accepted = api.post(f"{base}accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    campaign_url = f"/api/diligence/campaigns/{response.campaign_id}/"
    added = api.post(f"{campaign_url}add-providers/", {"providers": [provider_b.pk]},
                     format="json")
    assert [r["provider"] for r in added.json()["responses"]] == [provider_b.pk]
    again = api.post(f"{campaign_url}add-providers/", {"providers": [provider_b.pk]},
                     format="json")
    assert again.status_code == 400 and "providers" in again.json()
    closed = api.post(f"{campaign_url}close/")
    assert closed.json()["status"] == "closed" and closed.json()["response_count"] == 2
    assert api.post(f"{campaign_url}close/").status_code == 400


@pytest.mark.parametrize("body, field", [
    ({"providers": "1"}, "providers"),
    ({"providers": [True]}, "providers"),
    ({"due_date": "20300101"}, "due_date"),
    ({"remind_days_before": "7"}, "remind_days_before"),
    ({"name": 7}, "name"),
    ({"template": "draft"}, "template"),
])
def test_campaigns_with_wrong_input_over_the_api_are_400(people, questions, provider_a, body,
                                                         field):
    data = {"name": "API review", "template": questions["GOV-1"].section.template_id,
            "due_date": (timezone.localdate() + timedelta(days=9)).isoformat(),
            "providers": [provider_a.pk], **body}
    if data["template"] == "draft":
        data["template"] = TemplateFactory(status=TemplateStatus.DRAFT).pk
    response = api_for(people["manager"]).post("/api/diligence/campaigns/", data, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Campaign.objects.exists()


def test_a_campaign_is_edited_and_its_history_kept(login, people, campaign, response_a):
    client = login(people["manager"])
    new_due = timezone.localdate() + timedelta(days=60)
    response = client.post(f"/diligence/campaigns/{campaign.pk}/edit/", {
        "name": "Annual security review (extended)", "due_date": new_due.isoformat(),
        "message": "More time.", "remind_days_before": 10})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.due_date, campaign.remind_days_before) == (
        "Annual security review (extended)", new_due, 10)
    history = client.get(f"/diligence/campaigns/{campaign.pk}/history/").content.decode()
    assert "Annual security review (extended)" in history
    assert client.get(f"/diligence/responses/{response_a.pk}/history/").status_code == 200
