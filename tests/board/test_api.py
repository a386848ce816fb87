"""Board reports over the API: listed, read with their figures, the PDF downloaded."""

import pytest
from rest_framework.test import APIClient

from tests.accounts import force_login
from tests.board.factories import filed_report
from tether.board.models import BoardReport
from tether.core.roles import Role

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    return force_login(APIClient(), user)


def test_executive_lists_and_reads_reports(users):
    report = filed_report(figures={"as_of": "2026-01-31", "sections": []})
    client = api(users[Role.EXECUTIVE])
    listing = client.get("/api/board/reports/")
    assert listing.status_code == 200
    row = listing.json()["results"][0]
    assert row["id"] == report.pk and row["status"] == "ready"
    assert row["pdf_url"].endswith(f"/api/board/reports/{report.pk}/pdf/")
    assert "figures" not in row
    detail = client.get(f"/api/board/reports/{report.pk}/").json()
    assert detail["figures"] == {"as_of": "2026-01-31", "sections": []}


def test_the_pdf_downloads_over_the_api(users):
    report = filed_report()
    response = api(users[Role.AUDITOR]).get(f"/api/board/reports/{report.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_report_without_pdf_answers_404(users):
    pending = BoardReport.objects.create(as_of="2026-01-31")
    response = api(users[Role.ADMIN]).get(f"/api/board/reports/{pending.pk}/pdf/")
    assert response.status_code == 404


def test_filters_are_checked(users):
    filed_report()
    client = api(users[Role.ADMIN])
    assert client.get("/api/board/reports/?status=ready").json()["count"] == 1
    assert client.get("/api/board/reports/?status=queued").json()["count"] == 0
    assert client.get("/api/board/reports/?status=nonsense").status_code == 400


def test_provider_contacts_are_refused(users):
    report = filed_report()
    client = api(users["contact_a"])
    assert client.get("/api/board/reports/").status_code == 403
    assert client.get(f"/api/board/reports/{report.pk}/pdf/").status_code == 403


def test_reports_are_not_written_over_the_api(users):
    report = filed_report()
    assert api(users[Role.EXECUTIVE]).delete(
        f"/api/board/reports/{report.pk}/").status_code == 403
    assert api(users[Role.ADMIN]).delete(
        f"/api/board/reports/{report.pk}/").status_code == 405
    assert BoardReport.objects.filter(pk=report.pk).exists()
