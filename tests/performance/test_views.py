"""The performance pages by role: levels and bands, the level's chart and periods, results and
breaches with their exports, credits owed, the dashboard, and the cards on other pages."""

import csv
import io

import pytest
from python_calamine import CalamineWorkbook

from tests.factories import ArrangementFactory
from tether.core.roles import INTERNAL_ROLES, Role
from tether.performance.models import CreditBand, ServiceLevel

pytestmark = pytest.mark.django_db
MAX_QUERIES = 15
WRITERS = (Role.ADMIN, Role.VENDOR_MANAGER)
PAGES = ("/performance/", "/performance/levels/", "/performance/results/",
         "/performance/breaches/", "/performance/credits/", "/performance/bands/")


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.get_sheet_by_index(0).to_python()


@pytest.fixture
def manager(users, login):
    return login(users[Role.VENDOR_MANAGER])


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_every_internal_role_reads_the_pages(role, users, login, picture):
    client = login(users[role])
    for url in (*PAGES, picture["availability"].get_absolute_url()):
        assert client.get(url).status_code == 200, url
    expected = 200 if role in WRITERS else 403
    assert client.get("/performance/levels/add/").status_code == expected
    assert client.get("/performance/bands/add/").status_code == expected


@pytest.mark.parametrize("contact", ["contact_a", "contact_b"])
def test_provider_contacts_see_no_internal_performance_page(contact, users, login, picture):
    client = login(users[contact])
    own = picture["availability"] if contact == "contact_a" else picture["response"]
    for url in (*PAGES, own.get_absolute_url()):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, Role.RISK_OFFICER])
def test_roles_without_performance_rights_cannot_write(role, users, login, picture):
    client = login(users[role])
    level = picture["availability"]
    assert client.post(f"/performance/levels/{level.pk}/delete/").status_code == 403
    assert client.post(f"/performance/levels/{level.pk}/edit/", {}).status_code == 403
    assert client.post("/performance/bands/add/", {}).status_code == 403
    assert ServiceLevel.objects.filter(pk=level.pk).exists()


def test_manager_defines_a_level_through_the_form(manager):
    arrangement = ArrangementFactory(currency="EUR")
    response = manager.post("/performance/levels/add/", {
        "arrangement": arrangement.pk, "kind": "sla", "name": "Response time",
        "reference": "RESP-P95", "unit": "ms", "direction": "lower",
        "aggregation": "percentile", "percentile": "95", "target": "300", "period": "month",
        "minimum_count": "10", "currency": "EUR", "active": "on"})
    level = ServiceLevel.objects.get(reference="RESP-P95")
    assert response.status_code == 302 and response["Location"] == level.get_absolute_url()
    assert level.percentile == 95


def test_form_shows_the_rule_a_level_breaks(manager):
    arrangement = ArrangementFactory(currency="EUR")
    response = manager.post("/performance/levels/add/", {
        "arrangement": arrangement.pk, "kind": "sla", "name": "Tickets", "reference": "TIX",
        "direction": "higher", "aggregation": "within_target", "target": "95",
        "period": "month", "minimum_count": "1", "currency": "EUR"})
    assert response.status_code == 200
    assert "needs the value each item must reach" in response.content.decode()
    assert not ServiceLevel.objects.exists()


def test_band_form_refuses_a_band_better_than_the_target(manager, picture):
    level = picture["availability"]
    response = manager.post("/performance/bands/add/", {
        "service_level": level.pk, "worse_than": "99.9", "credit_percent": "3"})
    assert response.status_code == 200
    assert "at or below the target" in response.content.decode()
    assert level.credit_bands.count() == 1


def test_level_page_shows_chart_periods_breaches_and_bands(manager, picture):
    level = picture["availability"]
    page = manager.get(level.get_absolute_url()).content.decode()
    assert '<svg class="score-chart perf-chart"' in page
    assert page.count('class="perf-breach"') == 4  # four breached months marked red
    assert "perf-target" in page  # the target line
    assert page.count("<td>20") >= 12  # a row per period
    assert "500.00 EUR" in page  # the credit of a breached month
    assert "worse than" in page.lower() and "Add a credit band" in page
    assert "No measurements received yet." in page


def test_kpi_page_offers_no_credit_band(manager, picture):
    page = manager.get(picture["kpi"].get_absolute_url()).content.decode()
    assert "carries no service credits" in page and "Add a credit band" not in page


def test_level_page_query_count(manager, picture, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        assert manager.get(picture["response"].get_absolute_url()).status_code == 200


def test_breaches_page_lists_only_breaches(manager, picture):
    page = manager.get("/performance/breaches/").content.decode()
    assert "7 results" in page  # 4 of availability, 3 of the response time
    assert "Met</span>" not in page


def test_results_filters_by_provider_kind_critical_and_period(manager, picture, provider_b):
    def count(query):
        return manager.get(f"/performance/results/?{query}").content.decode()

    assert "24 results" in count(f"provider={provider_b.pk}")
    assert "12 results" in count("kind=kpi")
    assert "12 results" in count("critical=true")
    month = picture["last_month"]
    assert "3 results" in count(f"period_from={month:%Y-%m}&period_to={month:%Y-%m}")
    assert "0 results" in count("period_from=not-a-month")


def test_breaches_export_csv_and_xlsx(manager, picture):
    rows = csv_rows(manager.get("/performance/breaches/?format=csv"))
    assert rows[0][:3] == ["provider", "arrangement", "service_level"]
    assert len(rows) == 1 + 7 and {row[10] for row in rows[1:]} == {"breached"}
    sheet = xlsx_rows(manager.get(f"/performance/breaches/?format=xlsx&arrangement="
                                  f"{picture['arrangement_a'].pk}"))
    assert len(sheet) == 1 + 4 and sheet[1][2] == "ALPHA-AVAIL"
    assert manager.get("/performance/results/?format=pdf").status_code == 404


def test_credits_owed_per_provider_arrangement_and_currency(manager, picture):
    year = picture["this_year"]
    page = manager.get(f"/performance/credits/?period_from={year:%Y-%m}").content.decode()
    assert "ALPHA-1" in page and "BETA-1" in page
    assert "Total EUR" in page and "Total USD" in page
    rows = csv_rows(manager.get("/performance/credits/?format=csv&period_from=2000-01"))
    assert rows[0] == ["provider", "arrangement", "currency", "breaches", "credit"]
    by_arrangement = {row[1]: row for row in rows[1:]}
    assert by_arrangement["ALPHA-1"][2:] == ["EUR", "4", "2000.00"]
    assert by_arrangement["BETA-1"][2:] == ["USD", "3", "3000.00"]


def test_dashboard_shows_worst_first_counts_and_trend(manager, picture):
    page = manager.get("/performance/").content.decode()
    worst = page[page.index("perf-worst"):]
    assert worst.index("BETA-P95") < worst.index("ALPHA-AVAIL")  # lowest attainment first
    assert "BETA-TICKETS" not in worst  # met: not among the worst
    assert 'perf-count-breached"><a class="text-danger"' in page
    assert "Breaches per month over the last twelve months" in page


def test_dashboard_query_count_is_bounded(manager, picture, django_assert_max_num_queries):
    # Seven are the session, the user, the second factor and the notifications' badge; the
    # dashboard's own are a few GROUP BYs or indexed reads, however many results are stored.
    with django_assert_max_num_queries(MAX_QUERIES):
        assert manager.get("/performance/").status_code == 200


def test_arrangement_page_lists_its_levels_with_sparklines(manager, picture):
    arrangement = picture["arrangement_b"]
    page = manager.get(arrangement.get_absolute_url()).content.decode()
    assert "SLAs and KPIs" in page and "BETA-P95" in page and "BETA-TICKETS" in page
    assert page.count("perf-sparkline") == 2
    assert f"/performance/levels/add/?arrangement={arrangement.pk}" in page


def test_provider_page_shows_attainment_and_breaches(manager, picture, provider_b):
    page = manager.get(provider_b.get_absolute_url()).content.decode()
    assert "SLA attainment" in page and "3 breached</a> of 24" in page


def test_home_dashboard_card_names_the_worst_slas(manager, picture):
    page = manager.get("/").content.decode()
    assert "Worst SLAs and KPIs" in page and "BETA-P95" in page


def test_band_pages_and_delete(manager, picture):
    band = CreditBand.objects.get(service_level=picture["availability"])
    assert manager.get(band.get_absolute_url()).status_code == 200
    response = manager.post(f"/performance/bands/{band.pk}/delete/")
    assert response.status_code == 302 and not CreditBand.objects.filter(pk=band.pk).exists()


def test_htmx_filtering_answers_the_results_fragment_only(manager, picture):
    response = manager.get("/performance/breaches/?kind=sla", HTTP_HX_REQUEST="true",
                           HTTP_HX_TARGET="results")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"') and "7 results" in page
    credits = manager.get("/performance/credits/?period_from=2000-01", HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="results").content.decode()
    assert credits.lstrip().startswith('<div id="results"') and "Total USD" in credits
