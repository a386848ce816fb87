"""The oversight pages by role: lists, details, exports, closing, the timeline, panels."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.factories import ArrangementFactory, ProviderFactory
from tests.oversight.factories import (
    CorrectiveActionFactory,
    FindingFactory,
    IncidentFactory,
    oversight_objects,
)
from tether.core.models import AuditEntry
from tether.core.roles import INTERNAL_ROLES, Role
from tether.oversight.models import Finding, Incident, IncidentEvent

pytestmark = pytest.mark.django_db
MAX_QUERIES = 15
LISTS = ("/oversight/audits/", "/oversight/findings/", "/oversight/actions/",
         "/oversight/incidents/", "/oversight/incident-events/", "/oversight/overdue-actions/")
WRITERS = (Role.ADMIN, Role.VENDOR_MANAGER, Role.RISK_OFFICER, Role.SECURITY_OFFICER)
YESTERDAY = timezone.localdate() - timedelta(days=1)


@pytest.fixture
def world(provider_b):
    return oversight_objects(provider_b, ArrangementFactory(provider=provider_b))


@pytest.fixture
def officer(users, login):
    return login(users[Role.SECURITY_OFFICER])


def xlsx_rows(response) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.get_sheet_by_index(0).to_python()


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_every_internal_role_reads_and_only_writers_write(role, users, login, world):
    client = login(users[role])
    for url in (*LISTS, *(obj.get_absolute_url() for obj in world.values())):
        assert client.get(url).status_code == 200, url
    for url in ("/oversight/findings/add/", "/oversight/incidents/add/"):
        assert client.get(url).status_code == (200 if role in WRITERS else 403), url


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR])
def test_read_only_roles_cannot_close_delete_or_add_to_the_timeline(role, users, login,
                                                                    world):
    client = login(users[role])
    finding, incident = world[Finding], world[Incident]
    assert client.post(f"/oversight/findings/{finding.pk}/close/").status_code == 403
    assert client.post(f"/oversight/findings/{finding.pk}/delete/").status_code == 403
    assert client.post(f"/oversight/incidents/{incident.pk}/timeline/",
                       {"description": "x"}).status_code == 403
    assert Finding.objects.filter(pk=finding.pk, status="open").exists()
    assert IncidentEvent.objects.count() == 1


def test_provider_contacts_see_nothing_internal(users, login, world):
    client = login(users["contact_b"])
    for url in (*LISTS, *(obj.get_absolute_url() for obj in world.values())):
        assert client.get(url).status_code in (403, 404), url


def test_officer_records_a_finding_from_the_audit_page_audited(officer, world):
    audit = world[Finding].audit
    page = officer.get(audit.get_absolute_url())
    assert b"Record a finding" in page.content and world[Finding].title.encode() in page.content
    form = officer.get(f"/oversight/findings/add/?audit={audit.pk}&provider={audit.provider_id}")
    assert form.context["form"].initial["audit"] == str(audit.pk)
    response = officer.post("/oversight/findings/add/", {
        "audit": audit.pk, "provider": audit.provider_id, "title": "No MFA on admin accounts",
        "severity": "critical", "status": "open", "raised_on": timezone.localdate(),
        "due_date": timezone.localdate() + timedelta(days=30)})
    assert response.status_code == 302, response.context["form"].errors
    finding = Finding.objects.get(title="No MFA on admin accounts")
    assert AuditEntry.objects.filter(object_id=str(finding.pk), action="create",
                                     content_type__model="finding").exists()


def test_finding_of_another_providers_arrangement_is_refused_with_a_clear_error(officer):
    provider = ProviderFactory()
    response = officer.post("/oversight/findings/add/", {
        "provider": provider.pk, "arrangement": ArrangementFactory().pk, "title": "x",
        "severity": "low", "status": "open", "raised_on": timezone.localdate()})
    assert response.status_code == 200
    assert "another provider" in str(response.context["form"].errors["arrangement"])
    assert not Finding.objects.exists()


def test_closing_a_finding_waits_for_its_actions(officer, world):
    finding, action = world[Finding], world[next(m for m in world if m.__name__ ==
                                                 "CorrectiveAction")]
    page = officer.get(finding.get_absolute_url())
    assert b'data-testid="close-blocked"' in page.content
    response = officer.post(f"/oversight/findings/{finding.pk}/close/", {"closure_note": "ok"},
                            follow=True)
    assert "still has 1 corrective action" in response.content.decode()
    action.status = "done"
    action.save()
    assert b"Close the finding" in officer.get(finding.get_absolute_url()).content
    officer.post(f"/oversight/findings/{finding.pk}/close/", {"closure_note": "Verified"})
    finding.refresh_from_db()
    assert finding.status == "closed" and finding.closure_note == "Verified"


def test_timeline_update_added_with_htmx_returns_the_timeline(officer, world):
    incident = world[Incident]
    response = officer.post(f"/oversight/incidents/{incident.pk}/timeline/",
                            {"description": "Failover <b>done</b>", "at": ""},
                            HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="incident-timeline"' in html and "Failover &lt;b&gt;done&lt;/b&gt;" in html
    assert incident.events.count() == 2
    empty = officer.post(f"/oversight/incidents/{incident.pk}/timeline/",
                         {"description": "  ", "at": "not a date"}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 200 and "invalid-feedback" in empty.content.decode()
    assert incident.events.count() == 2


def test_overdue_actions_page_lists_only_overdue_ones(officer):
    late = CorrectiveActionFactory(description="Late one", due_date=YESTERDAY)
    CorrectiveActionFactory(description="Done one", due_date=YESTERDAY, status="done")
    CorrectiveActionFactory(description="Future one")
    page = officer.get("/oversight/overdue-actions/")
    assert [row.pk for row in page.context["table"].records] == [late.pk]
    assert b"overdue" in page.content


def test_lists_filter_overdue_and_open(officer):
    late = FindingFactory(due_date=YESTERDAY, raised_on=YESTERDAY)
    FindingFactory()
    page = officer.get("/oversight/findings/?overdue=true")
    assert [row.pk for row in page.context["table"].records] == [late.pk]
    refused = officer.get("/oversight/findings/?overdue=maybe")
    assert refused.context["table"].page.paginator.count == 0


def test_exports_in_csv_and_xlsx_with_the_lists_filters(officer):
    FindingFactory(title="=HYPERLINK(\"http://evil\")", severity="critical")
    FindingFactory(title="Minor", severity="low")
    rows = csv_rows(officer.get("/oversight/findings/export/?format=csv&severity=critical"))
    assert rows[0][:3] == ["title", "provider", "arrangement"] and len(rows) == 2
    assert not rows[1][0].startswith("=")  # formula injection neutralised by the writer
    late = CorrectiveActionFactory(due_date=YESTERDAY)
    CorrectiveActionFactory()
    sheet = xlsx_rows(officer.get("/oversight/actions/export/?format=xlsx&overdue=true"))
    assert len(sheet) == 2 and sheet[1][0] == late.description
    for url in ("/oversight/audits/export/", "/oversight/incidents/export/",
                "/oversight/incident-events/export/"):
        assert officer.get(f"{url}?format=csv").status_code == 200
    assert officer.get("/oversight/incidents/export/?format=exe").status_code == 404


def test_provider_and_arrangement_pages_show_the_oversight_card(officer, world):
    finding = world[Finding]
    FindingFactory(provider=finding.provider, arrangement=finding.arrangement,
                   due_date=YESTERDAY, raised_on=YESTERDAY, title="Late finding")
    for page in (officer.get(finding.provider.get_absolute_url()),
                 officer.get(finding.arrangement.get_absolute_url())):
        html = page.content.decode()
        assert 'data-testid="oversight-summary"' in html and "Late finding" in html
        card = next(p for p in page.context["panels"] if p.title == "Oversight")
        assert card.context["counts"]["open_findings"] == 2
        assert card.context["counts"]["overdue_findings"] == 1
        assert card.context["counts"]["active_incidents"] == 1
    quiet = ProviderFactory()
    page = officer.get(quiet.get_absolute_url())
    assert all(p.title != "Oversight" for p in page.context["panels"])


def test_dashboard_card_counts_overdue_actions_and_open_incidents(users, login):
    CorrectiveActionFactory(due_date=YESTERDAY, description="Purge old recordings")
    IncidentFactory(is_major=True)
    IncidentFactory(status="closed", resolved_at=timezone.now())
    page = login(users[Role.EXECUTIVE]).get("/")
    card = next(p for p in page.context["panels"] if p.title == "Oversight")
    assert card.context["overdue_count"] == 1 and card.context["incident_count"] == 1
    assert card.context["major_count"] == 1
    assert "Purge old recordings" in page.content.decode()


@pytest.mark.parametrize("url", LISTS)
def test_list_pages_keep_to_the_query_budget(url, officer, django_assert_max_num_queries):
    for _ in range(3):
        objects = oversight_objects(ProviderFactory())
        CorrectiveActionFactory(incident=objects[Incident], finding=None, due_date=YESTERDAY)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert officer.get(url).status_code == 200


def test_detail_pages_keep_to_the_query_budget(officer, world, django_assert_max_num_queries):
    for obj in world.values():
        with django_assert_max_num_queries(MAX_QUERIES + 5):
            assert officer.get(obj.get_absolute_url()).status_code == 200
