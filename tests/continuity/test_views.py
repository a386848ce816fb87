"""The continuity pages by role: plans, overviews with their charts and exports, panels."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.continuity.factories import (
    AlternativeFactory,
    CapabilityFactory,
    CriticalArrangementFactory,
    ExitPlanFactory,
    ExitPlanTestFactory,
    ExitStepFactory,
)
from tests.factories import ActivityFactory, ArrangementFactory, ProviderFactory, ServiceFactory
from tether.continuity.models import ExitPlan, ExitStep, InHouseCapability, ServiceAlternative
from tether.core.models import AuditEntry
from tether.core.roles import INTERNAL_ROLES, Role

pytestmark = pytest.mark.django_db
MAX_QUERIES = 15
OVERVIEWS = ("/continuity/readiness/", "/continuity/capability-coverage/",
             "/continuity/alternative-coverage/")
LISTS = ("/continuity/plans/", "/continuity/steps/", "/continuity/tests/",
         "/continuity/capabilities/", "/continuity/alternatives/")
WRITERS = (Role.ADMIN, Role.VENDOR_MANAGER, Role.RISK_OFFICER)


def xlsx_rows(response) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.get_sheet_by_index(0).to_python()


@pytest.fixture
def manager(users, login):
    return login(users[Role.VENDOR_MANAGER])


@pytest.fixture
def portfolio(db):
    """A critical arrangement of each readiness, an outsourced activity with and one without
    capability, a service with and one without an alternative."""
    today = timezone.localdate()
    missing = CriticalArrangementFactory(reference="CRIT-MISSING")
    ready = ExitPlanFactory(arrangement=CriticalArrangementFactory(reference="CRIT-READY"))
    ExitPlanTestFactory(plan=ready, tested_on=today - timedelta(days=30))
    failed = ExitPlanFactory(arrangement=CriticalArrangementFactory(reference="=CRIT-FAILED"))
    ExitPlanTestFactory(plan=failed, tested_on=today - timedelta(days=10), result="failed")
    untested = ExitPlanFactory(arrangement=CriticalArrangementFactory(reference="CRIT-NEW"))
    kept = CapabilityFactory(name="Payments know-how", level=3, people=4)
    bare = ActivityFactory(name="Card printing", sourcing="outsourced")
    covered = AlternativeFactory(switch_days=45, switch_cost=20000).service
    alone = ServiceFactory(name="Mainframe hosting")
    return {"missing": missing, "ready": ready, "failed": failed, "untested": untested,
            "kept": kept, "bare": bare, "covered": covered, "alone": alone}


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_every_internal_role_reads_the_overviews_and_lists(role, users, login, portfolio):
    client = login(users[role])
    for url in (*OVERVIEWS, *LISTS, portfolio["ready"].get_absolute_url()):
        assert client.get(url).status_code == 200, url
    can_write = client.get("/continuity/plans/add/").status_code
    assert can_write == (200 if role in WRITERS else 403)


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR])
def test_read_only_roles_cannot_write(role, users, login, portfolio):
    client = login(users[role])
    plan = portfolio["ready"]
    assert client.post("/continuity/plans/add/", {}).status_code == 403
    assert client.post(f"/continuity/plans/{plan.pk}/delete/").status_code == 403
    assert client.post(f"/continuity/plans/{plan.pk}/edit/", {}).status_code == 403
    assert ExitPlan.objects.filter(pk=plan.pk).exists()


def test_provider_contacts_see_nothing_of_continuity(users, login, portfolio):
    client = login(users["contact_a"])
    for url in (*OVERVIEWS, *LISTS, portfolio["ready"].get_absolute_url()):
        assert client.get(url).status_code in (403, 404), url


def test_manager_writes_an_exit_plan_from_the_arrangement_link_audited(manager):
    arrangement = CriticalArrangementFactory()
    page = manager.get(f"/continuity/plans/add/?arrangement={arrangement.pk}")
    assert page.context["form"].initial["arrangement"] == str(arrangement.pk)
    response = manager.post("/continuity/plans/add/", {
        "arrangement": arrangement.pk, "strategy": "in_house", "triggers": "Insolvency",
        "target_duration_days": 90, "currency": "EUR", "review_months": 12})
    assert response.status_code == 302, response.context["form"].errors
    plan = ExitPlan.objects.get(arrangement=arrangement)
    assert response["Location"] == f"/continuity/plans/{plan.pk}/"
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(ExitPlan))
    assert entry.action == "create" and entry.actor.username == "vendor_manager-user"


def test_a_second_plan_for_the_same_arrangement_is_refused(manager):
    plan = ExitPlanFactory()
    response = manager.post("/continuity/plans/add/", {
        "arrangement": plan.arrangement_id, "strategy": "in_house", "triggers": "x",
        "target_duration_days": 90, "currency": "EUR", "review_months": 12})
    assert response.status_code == 200 and response.context["form"].errors
    assert ExitPlan.objects.count() == 1


def test_step_added_from_the_plan_goes_last(manager):
    plan = ExitPlanFactory()
    ExitStepFactory(plan=plan, position=4)
    assert manager.get(f"/continuity/steps/add/?plan={plan.pk}").context[
        "form"].initial["plan"] == str(plan.pk)
    response = manager.post("/continuity/steps/add/", {
        "plan": plan.pk, "position": "", "description": "Switch over", "duration_days": 10})
    assert response.status_code == 302, response.context["form"].errors
    assert ExitStep.objects.get(description="Switch over").position == 5


def test_prefilled_add_forms_for_activity_and_service(manager):
    activity, service = ActivityFactory(), ServiceFactory()
    assert manager.get(f"/continuity/capabilities/add/?activity={activity.pk}").context[
        "form"].initial["activity"] == str(activity.pk)
    assert manager.get(f"/continuity/alternatives/add/?service={service.pk}").context[
        "form"].initial["service"] == str(service.pk)


def test_contracted_alternative_names_its_provider(manager):
    service = ServiceFactory()
    data = {"service": service.pk, "kind": "contracted", "switch_days": 30, "currency": "EUR"}
    response = manager.post("/continuity/alternatives/add/", data)
    assert response.status_code == 200 and "provider" in response.context["form"].errors
    provider = ProviderFactory()
    response = manager.post("/continuity/alternatives/add/", {**data, "provider": provider.pk})
    assert response.status_code == 302
    assert ServiceAlternative.objects.get().provider == provider


def test_plan_page_shows_steps_against_target_tests_and_readiness(manager):
    plan = ExitPlanFactory(target_duration_days=50)
    ExitStepFactory(plan=plan, position=2, description="Migrate data", duration_days=40)
    ExitStepFactory(plan=plan, position=1, description="Notify the board", duration_days=20)
    ExitPlanTestFactory(plan=plan, tested_on=timezone.localdate(), result="failed",
                        lessons="Contacts outdated")
    response = manager.get(plan.get_absolute_url())
    page = response.content.decode()
    assert response.context["steps_total_days"] == 60 and response.context["over_target"]
    assert page.index("Notify the board") < page.index("Migrate data")
    assert "Last test failed" in page and "Contacts outdated" in page
    assert f"/continuity/tests/add/?plan={plan.pk}" in page


def test_readiness_overview_charts_counts_and_filters(manager, portfolio):
    response = manager.get("/continuity/readiness/")
    page = response.content.decode()
    assert "<svg" in page and "Critical arrangements by exit readiness" in page
    assert response.context["table"].page.paginator.count == 4
    filtered = manager.get("/continuity/readiness/?readiness=missing")
    assert [a.reference for a in filtered.context["table"].records] == ["CRIT-MISSING"]
    by_organisation = manager.get(
        f"/continuity/readiness/?organisation={portfolio['missing'].organisation_id}")
    assert by_organisation.context["table"].page.paginator.count == 1
    by_provider = manager.get(
        f"/continuity/readiness/?provider={portfolio['failed'].arrangement.provider_id}")
    assert [a.reference for a in by_provider.context["table"].records] == ["=CRIT-FAILED"]


def test_readiness_overview_answers_htmx_with_the_table_only(manager, portfolio):
    response = manager.get("/continuity/readiness/?readiness=ready", HTTP_HX_REQUEST="true",
                           HTTP_HX_TARGET="results")
    page = response.content.decode()
    assert "<svg" not in page and "CRIT-READY" in page and "CRIT-NEW" not in page


def test_readiness_export_csv_is_filtered_and_formula_safe(manager, portfolio):
    response = manager.get("/continuity/readiness/?format=csv&readiness=failed")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content)
                                       .decode("utf-8-sig"))))
    assert rows[0][:6] == ["reference", "title", "provider", "organisation", "status",
                           "readiness"]
    assert [(row[0], row[5]) for row in rows[1:]] == [("'=CRIT-FAILED", "failed")]


def test_readiness_export_xlsx(manager, portfolio):
    response = manager.get("/continuity/readiness/?format=xlsx")
    values = xlsx_rows(response)
    assert values[0][0] == "reference" and len(values) == 5


def test_unknown_export_format_is_not_found(manager):
    assert manager.get("/continuity/readiness/?format=pdf").status_code == 404
    assert manager.get("/continuity/plans/export/?format=pdf").status_code == 404


def test_capability_overview_flags_activities_with_nothing_kept(manager, portfolio):
    response = manager.get("/continuity/capability-coverage/")
    page = response.content.decode()
    assert "<svg" in page and "No capability recorded" in page
    flagged = manager.get("/continuity/capability-coverage/?no_capability=true")
    assert [a.name for a in flagged.context["table"].records] == ["Card printing"]
    export = manager.get("/continuity/capability-coverage/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    by_activity = {row[1]: row for row in rows[1:]}
    assert by_activity["Card printing"][3:] == ["", "", "0"]
    assert by_activity[portfolio["kept"].activity.name][3:] == ["3", "4", "1"]


def test_alternatives_overview_flags_services_without_alternative(manager, portfolio):
    response = manager.get("/continuity/alternative-coverage/")
    assert "Services by number of alternatives" in response.content.decode()
    flagged = manager.get("/continuity/alternative-coverage/?no_alternative=true")
    assert [s.name for s in flagged.context["table"].records] == ["Mainframe hosting"]
    export = manager.get("/continuity/alternative-coverage/?format=xlsx")
    rows = {row[0]: row for row in xlsx_rows(export)[1:]}
    assert rows[portfolio["covered"].name][2:5] == [1, False, 45]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_exports_csv_and_xlsx(manager, portfolio, url):
    ExitStepFactory(plan=portfolio["ready"])
    for fmt in ("csv", "xlsx"):
        response = manager.get(f"{url}export/?format={fmt}")
        assert response.status_code == 200 and b"".join(response.streaming_content)


def test_plan_list_export_carries_the_readiness(manager, portfolio):
    response = manager.get("/continuity/plans/export/?format=csv&strategy=alternative_provider")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content)
                                           .decode("utf-8-sig"))))
    assert {row["arrangement"]: row["readiness"] for row in rows} == {
        "CRIT-READY": "ready", "'=CRIT-FAILED": "failed", "CRIT-NEW": "untested"}


@pytest.mark.parametrize("url", OVERVIEWS + LISTS)
def test_overview_and_list_pages_stay_within_the_query_budget(
        url, manager, portfolio, django_assert_max_num_queries):
    for _ in range(5):
        CapabilityFactory()
        AlternativeFactory()
        ExitPlanTestFactory(plan=ExitPlanFactory())
    with django_assert_max_num_queries(MAX_QUERIES):
        assert manager.get(url).status_code == 200


def test_plan_detail_within_the_query_budget(manager, portfolio, django_assert_max_num_queries):
    plan = portfolio["ready"]
    for _ in range(5):
        ExitStepFactory(plan=plan)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert manager.get(plan.get_absolute_url()).status_code == 200


# --- panels on the register's pages --------------------------------------------------------------

def test_critical_arrangement_without_plan_offers_to_write_one(manager, portfolio):
    page = manager.get(portfolio["missing"].get_absolute_url()).content.decode()
    assert "Write an exit plan" in page
    assert f"/continuity/plans/add/?arrangement={portfolio['missing'].pk}" in page


def test_arrangement_page_shows_its_plan_and_readiness(manager, portfolio):
    page = manager.get(portfolio["failed"].arrangement.get_absolute_url()).content.decode()
    assert "Exit plan" in page and "Last test failed" in page


def test_ordinary_arrangement_has_no_exit_plan_card(manager):
    page = manager.get(ArrangementFactory().get_absolute_url()).content.decode()
    assert "Write an exit plan" not in page


def test_read_only_role_sees_the_card_without_the_write_link(users, login, portfolio):
    page = login(users[Role.EXECUTIVE]).get(
        portfolio["missing"].get_absolute_url()).content.decode()
    assert "no exit plan" in page and "Write an exit plan" not in page


def test_activity_page_shows_capabilities_or_flags_none(manager, portfolio):
    page = manager.get(portfolio["kept"].activity.get_absolute_url()).content.decode()
    assert "In-house capability" in page and "Payments know-how" in page
    bare = manager.get(portfolio["bare"].get_absolute_url()).content.decode()
    assert "No in-house capability recorded" in bare
    assert f"/continuity/capabilities/add/?activity={portfolio['bare'].pk}" in bare


def test_service_page_shows_alternatives_or_flags_none(manager, portfolio):
    page = manager.get(portfolio["covered"].get_absolute_url()).content.decode()
    assert "Alternatives" in page and "A provider on the market" in page
    alone = manager.get(portfolio["alone"].get_absolute_url()).content.decode()
    assert "No alternative recorded" in alone


def test_deleting_a_plan_audits_its_steps_and_tests(manager):
    plan = ExitPlanFactory()
    ExitStepFactory(plan=plan)
    ExitPlanTestFactory(plan=plan)
    response = manager.post(f"/continuity/plans/{plan.pk}/delete/")
    assert response.status_code == 302
    assert set(AuditEntry.objects.filter(action="delete").values_list(
        "content_type__model", flat=True)) == {"exitplan", "exitstep", "exitplantest"}


def test_capability_list_filters_by_activity(manager, portfolio):
    other = CapabilityFactory()
    response = manager.get(f"/continuity/capabilities/?activity={other.activity_id}")
    assert [c.pk for c in response.context["table"].records] == [other.pk]
    assert InHouseCapability.objects.count() == 2


def test_dates_render(manager):
    plan = ExitPlanFactory(last_reviewed=date(2026, 1, 2))
    assert "2026-01-02" in manager.get(plan.get_absolute_url()).content.decode()
