"""An invited provider contact answers a request, uploads and downloads: in Chromium."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import InformationRequestFactory, make_document, pdf_bytes
from tether.core.roles import Role
from tether.documents.models import Document, DocumentCopy
from tether.documents.watermark import read_watermark
from tether.portal.models import InformationRequest

pytestmark = pytest.mark.e2e

PASSWORD = "Blue-ocean-harbour-17"


def test_invited_contact_answers_uploads_and_downloads(page, browser, live_server, log_in,
                                                       users, provider_a, provider_b, tmp_path):
    request_a = InformationRequestFactory(provider=provider_a, title="Business continuity test",
                                          internal_note="Internal: they failed last year")
    request_b = InformationRequestFactory(provider=provider_b, title="Beta's own request")
    shared = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=provider_a,
                           shared_with_provider=True, title="Security requirements")

    # Our vendor manager invites Alpha's contact.
    log_in(page, users[Role.VENDOR_MANAGER])
    page.goto(f"/invitations/send/?provider={provider_a.pk}")
    page.fill("#id_email", "kim@alpha.example")
    page.fill("#id_first_name", "Kim")
    with page.expect_navigation():
        page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to kim@alpha.example")).to_be_visible()
    link = re.search(r"(/invite/\S+/)", mail.outbox[-1].body).group(1)

    # Kim opens the link in their own browser and sets a password.
    kim_context = browser.new_context(base_url=live_server.url)
    kim = kim_context.new_page()
    kim.goto(link)
    kim.fill("#id_username", "kim")
    kim.fill("#id_password", PASSWORD)
    kim.fill("#id_password_again", PASSWORD)
    with kim.expect_navigation():
        kim.get_by_role("button", name="Create my account").click()
    expect(kim.get_by_test_id("open-requests")).to_have_text("1")

    # The request: no internal note, an answer and a file.
    kim.get_by_role("link", name="Business continuity test").first.click()
    expect(kim.get_by_test_id("question")).to_contain_text("ISO 27001")
    expect(kim.locator("body")).not_to_contain_text("they failed last year")
    kim.fill("#id_answer", "Tested in March; report attached.")
    with kim.expect_navigation():
        kim.get_by_role("button", name="Send answer").click()
    expect(kim.get_by_text("Your answer was sent.")).to_be_visible()
    request_a.refresh_from_db()
    assert request_a.answer == "Tested in March; report attached."

    # Kim uploads their certificate on the documents page.
    kim.goto("/portal/documents/")
    report = tmp_path / "iso27001.pdf"
    report.write_bytes(pdf_bytes())
    kim.set_input_files("#id_file", str(report))
    kim.fill("#id_title", "ISO 27001 certificate")
    kim.select_option("#id_kind", "iso27001")
    with kim.expect_navigation():
        kim.get_by_role("button", name="Upload").click()
    expect(kim.get_by_text("Document uploaded.")).to_be_visible()
    uploaded = Document.objects.get(title="ISO 27001 certificate")
    assert uploaded.provider == provider_a and uploaded.uploaded_by_provider

    # Kim downloads what we shared: a copy watermarked for Kim.
    row = kim.locator("tr", has_text="Security requirements")
    with kim.expect_download() as download:
        row.get_by_role("link", name="Download").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    copy = DocumentCopy.objects.get(document=shared)
    assert read_watermark(saved.read_bytes()) == copy.copy_id
    assert copy.recipient.username == "kim"

    # Nothing of Beta's, nothing internal.
    response = kim.goto(f"/portal/requests/{request_b.pk}/")
    assert response.status == 404
    assert kim.goto("/registry/providers/").status == 403
    kim_context.close()

    # Back on our side, the answer is there to review.
    page.goto(f"/requests/{request_a.pk}/")
    expect(page.get_by_test_id("answer")).to_have_text("Tested in March; report attached.")
    with page.expect_navigation():
        page.get_by_role("button", name="Accept answer").click()
    assert InformationRequest.objects.get(pk=request_a.pk).status == "accepted"
