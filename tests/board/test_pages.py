"""The board pages: who sees and generates what, the pack as HTML with its charts, the PDF."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.board.factories import filed_report
from tether.board.choices import ReportStatus, ReportTrigger
from tether.board.figures import SECTIONS
from tether.board.models import BoardReport
from tether.board.services import board_report_generate, board_report_request
from tether.core.roles import INTERNAL_ROLES, Role, role_allows

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(portfolio, users):
    made = board_report_request(actor=users[Role.RISK_OFFICER])
    board_report_generate(made.pk)
    made.refresh_from_db()
    return made


def test_executive_reads_the_pack_with_every_section_and_chart(report, users, login):
    response = login(users[Role.EXECUTIVE]).get(report.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for key, title, _f in SECTIONS:
        assert f'id="{key}"' in html and title in html
    assert html.count("<svg") >= 7
    assert 'class="risk-matrix"' in html and 'class="dependence-chart"' in html
    assert "board-attainment" in html  # the SLA trend line
    assert "Data leak at Alpha" in html and "Rotate the backup keys" in html
    assert "board/board.css" in html  # the print stylesheet
    assert not re.search(r"\sstyle=", html) and "<script>" not in html  # CSP


def test_the_page_shows_the_figures_as_filed_not_as_they_are_now(report, users, login,
                                                                    portfolio):
    portfolio.alpha.name = "Renamed Since"
    portfolio.alpha.save()
    html = login(users[Role.EXECUTIVE]).get(report.get_absolute_url()).content.decode()
    assert "Alpha Hosting SA" in html and "Renamed Since" not in html


def test_the_list_links_every_report_and_its_pdf(report, users, login):
    html = login(users[Role.EXECUTIVE]).get(reverse("board:boardreport_list")).content.decode()
    assert report.get_absolute_url() in html
    assert reverse("board:boardreport_pdf", args=[report.pk]) in html
    assert "Generate now" not in html  # executives read, they do not generate


def test_the_pdf_downloads(report, users, login):
    response = login(users[Role.EXECUTIVE]).get(reverse("board:boardreport_pdf",
                                                        args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert report.filename in response["Content-Disposition"]


def test_a_pending_report_shows_its_progress_and_has_no_pdf(users, login):
    pending = BoardReport.objects.create(as_of="2026-01-31")
    client = login(users[Role.EXECUTIVE])
    html = client.get(pending.get_absolute_url()).content.decode()
    assert 'id="board-status"' in html and 'hx-trigger="every 2s"' in html
    fragment = client.get(pending.get_absolute_url(), HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="board-status")
    assert fragment.content.decode().startswith('<div id="board-status"')
    assert client.get(reverse("board:boardreport_pdf", args=[pending.pk])).status_code == 404


def test_risk_officer_generates_a_report_now(portfolio, users, login,
                                             django_capture_on_commit_callbacks):
    client = login(users[Role.RISK_OFFICER])
    assert "Generate now" in client.get(reverse("board:boardreport_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("board:boardreport_generate"),
                               {"as_of": portfolio.today.isoformat()})
    report = BoardReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.requested_by == users[Role.RISK_OFFICER]


def test_a_date_in_the_future_is_refused_with_a_message(users, login, portfolio):
    response = login(users[Role.ADMIN]).post(reverse("board:boardreport_generate"),
                                             {"as_of": "2999-01-01"})
    assert response.status_code == 400
    assert "cannot be dated in the future" in response.content.decode()
    assert not BoardReport.objects.exists()


# Read from the roles table: which roles write "reporting" is core.roles' decision.
READERS_ONLY = sorted(role for role in INTERNAL_ROLES if not role_allows(role, "add", "reporting"))


def test_executives_only_read_reports():
    assert Role.EXECUTIVE in READERS_ONLY and Role.RISK_OFFICER not in READERS_ONLY


@pytest.mark.parametrize("role", READERS_ONLY)
def test_roles_without_reporting_rights_cannot_generate(role, users, login):
    response = login(users[role]).post(reverse("board:boardreport_generate"), {})
    assert response.status_code == 403
    assert not BoardReport.objects.exists()


def test_provider_contacts_see_no_board_page(users, login):
    report = filed_report()
    client = login(users["contact_a"])
    for url in (reverse("board:boardreport_list"), report.get_absolute_url(),
                reverse("board:boardreport_pdf", args=[report.pk])):
        assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("board:boardreport_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_menu_offers_board_reports_to_executives(users, login):
    html = login(users[Role.EXECUTIVE]).get(reverse("board:boardreport_list")).content.decode()
    assert f'href="{reverse("board:boardreport_list")}">Board reports' in html


def test_the_report_page_reads_a_few_stored_rows(report, users, login):
    client = login(users[Role.EXECUTIVE])
    client.get(report.get_absolute_url())  # sessions and caches warmed
    with CaptureQueriesContext(connection) as queries:
        assert client.get(report.get_absolute_url()).status_code == 200
    assert len(queries) <= 10


def test_the_pack_says_who_asked_for_it(users, login):
    officer = users[Role.RISK_OFFICER]
    scheduled = filed_report()
    asked = filed_report(trigger=ReportTrigger.USER, requested_by=officer)
    orphan = filed_report(trigger=ReportTrigger.USER)  # its requester's account was deleted
    reader = login(users[Role.EXECUTIVE])
    assert "by the monthly schedule." in reader.get(scheduled.get_absolute_url()).content.decode()
    assert f"by {officer.username}." in reader.get(asked.get_absolute_url()).content.decode()
    assert "by a user since removed." in reader.get(orphan.get_absolute_url()).content.decode()
