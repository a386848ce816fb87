"""The contracts pages by role: the checklist, the gap overview with its export, coverage,
the library, the arrangement panel and the dashboard card."""

import csv
import io

import pytest
from django.test import RequestFactory

from tests.contracts.factories import ArrangementClauseFactory
from tests.factories import ArrangementFactory, make_document
from tether.contracts import panels
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.core.models import AuditEntry
from tether.core.roles import INTERNAL_ROLES, Role

pytestmark = pytest.mark.django_db
MAX_QUERIES = 15
WRITERS = (Role.ADMIN, Role.VENDOR_MANAGER, Role.RISK_OFFICER)
PAGES = ("/contracts/gaps/", "/contracts/coverage/", "/contracts/requirements/",
         "/contracts/checks/")


@pytest.fixture
def critical(db):
    arrangement = ArrangementFactory(is_critical=True, reference="=CRIT-1")
    for code in ("SERVICE_DESCRIPTION", "SERVICE_LEVELS", "TLPT"):
        ArrangementClauseFactory(arrangement=arrangement, status="present",
                                 requirement=ClauseRequirement.objects.get(code=code))
    ArrangementClauseFactory(arrangement=arrangement, status="missing",
                             requirement=ClauseRequirement.objects.get(code="EXIT_ASSISTANCE"))
    return arrangement


def checklist_url(arrangement) -> str:
    return f"/contracts/arrangements/{arrangement.pk}/checklist/"


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_every_internal_role_reads_the_pages_only_writers_edit(role, users, login, critical):
    client = login(users[role])
    some_check = ArrangementClause.objects.filter(arrangement=critical).first()
    requirement = ClauseRequirement.objects.get(code="TLPT")
    for url in (*PAGES, checklist_url(critical), some_check.get_absolute_url(),
                requirement.get_absolute_url(), "/contracts/checks/export/?format=xlsx",
                "/contracts/requirements/export/?format=csv"):
        assert client.get(url).status_code == 200, url
    response = client.get(checklist_url(critical))
    assert (b"Save the checklist" in response.content) == (role in WRITERS)
    assert client.get("/contracts/checks/add/").status_code == (
        200 if role in WRITERS else 403)
    assert client.get("/contracts/requirements/add/").status_code == (
        200 if role == Role.ADMIN else 403)


@pytest.mark.parametrize("contact", ["contact_a", "contact_b"])
def test_provider_contacts_see_none_of_it(contact, users, login, critical):
    critical.provider = users[contact].provider
    critical.save()
    client = login(users[contact])
    for url in (*PAGES, checklist_url(critical),
                ArrangementClause.objects.filter(arrangement=critical).first()
                .get_absolute_url()):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, Role.SECURITY_OFFICER])
def test_read_only_roles_cannot_post_the_checklist(role, users, login, critical):
    client = login(users[role])
    before = ArrangementClause.objects.count()
    assert client.post(checklist_url(critical), {}).status_code == 403
    assert ArrangementClause.objects.count() == before


def test_checklist_shows_every_required_clause_with_its_state(users, login, critical):
    response = login(users[Role.AUDITOR]).get(checklist_url(critical))
    body = response.content.decode()
    required = ClauseRequirement.objects.filter(is_active=True).count()
    assert body.count("data-clause=") == required
    assert f'data-summary="3/{required}"' in body
    assert "Not checked" in body and "Missing" in body


def test_checklist_form_saves_all_clauses_in_one_go(users, login, critical):
    manager = users[Role.VENDOR_MANAGER]
    document = make_document(actor=manager, attached_to=critical, name="msa.pdf")
    tlpt = ClauseRequirement.objects.get(code="TLPT")
    law = ClauseRequirement.objects.get(code="GOVERNING_LAW")
    client = login(manager)
    page = client.get(checklist_url(critical))
    data = {f"{form.prefix}-{name}": form[name].value() or ""
            for _row, form, _badge in page.context["rows"]
            for name in ("status", "location", "document", "reason", "note")}
    data[f"c{law.pk}-status"] = "present"
    data[f"c{law.pk}-location"] = "MSA §27"
    data[f"c{law.pk}-document"] = str(document.pk)
    data[f"c{tlpt.pk}-status"] = "not_applicable"
    data[f"c{tlpt.pk}-reason"] = "Not in scope of DORA Art. 26."
    response = client.post(checklist_url(critical), data)
    assert response.status_code == 302
    law_check = ArrangementClause.objects.get(arrangement=critical, requirement=law)
    assert (law_check.document, law_check.checked_by) == (document, manager)
    assert ArrangementClause.objects.get(arrangement=critical, requirement=tlpt).status == \
        "not_applicable"
    assert AuditEntry.objects.filter(object_id=str(law_check.pk), action="create").exists()


@pytest.mark.parametrize("field, value, problem", [
    ("status", "present'; DROP TABLE contracts_arrangementclause;--", "Select a valid choice"),
    ("status", "not_applicable", "say why the clause does not apply"),
    ("document", "99999999999999999999", "Select a valid choice"),
])
def test_hostile_or_incomplete_checklist_input_is_refused_and_nothing_saved(
        field, value, problem, users, login, critical):
    client = login(users[Role.RISK_OFFICER])
    tlpt = ClauseRequirement.objects.get(code="TLPT")
    law = ClauseRequirement.objects.get(code="GOVERNING_LAW")
    before = list(ArrangementClause.objects.order_by("pk").values_list("pk", "status"))
    response = client.post(checklist_url(critical), {
        f"c{law.pk}-status": "present", f"c{tlpt.pk}-{field}": value,
        **({f"c{tlpt.pk}-status": "present"} if field != "status" else {})})
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert list(ArrangementClause.objects.order_by("pk").values_list("pk", "status")) == before


def test_another_organisations_arrangement_documents_are_not_offered(users, login, critical):
    other = ArrangementFactory()
    foreign = make_document(actor=users[Role.VENDOR_MANAGER], attached_to=other, name="x.pdf")
    page = login(users[Role.VENDOR_MANAGER]).get(checklist_url(critical))
    assert f'value="{foreign.pk}"' not in page.content.decode()


def test_gap_overview_filters_by_clause_and_exports_csv(users, login, critical):
    complete = ArrangementFactory(reference="OK-1")
    for requirement in ClauseRequirement.objects.filter(applies_to="all"):
        ArrangementClauseFactory(arrangement=complete, requirement=requirement)
    client = login(users[Role.EXECUTIVE])
    exit_clause = ClauseRequirement.objects.get(code="EXIT_ASSISTANCE")
    response = client.get(f"/contracts/gaps/?clause={exit_clause.pk}")
    body = response.content.decode()
    assert "=CRIT-1" in body and "OK-1" not in body
    response = client.get("/contracts/gaps/?format=csv&has_gaps=false")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "reference" and [r[0] for r in rows[1:]] == ["OK-1"]
    full = client.get("/contracts/gaps/?format=csv")
    text = b"".join(full.streaming_content).decode()
    assert "'=CRIT-1" in text  # a reference a spreadsheet would run is defused
    assert client.get("/contracts/gaps/?clause=abc").status_code == 200
    assert client.get("/contracts/gaps/?format=exe").status_code == 404


def test_coverage_lists_most_missing_clause_first(users, login, critical):
    body = login(users[Role.AUDITOR]).get("/contracts/coverage/").content.decode()
    assert body.index('data-clause="EXIT_ASSISTANCE"') < body.index('data-clause="TLPT"')


def test_arrangement_page_has_the_clause_panel(users, login, critical):
    body = login(users[Role.EXECUTIVE]).get(critical.get_absolute_url()).content.decode()
    required = ClauseRequirement.objects.filter(is_active=True).count()
    assert "Contract clauses" in body and f'data-clause-summary="3/{required}"' in body
    assert checklist_url(critical) in body


def test_dashboard_card_counts_live_critical_arrangements_with_missing_clauses(
        users, login, critical):
    ArrangementFactory(is_critical=True, status="terminated")
    body = login(users[Role.EXECUTIVE]).get("/").content.decode()
    assert "Contract clause gaps" in body
    assert 'data-stat="critical-with-missing-clauses">1<' in body
    required = ClauseRequirement.objects.filter(is_active=True).count()
    assert f'data-stat="missing-clauses">{required - 3}<' in body


def test_builtin_requirement_page_offers_no_delete_that_works(users, login):
    client = login(users[Role.ADMIN])
    builtin = ClauseRequirement.objects.get(code="TLPT")
    response = client.post(f"/contracts/requirements/{builtin.pk}/delete/")
    assert response.status_code == 302
    assert ClauseRequirement.objects.filter(pk=builtin.pk).exists()


def test_pages_cost_a_bounded_number_of_queries(users, login, critical,
                                                django_assert_max_num_queries):
    for index in range(30):
        arrangement = ArrangementFactory(is_critical=index % 2 == 0)
        ArrangementClauseFactory(arrangement=arrangement, status="partial")
    client = login(users[Role.AUDITOR])
    client.get("/contracts/requirements/")  # the session's first save is not the page's
    for url in ("/contracts/gaps/", "/contracts/coverage/", checklist_url(critical),
                "/contracts/checks/"):
        with django_assert_max_num_queries(MAX_QUERIES):
            assert client.get(url).status_code == 200, url
    request = RequestFactory().get("/")
    request.user = users[Role.AUDITOR]
    # The cards on other pages: two and three queries.
    with django_assert_max_num_queries(2):
        assert len(panels.arrangement_panels(request, critical)) == 1
    with django_assert_max_num_queries(3):
        assert len(panels.dashboard_panels(request)) == 1
