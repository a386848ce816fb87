"""Answering questionnaires in the portal and over its API: only one's own provider's, never
in a preview, and bad input refused with the question named and nothing lost."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.accounts import force_login
from tests.diligence.answering import api_for, complete, ids
from tests.factories import pdf_bytes
from tether.core.roles import Role
from tether.diligence import campaign_services as services
from tether.diligence.choices import ResponseStatus
from tether.diligence.models import Answer, QuestionnaireResponse
from tether.documents.models import Document
from tether.portal.access import PREVIEW_SESSION_KEY

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def page(response) -> str:
    return f"/portal/questionnaires/{response.pk}/"


def form(questions, **values) -> dict:
    """Answer page form data: q<id> per answer."""
    return {f"q{questions[code.replace('_', '-')].pk}": value for code, value in values.items()}


def stored(response) -> dict:
    return {a.question.code: a.value
            for a in Answer.objects.filter(response=response).select_related("question")}


# --- only one's own ------------------------------------------------------------------------------

def test_a_contact_lists_and_opens_only_their_own_providers_questionnaires(
        login, people, response_a, response_b):
    client = login(people["contact_a"])
    listing = client.get("/portal/questionnaires/").content.decode()
    assert page(response_a) in listing and page(response_b) not in listing
    assert client.get(page(response_a)).status_code == 200


def test_a_contact_of_provider_b_cannot_reach_provider_a_questionnaire(login, people,
                                                                      response_a, questions):
    client = login(people["contact_b"])
    assert client.get(page(response_a)).status_code == 404
    assert client.get(f"{page(response_a)}questions/").status_code == 404
    assert client.post(page(response_a), {**form(questions, GOV_1="yes"),
                                          "action": "submit"}).status_code == 404
    assert client.post(f"{page(response_a)}questions/", form(questions, RES_1="yes")
                       ).status_code == 404
    assert client.post(f"{page(response_a)}evidence/", {
        "question": questions["GOV-1"].pk,
        "file": SimpleUploadedFile("x.pdf", pdf_bytes())}).status_code == 404
    api = api_for(people["contact_b"])
    base = f"/api/diligence/portal/responses/{response_a.pk}/"
    assert api.get(base).status_code == 404
    assert api.post(f"{base}answers/", {"answers": [
        {"question": questions["GOV-1"].pk, "value": "yes"}]}, format="json").status_code == 404
    assert api.post(f"{base}submit/").status_code == 404
    assert api.post(f"{base}evidence/", {"question": questions["GOV-1"].pk, "file":
                    SimpleUploadedFile("x.pdf", pdf_bytes())}, format="multipart"
                    ).status_code == 404
    assert response_a.pk not in [r["id"] for r in api.get(
        "/api/diligence/portal/responses/").json()["results"]]
    assert not Answer.objects.exists() and not Document.objects.exists()
    assert QuestionnaireResponse.objects.get(pk=response_a.pk).status == "not_started"


def test_contacts_are_refused_our_campaign_pages_and_api(login, people, campaign, response_a):
    client = login(people["contact_a"])
    for url in ["/diligence/campaigns/", f"/diligence/campaigns/{campaign.pk}/",
                "/diligence/responses/", f"/diligence/responses/{response_a.pk}/",
                "/diligence/campaigns/add/"]:
        assert client.get(url).status_code in (403, 404), url
    api = api_for(people["contact_a"])
    assert api.get("/api/diligence/responses/").status_code == 403
    assert api.post(f"/api/diligence/responses/{response_a.pk}/accept/").status_code == 403


def test_our_users_use_the_preview_not_the_portal_api(people, response_a):
    api = api_for(people["manager"])
    assert api.get("/api/diligence/portal/responses/").status_code == 403
    assert api.get(f"/api/diligence/portal/responses/{response_a.pk}/").status_code == 403


def test_a_preview_shows_the_questionnaire_read_only(people, response_a, questions,
                                                     provider_a):
    client = force_login(Client(), people["manager"])
    session = client.session
    session[PREVIEW_SESSION_KEY] = provider_a.pk
    session.save()
    body = client.get(page(response_a)).content.decode()
    assert "Are you ISO 27001 certified?" in body
    assert 'name="action" value="submit" disabled' in body
    assert 'type="file"' not in body
    response = client.post(page(response_a), {**form(questions, GOV_1="yes"),
                                              "action": "save"})
    assert response.status_code == 403
    assert client.post(f"{page(response_a)}evidence/", {
        "question": questions["GOV-1"].pk,
        "file": SimpleUploadedFile("a.pdf", pdf_bytes())}).status_code == 403
    assert not Answer.objects.exists()
    # Showing the questions a change would show writes nothing, so a preview may do it.
    assert "Which subcontractors?" in client.post(f"{page(response_a)}questions/",
                                                  form(questions, RES_1="yes")).content.decode()
    assert not Answer.objects.exists()


# --- the answer page -----------------------------------------------------------------------------

def test_a_draft_is_saved_from_the_page_with_comments(login, people, response_a, questions):
    client = login(people["contact_a"])
    response = client.post(page(response_a), {
        **form(questions, GOV_1="yes", GOV_2="mostly", RES_1="no"),
        f"c{questions['GOV-2'].pk}": "Except during freezes.", "action": "save"})
    assert response.status_code == 302
    assert stored(response_a) == {"GOV-1": "yes", "GOV-2": "mostly", "RES-1": "no"}
    assert Answer.objects.get(question=questions["GOV-2"]).comment == "Except during freezes."
    assert "Draft saved." in client.get(page(response_a)).content.decode()


def test_a_wrong_answer_is_shown_beside_its_question_and_nothing_is_lost(login, people,
                                                                        response_a, questions):
    client = login(people["contact_a"])
    client.post(page(response_a), {**form(questions, GOV_1="yes"), "action": "save"})
    response = client.post(page(response_a), {
        **form(questions, GOV_1="no", RES_1="yes", RES_2="Acme Hosting", RES_3="a dozen"),
        "action": "save"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "RES-3 Enter a number, such as 12 or 12.5." in body
    assert "Nothing was saved" in body
    assert 'value="a dozen"' in body and "Acme Hosting" in body  # what was typed stays
    assert stored(response_a) == {"GOV-1": "yes"}


def test_a_huge_answer_is_refused_with_its_size(login, people, response_a, questions):
    client = login(people["contact_a"])
    response = client.post(page(response_a), {
        **form(questions, RES_1="yes", RES_2="x" * 25_000), "action": "save"})
    assert "At most 20,000 characters, please; this is 25,000." in response.content.decode()
    assert not Answer.objects.exists()


def test_changing_an_answer_shows_the_questions_it_controls(login, people, response_a,
                                                            questions):
    client = login(people["contact_a"])
    url = f"{page(response_a)}questions/"
    shown = client.post(url, form(questions, RES_1="yes"), HTTP_HX_REQUEST="true")
    body = shown.content.decode()
    assert body.startswith('<div id="questionnaire-questions">')
    assert "Which subcontractors?" in body and "How many subcontractors?" in body
    hidden = client.post(url, form(questions, RES_1="no"), HTTP_HX_REQUEST="true")
    assert "Which subcontractors?" not in hidden.content.decode()
    assert not Answer.objects.exists()
    # RES-1 controls others: its radios ask for the re-render.
    full = client.get(page(response_a)).content.decode()
    assert f'name="q{questions["RES-1"].pk}"' in full and "hx-post" in full


def test_a_file_is_attached_beside_its_question(login, people, response_a, questions,
                                                provider_a):
    client = login(people["contact_a"])
    gov1 = questions["GOV-1"].pk
    block = client.post(f"{page(response_a)}evidence/", {
        "question": gov1, "file": SimpleUploadedFile("iso27001.pdf", pdf_bytes())},
        HTTP_HX_REQUEST="true").content.decode()
    (document,) = Document.objects.all()
    assert block.lstrip().startswith(f'<div id="evidence-{gov1}">')
    assert f"/portal/documents/{document.pk}/download/" in block and "iso27001.pdf" in block
    assert document.attached_to == Answer.objects.get(question_id=gov1)
    assert document.provider == provider_a and document.file_name == "iso27001.pdf"
    # Without htmx, the page comes back with a message.
    response = client.post(f"{page(response_a)}evidence/", {
        "question": gov1, "file": SimpleUploadedFile("second.pdf", pdf_bytes()),
        "title": "Surveillance audit"})
    assert response.status_code == 302
    body = client.get(page(response_a)).content.decode()
    assert "File attached to GOV-1." in body and "Surveillance audit" in body


def test_a_refused_file_is_reported_beside_its_question(login, people, response_a, questions):
    client = login(people["contact_a"])
    client.post(page(response_a), {**form(questions, GOV_1="yes"), "action": "save"})
    block = client.post(f"{page(response_a)}evidence/", {
        "question": questions["GOV-1"].pk,
        "file": SimpleUploadedFile("evil.pdf", b"#!/bin/sh\nrm -rf /")},
        HTTP_HX_REQUEST="true").content.decode()
    assert "GOV-1: “evil.pdf” was refused" in block
    assert stored(response_a) == {"GOV-1": "yes"} and not Document.objects.exists()
    missing = client.post(f"{page(response_a)}evidence/", {"question": questions["GOV-1"].pk},
                          HTTP_HX_REQUEST="true").content.decode()
    assert "GOV-1: choose a file to attach." in missing
    unknown = client.post(f"{page(response_a)}evidence/", {
        "question": "999999", "file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert unknown.status_code == 302 and not Document.objects.exists()


def test_answer_inputs_belong_to_the_answers_form_and_files_are_not_posted_with_them(
        login, people, response_a, questions):
    body = login(people["contact_a"]).get(page(response_a)).content.decode()
    # Four questions asked: 2 + 3 + 2 radios, a date, and four comments.
    assert body.count('form="answers-form"') == 12
    assert '<form method="post" novalidate id="answers-form"' in body
    answers_form = body[body.index('id="answers-form"'):]
    assert 'type="file"' not in answers_form[:answers_form.index("</form>")]


def test_submitting_from_the_page_lists_what_is_missing(login, people, response_a, questions):
    client = login(people["contact_a"])
    response = client.post(page(response_a), {**form(questions, GOV_1="yes"),
                                              "action": "submit"})
    body = response.content.decode()
    assert "cannot be submitted yet" in body
    assert "GOV-1 “Are you ISO 27001 certified?”: attach the evidence asked for" in body
    assert "GOV-2 “Do you patch critical flaws within 14 days?”: answer this question." in body
    assert QuestionnaireResponse.objects.get(pk=response_a.pk).status == ResponseStatus.DRAFT


def test_a_submitted_questionnaire_is_read_only_and_its_score_shows_once_accepted(
        login, people, response_a, questions):
    contact, manager = people["contact_a"], people["manager"]
    complete(response_a, contact, questions)
    services.response_submit(response_a, actor=contact)
    client = login(contact)
    body = client.get(page(response_a)).content.decode()
    assert "we are reviewing your answers" in body and 'value="submit"' not in body
    assert client.post(page(response_a), {**form(questions, GOV_2="always"),
                                          "action": "save"}).status_code == 200
    assert stored(response_a)["GOV-2"] == "mostly"
    assert "50.00%" not in client.get("/portal/questionnaires/").content.decode()
    services.response_accept(response_a, actor=manager)
    assert "50.00%" in client.get("/portal/questionnaires/").content.decode()
    assert "Your score: <strong>50.00%</strong>" in client.get(page(response_a)).content.decode()


def test_a_returned_questionnaire_shows_our_challenges(login, people, response_a, questions):
    contact, manager = people["contact_a"], people["manager"]
    complete(response_a, contact, questions)
    services.response_submit(response_a, actor=contact)
    services.answer_review(Answer.objects.get(question=questions["GOV-2"]), actor=manager,
                           decision="challenged", comment="Your policy says 30 days.")
    services.response_return(response_a, actor=manager, note="One answer to look at again.")
    body = login(contact).get(page(response_a)).content.decode()
    assert "We returned this questionnaire to you." in body
    assert "One answer to look at again." in body
    assert 'data-testid="challenge-GOV-2"' in body and "Your policy says 30 days." in body
    assert 'data-testid="challenge-GOV-1"' not in body


def test_markup_in_answers_and_comments_stays_inert_on_both_sides(login, people, response_a,
                                                                  questions):
    contact = people["contact_a"]
    services.answers_save(response_a, actor=contact, values=ids(questions, RES_1="yes",
                                                                 RES_2=XSS),
                          comments={questions["RES-1"].pk: XSS})
    for client, url in ((login(contact), page(response_a)),
                        (login(people["manager"]), f"/diligence/responses/{response_a.pk}/")):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;" in body, url


def test_the_portal_home_and_menu_lead_to_the_questionnaires(login, people, response_a,
                                                             campaign):
    body = login(people["contact_a"]).get("/portal/").content.decode()
    assert 'href="/portal/questionnaires/"' in body
    assert page(response_a) in body and campaign.name in body


def test_portal_pages_cost_a_bounded_number_of_queries(login, people, response_a, questions,
                                                       django_assert_max_num_queries):
    complete(response_a, people["contact_a"], questions, RES_1="yes", RES_2="x", RES_3="4")
    client = login(people["contact_a"])
    for url in ["/portal/", "/portal/questionnaires/", page(response_a),
                f"{page(response_a)}questions/"]:
        # The home page carries a card per portal section; findings and incidents cost two.
        with django_assert_max_num_queries(16 if url == "/portal/" else 15):
            assert client.get(url).status_code == 200, url


# --- the portal API ------------------------------------------------------------------------------

def test_a_contact_answers_attaches_and_submits_over_the_api(people, response_a, questions):
    api = api_for(people["contact_a"])
    base = f"/api/diligence/portal/responses/{response_a.pk}/"
    listing = api.get("/api/diligence/portal/responses/").json()
    assert [r["id"] for r in listing["results"]] == [response_a.pk]
    detail = api.get(base).json()
    assert [q["code"] for q in detail["questions"]] == ["GOV-1", "GOV-2", "RES-1", "RES-4"]
    saved = api.post(f"{base}answers/", {"answers": [
        {"question": questions["GOV-1"].pk, "value": "yes"},
        {"question": questions["GOV-2"].pk, "value": "always", "comment": "Always."},
        {"question": questions["RES-1"].pk, "value": "yes"},
        {"question": questions["RES-2"].pk, "value": "Acme"},
        {"question": questions["RES-3"].pk, "value": 2},
    ]}, format="json")
    assert saved.status_code == 200, saved.json()
    assert [q["code"] for q in saved.json()["questions"]] == [
        "GOV-1", "GOV-2", "RES-1", "RES-2", "RES-3", "RES-4"]
    refused = api.post(f"{base}submit/")
    assert refused.status_code == 400
    assert "GOV-1 “Are you ISO 27001 certified?”: attach the evidence asked for (the " \
        "certificate)." in refused.json()["non_field_errors"]
    uploaded = api.post(f"{base}evidence/", {"question": questions["GOV-1"].pk,
                                             "file": SimpleUploadedFile("iso.pdf", pdf_bytes()),
                                             "title": "ISO certificate"}, format="multipart")
    assert uploaded.status_code == 200, uploaded.json()
    gov1 = next(q for q in uploaded.json()["questions"] if q["code"] == "GOV-1")
    assert gov1["evidence"] == ["ISO certificate"]
    submitted = api.post(f"{base}submit/")
    assert submitted.status_code == 200
    # 2 + 4 + 1 + 1 + 2 (two subcontractors: the best band) of those and RES-4's 1
    # (unanswered): 10 of 11 points. The contact sees the score once we accept it.
    assert submitted.json()["status"] == "submitted" and submitted.json()["score"] is None
    assert QuestionnaireResponse.objects.get(pk=response_a.pk).score == Decimal("90.91")


@pytest.mark.parametrize("entry, key, message", [
    ({"value": True}, "GOV-1", "GOV-1 The answer must be text."),
    ({"value": {"$gt": ""}}, "GOV-1", "GOV-1 The answer must be text."),
    ({"value": ["yes"]}, "GOV-1", "GOV-1 The answer must be text."),
    ({"value": "perhaps"}, "GOV-1", "GOV-1 Choose one of “Yes”, “No”."),
    ({"value": "y" * 100_000, "question": "RES-2"}, "RES-2",
     "RES-2 At most 20,000 characters, please; this is 100,000."),
    ({"value": "2025-1-1", "question": "RES-4"}, "RES-4", "RES-4 Enter a date as YYYY-MM-DD."),
    ({"value": "1e400", "question": "RES-3"}, "RES-3", "RES-3 Enter a number, such as 12 or "
                                                          "12.5."),
])
def test_wrong_values_over_the_api_are_400_by_question_and_nothing_is_lost(
        people, response_a, questions, entry, key, message):
    api = api_for(people["contact_a"])
    base = f"/api/diligence/portal/responses/{response_a.pk}/"
    api.post(f"{base}answers/", {"answers": [{"question": questions["GOV-2"].pk,
                                              "value": "mostly"}]}, format="json")
    question = questions[entry.pop("question", "GOV-1")]
    body = {"answers": [{"question": questions["GOV-2"].pk, "value": "never"},
                        {"question": question.pk, **entry}]}
    response = api.post(f"{base}answers/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"answers": {str(questions[key].pk): [message]}}
    assert stored(response_a) == {"GOV-2": "mostly"}


@pytest.mark.parametrize("body, field", [
    ({"answers": [{"question": 999_999, "value": "yes"}]}, None),
    ({"answers": [{"question": "1", "value": "yes"}]}, "answers"),
    ({"answers": [{"value": "yes"}]}, "answers"),
    ({"answers": {"1": "yes"}}, "answers"),
    ({"answers": []}, "answers"),
    ({"answers": [{"question": 2**70, "value": "yes"}]}, "answers"),
    ({"answers": [{"question": 1, "comment": 5}]}, "answers"),
    ([1, 2], None),
])
def test_malformed_answer_lists_are_400(people, response_a, questions, body, field):
    response = api_for(people["contact_a"]).post(
        f"/api/diligence/portal/responses/{response_a.pk}/answers/", body, format="json")
    assert response.status_code == 400, response.json()
    if field:
        assert field in response.json()
    if body == {"answers": [{"question": 999_999, "value": "yes"}]}:
        assert response.json() == {"answers": {"999999": [
            "Question “999999” is not part of this questionnaire."]}}
    assert not Answer.objects.exists()


def test_a_number_too_large_for_json_is_400(people, response_a, questions):
    response = api_for(people["contact_a"]).post(
        f"/api/diligence/portal/responses/{response_a.pk}/answers/",
        data=f'{{"answers": [{{"question": {questions["RES-3"].pk}, "value": 1e999}}]}}',
        content_type="application/json")
    assert response.status_code == 400 and "answers" in response.json()
    assert not Answer.objects.exists()


def test_form_encoded_answers_are_415(people, response_a):
    response = api_for(people["contact_a"]).post(
        f"/api/diligence/portal/responses/{response_a.pk}/answers/", {"answers": "x"})
    assert response.status_code == 415


def test_an_unknown_question_for_evidence_is_400(people, response_a):
    response = api_for(people["contact_a"]).post(
        f"/api/diligence/portal/responses/{response_a.pk}/evidence/",
        {"question": 999_999, "file": SimpleUploadedFile("a.pdf", pdf_bytes())},
        format="multipart")
    assert response.status_code == 400
    assert response.json() == {"question": ["This question is not part of the questionnaire."]}
    assert not Document.objects.exists()


def test_the_internal_roles_of_the_matrix_are_respected(users, response_a):
    """Executives and auditors read responses; only writers review them."""
    for role, status in ((Role.EXECUTIVE, 403), (Role.AUDITOR, 403), (Role.RISK_OFFICER, 400)):
        api = api_for(users[role])
        assert api.get(f"/api/diligence/responses/{response_a.pk}/").status_code == 200
        assert api.post(f"/api/diligence/responses/{response_a.pk}/accept/").status_code == status
