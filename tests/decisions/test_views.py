"""The decisions pages by role: the case page with its charts, the actions, the exports."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.decisions.factories import (
    DecisionCaseFactory,
    DecisionOptionFactory,
    decided_case,
    fixed,
)
from tests.factories import ActivityFactory
from tether.core.roles import Role
from tether.decisions import services
from tether.decisions.choices import CaseStatus, OptionKind
from tether.decisions.models import DecisionCase, DecisionOption
from tether.registry.transfer.readers import open_table

pytestmark = pytest.mark.django_db
MAX_QUERIES = 15


@pytest.fixture
def manager(users, login):
    return login(users[Role.VENDOR_MANAGER])


@pytest.fixture
def case():
    case = DecisionCaseFactory(activity=ActivityFactory(name="Contact centre"))
    DecisionOptionFactory(case=case, name="Keep", kind=OptionKind.IN_HOUSE, **fixed("fee", 1100))
    DecisionOptionFactory(case=case, name="Offer A")
    return case


def option_form(case, **changes) -> dict:
    data = {"case": case.pk, "name": "Offer C", "kind": "outsource", "provider": "",
            "escalation_percent": "2", "risk_cost_manual": "", "notes": ""}
    for prefix in ("transition", "fee", "overhead", "exit"):
        data.update({f"{prefix}_low": "0", f"{prefix}_mode": "0", f"{prefix}_high": "0"})
    data.update({"fee_low": "800", "fee_mode": "900", "fee_high": "1000"})
    data.update(changes)
    return data


def test_manager_opens_a_case_from_an_activity_and_adds_options(manager):
    activity = ActivityFactory(name="Payroll")
    page = manager.get(f"/decisions/cases/add/?activity={activity.pk}")
    assert page.status_code == 200
    response = manager.post("/decisions/cases/add/", {
        "activity": activity.pk, "title": "Payroll: keep or outsource?", "horizon_years": 5,
        "currency": "EUR", "discount_rate": "0.06", "risk_cost_share": "0.2",
        "description": ""})
    case = DecisionCase.objects.get(title="Payroll: keep or outsource?")
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.created_by.username == "vendor_manager-user"
    assert manager.get(f"/decisions/options/add/?case={case.pk}").status_code == 200
    response = manager.post("/decisions/options/add/", option_form(case))
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert DecisionOption.objects.get(case=case).fee_mode == Decimal("900")


def test_option_form_says_which_range_is_wrong(manager, case):
    response = manager.post("/decisions/options/add/",
                            option_form(case, fee_low="1000", fee_high="500"))
    assert response.status_code == 200
    assert "Recurring annual fee: the high value (500) is below the low value (1000)." in \
        response.content.decode()


def test_run_simulation_then_record_the_decision(manager, case):
    page = manager.get(case.get_absolute_url()).content.decode()
    assert "Run simulation" in page and "Not simulated yet" in page
    response = manager.post(f"/decisions/cases/{case.pk}/simulate/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.simulation_runs == 10_000 and case.simulation_seed is not None
    page = manager.get(case.get_absolute_url()).content.decode()
    assert "Savings of Offer A over keeping it in-house" in page
    assert "P(outsourcing costs more)" in page and "<svg" in page
    assert "Suggested by the simulation" in page and "Record decision" in page
    form = manager.get(f"/decisions/cases/{case.pk}/decide/").content.decode()
    assert "with the lowest risk-adjusted expected cost" in form
    offer = case.options.get(name="Offer A")
    response = manager.post(f"/decisions/cases/{case.pk}/decide/", {
        "chosen_option": offer.pk, "recommendation": "Outsource to Offer A.",
        "reasons": "Cheaper in most runs.", "decided_on": "2026-01-15"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED and case.chosen_option == offer
    assert str(case.decided_on) == "2026-01-15"
    page = manager.get(case.get_absolute_url()).content.decode()
    assert "kept as they were when the decision was taken" in page
    assert "Run simulation" not in page and "Savings planned vs achieved" in page


def test_editing_an_option_of_a_decided_case_explains_why_not(manager):
    case = decided_case()
    option = case.options.get(name="Offer")
    response = manager.post(f"/decisions/options/{option.pk}/edit/",
                            option_form(case, name="Offer"))
    assert response.status_code == 200
    assert "Open a new case to revisit the decision." in response.content.decode()
    assert DecisionOption.objects.get(pk=option.pk).fee_mode == Decimal("1000")


def test_core_competency_warning_shows_on_the_case_page(manager):
    case = DecisionCaseFactory(activity=ActivityFactory(name="Credit risk",
                                                        is_core_competency=True))
    page = manager.get(case.get_absolute_url()).content.decode()
    assert "Core competency check." in page and "normally kept in-house" in page


def test_actuals_show_planned_vs_achieved_with_a_chart(manager):
    case = decided_case()
    response = manager.post("/decisions/actuals/add/", {
        "case": case.pk, "year": 1, "actual_cost": "1250", "sla_attainment": "98.5",
        "notes": ""})
    assert response.status_code == 302
    page = manager.get(case.get_absolute_url()).content.decode()
    assert "Cumulative savings, planned (line) vs achieved (bars)" in page
    assert "98.50 %" in page


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, Role.RISK_OFFICER])
def test_readers_see_cases_but_cannot_write(role, users, login, case):
    client = login(users[role])
    assert client.get("/decisions/cases/").status_code == 200
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200 and "Run simulation" not in page.content.decode()
    assert client.get("/decisions/cases/add/").status_code == 403
    assert client.post(f"/decisions/cases/{case.pk}/simulate/").status_code == 403
    assert client.get(f"/decisions/cases/{case.pk}/decide/").status_code == 403
    assert client.post("/decisions/options/add/", option_form(case)).status_code == 403
    assert client.post(f"/decisions/cases/{case.pk}/delete/").status_code == 403
    case.refresh_from_db()
    assert case.simulation is None and DecisionCase.objects.filter(pk=case.pk).exists()


def test_provider_contacts_see_no_decisions(users, login, case):
    client = login(users["contact_a"])
    assert client.get("/decisions/cases/").status_code in (302, 403)
    assert client.get(case.get_absolute_url()).status_code in (302, 403, 404)


def test_case_list_filters_by_activity_and_status(manager, case):
    other = decided_case()
    page = manager.get(f"/decisions/cases/?activity={case.activity_id}").content.decode()
    assert case.title in page and other.title not in page
    page = manager.get("/decisions/cases/?status=decided").content.decode()
    assert other.title in page and case.title not in page


def test_options_export_as_csv_and_xlsx(manager, case):
    services.case_simulate(case, actor=None, runs=500, seed=1)
    response = manager.get(f"/decisions/cases/{case.pk}/options/export/?format=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert header.startswith("option,kind,provider,transition_low")
    assert "mean_npv" in header and len(rows) == 2
    assert rows[0].startswith("Keep,Keep in-house,,0.00,0.00,0.00,1100.00")
    response = manager.get(f"/decisions/cases/{case.pk}/options/export/?format=xlsx")
    with open_table(io.BytesIO(b"".join(response.streaming_content)),
                    filename="options.xlsx") as table:
        assert table.headers[0] == "option" and len(list(table.rows)) == 2
    assert manager.get(f"/decisions/cases/{case.pk}/options/export/?format=pdf"
                       ).status_code == 404


def test_actuals_export_has_planned_and_achieved(manager):
    case = decided_case()
    services.ACTUAL.create(actor=None, data={"case": case, "year": 2,
                                             "actual_cost": Decimal("1050")})
    response = manager.get(f"/decisions/cases/{case.pk}/actuals/export/?format=csv")
    header, *rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert header.startswith("year,planned_cost,baseline_cost,actual_cost,variance")
    assert rows[1] == "2,1000.0,1200.0,1050.0,50.0,200.0,150.0,100.0,150.0,,"
    assert len(rows) == 3


def test_activity_page_lists_its_cases(manager, case):
    page = manager.get(f"/registry/activities/{case.activity_id}/").content.decode()
    assert "Keep or outsource" in page and case.title in page


def test_case_page_and_list_stay_within_the_query_budget(manager, case):
    decided = decided_case()
    for year in (1, 2, 3):
        services.ACTUAL.create(actor=None, data={"case": decided, "year": year,
                                                 "actual_cost": Decimal("1000")})
    services.case_simulate(case, actor=None, runs=500, seed=1)
    for url in (case.get_absolute_url(), decided.get_absolute_url(), "/decisions/cases/",
                "/decisions/options/", "/decisions/actuals/"):
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(url).status_code == 200
        assert len(queries) <= MAX_QUERIES, (url, len(queries))


@pytest.mark.parametrize("prefix", ["cases", "options", "actuals"])
def test_every_decision_list_exports_to_csv_and_xlsx(prefix, users, login):
    from tests.decisions.factories import DecisionOptionFactory

    option = DecisionOptionFactory()
    client = login(users[Role.EXECUTIVE])
    answer = client.get(f"/decisions/{prefix}/export/?format=csv")
    assert answer.status_code == 200
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,")
    if prefix != "actuals":
        assert option.case.title in text
    assert client.get(f"/decisions/{prefix}/export/?format=xlsx").status_code == 200
    assert client.get(f"/decisions/{prefix}/export/?format=pdf").status_code == 404
