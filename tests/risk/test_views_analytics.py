"""The analytical views: heat map, above appetite, providers by tier, explain, trend, and the
risk panels on the register's pages."""

import csv
import html
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from tests.factories import ActivityFactory, ArrangementFactory, OrganisationFactory
from tests.risk.factories import ControlFactory, IntakeFactory, RiskFactory, category
from tether.core.roles import Role
from tether.risk.engine import methodology_current, providers_rescore, risks_rerate
from tether.risk.methodology import MethodologyConfig
from tether.risk.models import ProviderScoreHistory

pytestmark = pytest.mark.django_db
MAX_QUERIES = 15


def rerate():
    risks_rerate(MethodologyConfig(methodology_current().config))


def rescore():
    providers_rescore(methodology=methodology_current())


@pytest.fixture
def executive(users, login):
    return login(users[Role.EXECUTIVE])


@pytest.fixture
def portfolio(provider_a, provider_b):
    """Risks at known cells. Inherent (likelihood, impact):
    (4, 5) ×3 — one with a control taking likelihood down 2, so residual (2, 5);
    (2, 1) ×1; (5, 5) ×1 closed. Residual: (4, 5) ×2, (2, 5) ×1, (2, 1) ×1."""
    risks = [RiskFactory(provider=provider_a, inherent_likelihood=4, inherent_impact=5,
                         title=f"Severe {n}") for n in range(3)]
    ControlFactory(risk=risks[0], status="implemented", likelihood_reduction=2)
    ControlFactory(risk=risks[1], status="planned", likelihood_reduction=3)
    RiskFactory(provider=provider_b, inherent_likelihood=2, inherent_impact=1, title="Minor")
    RiskFactory(provider=provider_b, inherent_likelihood=5, inherent_impact=5, title="Closed",
                status="closed")
    rerate()
    return risks


def test_heat_map_counts_open_risks_per_cell_by_hand(executive, portfolio):
    response = executive.get("/risk/heat-map/")
    assert response.status_code == 200
    grid = response.context["grid"]
    assert grid.basis == "residual" and grid.total == 4
    assert grid.cell(4, 5).count == 2
    assert grid.cell(2, 5).count == 1
    assert grid.cell(2, 1).count == 1
    assert grid.cell(5, 5).count == 0  # closed: not in the live portfolio

    response = executive.get("/risk/heat-map/", {"basis": "inherent"})
    grid = response.context["grid"]
    assert grid.total == 4 and grid.cell(4, 5).count == 3 and grid.cell(2, 5).count == 0

    response = executive.get("/risk/heat-map/", {"basis": "inherent", "status": ["open",
                                                                                 "closed"]})
    assert response.context["grid"].cell(5, 5).count == 1


def test_heat_map_cell_links_to_its_risks(executive, portfolio):
    page = executive.get("/risk/heat-map/").content.decode()
    link = "/risk/risks/?status=open&amp;effective_likelihood=4&amp;effective_impact=5"
    assert f'href="{link}"' in page
    response = executive.get(link.replace("&amp;", "&"))
    assert {r.title for r in response.context["table"].records} == {"Severe 1", "Severe 2"}


def test_heat_map_filters_by_category_and_organisation(executive, portfolio, provider_a):
    RiskFactory(provider=provider_a, inherent_likelihood=1, inherent_impact=1,
                category=category("financial"))
    rerate()
    response = executive.get("/risk/heat-map/", {"category": category("financial").pk,
                                                 "status": "open"})
    assert response.context["grid"].total == 1
    organisation = OrganisationFactory()
    ArrangementFactory(provider=provider_a, organisation=organisation)
    response = executive.get("/risk/heat-map/", {"organisation": organisation.pk})
    assert response.context["grid"].total == 4  # provider A's three and the financial one


def test_heat_map_counts_in_sql_not_per_risk(executive, portfolio, provider_a):
    with CaptureQueriesContext(connection) as few:
        executive.get("/risk/heat-map/")
    RiskFactory.create_batch(25, provider=provider_a)
    rerate()
    with CaptureQueriesContext(connection) as many:
        response = executive.get("/risk/heat-map/")
    assert response.context["grid"].total == 29
    assert len(many) == len(few) <= MAX_QUERIES
    grouped = [q["sql"] for q in many.captured_queries if "GROUP BY" in q["sql"]]
    assert any("effective_likelihood" in sql for sql in grouped)


def test_above_appetite_lists_risks_over_their_categorys_appetite(executive, provider_a):
    # Data security accepts at most low; loss of control, medium (the default methodology).
    RiskFactory(provider=provider_a, title="Leak", category=category("data_security_ip"),
                inherent_likelihood=2, inherent_impact=3)  # medium
    RiskFactory(provider=provider_a, title="Quality slip", inherent_likelihood=2,
                inherent_impact=3)  # medium, within appetite
    RiskFactory(provider=provider_a, title="Closed leak", status="closed",
                category=category("data_security_ip"), inherent_likelihood=5, inherent_impact=5)
    rerate()
    response = executive.get("/risk/above-appetite/")
    assert response.status_code == 200
    assert [r.title for r in response.context["table"].records] == ["Leak"]
    page = response.content.decode()
    assert "Risks above appetite" in page and ">Medium</span>" in page and ">Low</span>" in page


def test_providers_by_tier_lists_scores_with_filters_sorting_and_summary(
        executive, provider_a, provider_b):
    IntakeFactory(arrangement=ArrangementFactory(provider=provider_a), criticality=4,
                  data_sensitivity=4, system_access=3)
    ArrangementFactory(provider=provider_b, is_critical=False)
    rescore()
    response = executive.get("/risk/providers/", {"sort": "-residual_score"})
    assert response.status_code == 200
    records = response.context["table"].records
    assert [r.provider for r in records] == [provider_a, provider_b]
    tiers = {tier.tier: total for tier, total, _above in response.context["tiers"] if tier}
    assert sum(tiers.values()) == 2
    tier_a = records[0].tier
    response = executive.get("/risk/providers/", {"tier": tier_a})
    assert provider_a in [r.provider for r in response.context["table"].records]
    page = response.content.decode()
    assert f"/risk/providers/{provider_a.pk}/explain/" in page
    assert f"/risk/providers/export/?tier={tier_a}&amp;format=csv" in page


def test_providers_by_tier_export_keeps_filters_and_escapes_formulas(executive, provider_a,
                                                                    provider_b):
    provider_b.name = "=HYPERLINK(\"http://evil\")"
    provider_b.save()
    ArrangementFactory(provider=provider_a)
    ArrangementFactory(provider=provider_b)
    rescore()
    response = executive.get("/risk/providers/export/", {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content)
                                       .decode("utf-8-sig"))))
    assert rows[0][:2] == ["provider", "provider_id"]
    assert sorted(row[0] for row in rows[1:]) == ["'=HYPERLINK(\"http://evil\")", provider_a.name]
    response = executive.get("/risk/providers/export/", {"format": "xlsx",
                                                         "provider": provider_a.pk})
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.get_sheet_by_index(0).to_python()
    assert len(sheet) == 2 and sheet[1][0] == provider_a.name
    assert executive.get("/risk/providers/export/", {"format": "pdf"}).status_code == 404


def test_explain_shows_every_input_and_the_driving_intake(executive, provider_a):
    arrangement = ArrangementFactory(provider=provider_a, reference="EXP-001")
    IntakeFactory(arrangement=arrangement, criticality=4)
    RiskFactory(provider=provider_a, title="Key person dependency", inherent_likelihood=3,
                inherent_impact=3)
    rerate()
    rescore()
    with CaptureQueriesContext(connection) as queries:
        response = executive.get(f"/risk/providers/{provider_a.pk}/explain/")
    assert response.status_code == 200 and len(queries) <= MAX_QUERIES
    page = html.unescape(response.content.decode())
    for text in ("Inherent risk (the riskiest arrangement's intake)",
                 "Worst open risk in the register", "Key person dependency",
                 "Gap in the latest accepted questionnaire", "No accepted questionnaire yet",
                 "Location", "EXP-001", "Business criticality",
                 "Critical or important function", "Tether default methodology v1",
                 "SLA periods breached in the last 12 months",
                 "No SLA period assessed in the last 12 months",
                 "Open findings and incidents of the last 12 months"):
        assert text in page, text
    inputs = response.context["inputs"]
    assert [item["input"] for item in inputs] == ["inherent", "risks", "questionnaire",
                                                  "location", "performance", "oversight"]
    score = response.context["score"]
    assert abs(response.context["total_contribution"] - float(score.residual_score)) < 0.05


def test_explain_of_a_provider_not_scored_yet_says_so(executive, provider_a):
    response = executive.get(f"/risk/providers/{provider_a.pk}/explain/")
    assert response.status_code == 200 and "not been scored yet" in response.content.decode()
    assert executive.get("/risk/providers/999999/explain/").status_code == 404


def test_trend_draws_the_history_with_methodology_versions_marked(users, login, provider_a,
                                                                 django_capture_on_commit_callbacks):
    from tether.risk.services import methodology_publish

    ArrangementFactory(provider=provider_a)
    rescore()
    config = dict(methodology_current().config)
    config["residual_weights"] = {"inherent": 1, "risks": 0, "questionnaire": 0,
                                  "location": 0}
    with django_capture_on_commit_callbacks(execute=True):
        methodology_publish(actor=users[Role.ADMIN], config=config, name="Inherent only",
                            change_note="Weigh the intake alone")
    assert ProviderScoreHistory.objects.filter(provider=provider_a).count() == 2
    client = login(users[Role.AUDITOR])
    response = client.get(f"/risk/providers/{provider_a.pk}/trend/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="score-chart"' in page and "<polyline" in page
    assert ">v2</text>" in page  # the new version is marked on the chart
    assert "Methodology changed" in page  # the history table's trigger


def test_provider_page_shows_score_card_and_risks_within_query_budget(executive, provider_a):
    arrangement = ArrangementFactory(provider=provider_a)
    RiskFactory(provider=provider_a, title="Provider-level risk")
    RiskFactory(provider=None, arrangement=arrangement, title="Arrangement-level risk")
    rerate()
    rescore()
    with CaptureQueriesContext(connection) as queries:
        response = executive.get(f"/registry/providers/{provider_a.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Risk score" in page and "Explain the score" in page
    assert "Provider-level risk" in page and "Arrangement-level risk" in page
    assert "Register a risk" not in page  # executives read only
    risk_queries = [q for q in queries.captured_queries if '"risk_' in q["sql"]]
    assert len(risk_queries) <= 2, [q["sql"][:120] for q in risk_queries]


def test_arrangement_page_offers_the_intake_then_shows_the_tier(users, login,
                                                               django_capture_on_commit_callbacks):
    arrangement = ArrangementFactory()
    officer = login(users[Role.RISK_OFFICER])
    page = officer.get(f"/registry/arrangements/{arrangement.pk}/").content.decode()
    assert "Complete the intake" in page
    assert f"/risk/intakes/add/?arrangement={arrangement.pk}" in page
    with django_capture_on_commit_callbacks(execute=True):
        IntakeFactory(arrangement=arrangement)
        from tether.core.signals import announce_provider_evidence

        announce_provider_evidence([arrangement.provider_id], "test")
    page = officer.get(f"/registry/arrangements/{arrangement.pk}/").content.decode()
    assert "Complete the intake" not in page and "Review cadence" in page
    assert "Due diligence" in page


def test_activity_page_shows_its_risks(executive):
    activity = ActivityFactory()
    RiskFactory(provider=None, activity=activity, title="Core skill lost")
    page = executive.get(f"/registry/activities/{activity.pk}/").content.decode()
    assert "Core skill lost" in page


@pytest.mark.parametrize("url", ["/risk/heat-map/", "/risk/above-appetite/", "/risk/providers/",
                                 "/risk/intakes/", "/risk/countries/", "/risk/methodology/"])
def test_report_pages_stay_within_query_budget(executive, portfolio, url):
    rescore()
    with CaptureQueriesContext(connection) as queries:
        assert executive.get(url).status_code == 200
    assert len(queries) <= MAX_QUERIES, url
