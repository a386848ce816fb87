"""A questionnaire sent, answered in the portal, challenged, fixed and accepted: in Chromium."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.diligence.factories import security_questionnaire
from tests.factories import pdf_bytes
from tether.core.roles import Role
from tether.diligence.models import QuestionnaireResponse
from tether.risk.models import ProviderScore

pytestmark = pytest.mark.e2e


def test_a_contact_answers_a_questionnaire_that_we_challenge_and_accept(
        page, browser, live_server, log_in, users, provider_a, provider_b, tmp_path,
        console_errors):
    security_questionnaire(name="Security baseline")
    contact = users["contact_a"]
    contact.email = "kim@alpha.example"
    contact.save()

    # Our vendor manager picks Alpha with the provider search and sends the questionnaire.
    log_in(page, users[Role.VENDOR_MANAGER])
    page.goto("/diligence/campaigns/add/")
    page.fill("#id_name", "Security review 2026")
    page.select_option("#id_template", label="Security baseline v1")
    page.fill("#id_due_date", "2099-01-31")
    page.get_by_placeholder("Type to search providers…").fill("Alpha")
    page.get_by_label("Alpha Outsourcing SA").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Sent “Security review 2026” to 1 provider.")).to_be_visible()
    assert mail.outbox[-1].to == ["kim@alpha.example"]
    response = QuestionnaireResponse.objects.get(provider=provider_a)

    # Kim finds it on the portal's home page.
    kim_context = browser.new_context(base_url=live_server.url)
    kim = kim_context.new_page()
    kim.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    log_in(kim, contact)
    kim.goto("/portal/")
    kim.get_by_test_id("open-questionnaires").get_by_role("link").first.click()
    expect(kim.get_by_role("heading", name="Security review 2026")).to_be_visible()

    # Saying "yes" to subcontractors shows the questions about them (htmx, no reload).
    expect(kim.get_by_text("Which subcontractors?")).to_be_hidden()
    kim.get_by_test_id("question-RES-1").get_by_label("Yes").check()
    expect(kim.get_by_text("Which subcontractors?")).to_be_visible()
    kim.get_by_test_id("question-RES-2").locator("textarea").first.fill("Acme Hosting")
    kim.get_by_test_id("question-RES-3").locator("input[type=text]").fill("2")
    kim.get_by_test_id("question-GOV-1").get_by_label("Yes").check()
    kim.get_by_test_id("question-GOV-2").get_by_label("Mostly").check()
    with kim.expect_navigation():
        kim.get_by_role("button", name="Save draft").click()
    expect(kim.get_by_text("Draft saved.")).to_be_visible()

    # Submitting without the certificate says what is missing; with it, it goes through.
    with kim.expect_navigation():
        kim.get_by_role("button", name="Submit").click()
    expect(kim.get_by_test_id("page-errors")).to_contain_text("GOV-1")
    certificate = tmp_path / "iso27001.pdf"
    certificate.write_bytes(pdf_bytes())
    gov1 = kim.get_by_test_id("question-GOV-1")
    gov1.get_by_label("Attach a file to GOV-1").set_input_files(str(certificate))
    gov1.get_by_role("button", name="Attach", exact=True).click()  # in place, over htmx
    expect(kim.get_by_test_id("evidence-GOV-1")).to_contain_text("GOV-1 evidence")
    with kim.expect_navigation():
        kim.get_by_role("button", name="Submit").click()
    expect(kim.get_by_text("Submitted. Thank you")).to_be_visible()

    # We challenge GOV-2 (the card updates in place) and return the questionnaire.
    page.goto(f"/diligence/responses/{response.pk}/")
    expect(page.get_by_test_id("costly")).to_contain_text("answered “Mostly”")
    card = page.get_by_test_id("answer-GOV-2")
    card.get_by_placeholder("Comment (required to challenge)").fill("Your policy says 30 days.")
    card.get_by_role("button", name="Challenge").click()
    expect(page.get_by_test_id("review-GOV-2")).to_have_text("Challenged")
    with page.expect_navigation():
        page.get_by_role("button", name="Return to provider").click()
    expect(page.get_by_test_id("status")).to_have_text("Returned to the provider")

    # Kim sees why, puts it right and submits again.
    kim.reload()
    expect(kim.get_by_test_id("challenge-GOV-2")).to_contain_text("Your policy says 30 days.")
    kim.get_by_test_id("question-GOV-2").get_by_label("Never").check()
    with kim.expect_navigation():
        kim.get_by_role("button", name="Submit").click()
    expect(kim.get_by_text("Submitted. Thank you")).to_be_visible()

    # We accept; the provider's risk is rescored and Kim sees the score.
    page.reload()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept response").click()
    expect(page.get_by_test_id("status")).to_have_text("Accepted")
    assert ProviderScore.objects.filter(provider=provider_a).exists()
    kim.goto("/portal/questionnaires/")
    # 2 + 0 + 1 + 1 + 2 of 2 + 4 + 1 + 1 + 2 + 1 (RES-4 unanswered): 6 of 11 points.
    expect(kim.get_by_test_id("score")).to_have_text("54.55%")

    assert console_errors == []

    # Nothing of Beta's.
    beta = QuestionnaireResponse.objects.create(campaign=response.campaign, provider=provider_b)
    assert kim.goto(f"/portal/questionnaires/{beta.pk}/").status == 404
    kim_context.close()
