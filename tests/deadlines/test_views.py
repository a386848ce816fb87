"""The upcoming page, the calendar, the iCalendar export and the API."""

from datetime import UTC, date, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from tether.core.deadlines import Deadline
from tether.core.roles import INTERNAL_ROLES, Role
from tether.deadlines.ics import calendar_text, escape_text, fold

pytestmark = pytest.mark.django_db
KINDS = ["notice", "contract_end", "document_expiry", "questionnaire_due", "exit_plan_review"]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_upcoming_page_by_week_with_filters(login, users, objects, today):
    client = login(users[Role.EXECUTIVE])
    page = client.get("/deadlines/")
    assert page.status_code == 200
    text = page.content.decode()
    arrangement = objects["arrangement"]
    assert f"{arrangement.reference} · Cloud hosting" in text
    assert "Security 2026" in text and "ISO 27001" in text
    assert "Exit plan · " not in text  # overdue since yesterday: before the default range
    assert "Week of" in text
    only_notice = client.get("/deadlines/", {"kind": "notice"}).content.decode()
    assert "Last day to give notice" in only_notice and "Security 2026" not in only_notice
    critical = client.get("/deadlines/", {"critical": "on"}).content.decode()
    assert "Cloud hosting" in critical and "Security 2026" not in critical
    past = client.get("/deadlines/", {"start": (today - timedelta(days=5)).isoformat()})
    assert "Exit plan · " in past.content.decode()


def test_upcoming_htmx_gets_the_results_only(login, users, objects):
    fragment = login(users[Role.AUDITOR]).get("/deadlines/", {"kind": "notice"},
                                              HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert fragment.status_code == 200
    assert fragment.content.decode().startswith('<div id="results">')


def test_bad_filters_say_what_is_wrong_and_show_the_default(login, users, objects, today):
    client = login(users[Role.EXECUTIVE])
    page = client.get("/deadlines/", {"start": "2026-13-45"})
    assert page.status_code == 200 and b"Enter a valid date" in page.content
    backwards = client.get("/deadlines/", {"start": today.isoformat(),
                                           "end": (today - timedelta(days=1)).isoformat()})
    assert b"before its start" in backwards.content
    assert b"Cloud hosting" in backwards.content  # the default range instead


def test_calendar_month_grid_and_navigation(login, users, objects, today):
    client = login(users[Role.VENDOR_MANAGER])
    notice_day = objects["arrangement"].notice_deadline
    month = notice_day.strftime("%Y-%m")
    page = client.get("/deadlines/calendar/", {"month": month})
    text = page.content.decode()
    assert page.status_code == 200
    assert notice_day.strftime("%B %Y") in text
    assert "Last day to give notice: " in text  # the tooltip
    assert "deadline-calendar-item" in text
    previous = date(notice_day.year, notice_day.month, 1) - timedelta(days=1)
    assert f"?month={previous:%Y-%m}" in text
    fragment = client.get("/deadlines/calendar/", {"month": f"{previous:%Y-%m}"},
                          HTTP_HX_REQUEST="true", HTTP_HX_TARGET="calendar")
    assert fragment.content.decode().startswith('<div id="calendar">')
    assert previous.strftime("%B %Y") in fragment.content.decode()
    # Nonsense months show this month.
    assert today.strftime("%B %Y") in client.get("/deadlines/calendar/",
                                                 {"month": "99-99"}).content.decode()


def test_provider_contacts_have_no_deadline_pages(login, users, objects):
    client = login(users["contact_a"])
    for url in ("/deadlines/", "/deadlines/calendar/", "/deadlines/deadlines.ics"):
        assert client.get(url).status_code == 403
    assert api(users["contact_a"]).get("/api/deadlines/").status_code == 403


def test_every_internal_role_sees_the_pages(login, users, objects):
    for role in INTERNAL_ROLES:
        assert login(users[role]).get("/deadlines/").status_code == 200


def test_ics_export(login, users, objects, today):
    response = login(users[Role.EXECUTIVE]).get("/deadlines/deadlines.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    # A month back to a year ahead: the overdue exit plan review too.
    assert sum(text.count(f"CATEGORIES:{kind}\r\n") for kind in KINDS) == 5
    assert "SUMMARY:Exit plan review due: Exit plan · " in text.replace("\r\n ", "")
    ranged = login(users[Role.EXECUTIVE]).get("/deadlines/deadlines.ics",
                                              {"start": today.isoformat(), "kind": "notice"})
    assert ranged.content.decode().count("BEGIN:VEVENT") == 1
    notice = objects["arrangement"].notice_deadline
    assert f"DTSTART;VALUE=DATE:{notice:%Y%m%d}\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_ics_escapes_hostile_titles():
    hostile = Deadline(
        day=date(2026, 12, 1), kind="notice", label="Give notice",
        title="A;B,C\\D\r\nEND:VEVENT\r\nBEGIN:VEVENT\nSUMMARY:evil\x00\x1b",
        url="/registry/arrangements/1/", key="notice:arrangement:1")
    text = calendar_text([hostile], now=datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    lines = text.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1
    assert not any(line.startswith("SUMMARY:evil") for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert ("SUMMARY:Give notice: A\\;B\\,C\\\\D\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:evil\r\n"
            in unfolded)
    assert "\x00" not in text and "\x1b" not in text


def test_long_lines_fold_without_splitting_characters():
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert "".join(parts) == line
    assert escape_text("a\tb") == "a b"


def test_api_lists_deadlines_by_range_and_kind(users, objects, today):
    client = api(users[Role.RISK_OFFICER])
    found = [d for d in client.get("/api/deadlines/").json() if d["kind"] in KINDS]
    assert [d["kind"] for d in found] == ["questionnaire_due", "notice", "document_expiry",
                                          "contract_end"]
    start = (today - timedelta(days=30)).isoformat()
    notices = client.get(f"/api/deadlines/?start={start}&kind=notice&kind=exit_plan_review")
    assert [d["kind"] for d in notices.json()] == ["exit_plan_review", "notice"]
    assert notices.json()[1]["title"].endswith("Cloud hosting")
    critical = client.get("/api/deadlines/?critical=true").json()
    assert {d["kind"] for d in critical if d["kind"] in KINDS} == {
        "notice", "contract_end", "document_expiry"}


@pytest.mark.parametrize("query, field", [
    ("kind=nonsense", "kind"), ("start=yesterday", "start"), ("end=2020-01-01", "end"),
    ("start=2026-01-01&end=2030-01-01", "end"), ("colour=red", "colour"), ("start=", "start"),
])
def test_api_refuses_bad_parameters(users, query, field):
    response = api(users[Role.AUDITOR]).get(f"/api/deadlines/?{query}")
    assert response.status_code == 400
    assert field in response.content.decode()
