"""The risk register's pages: risks, controls and categories, by role."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ActivityFactory, ArrangementFactory
from tests.risk.factories import ControlFactory, RiskFactory, category
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.risk.models import Control, ProviderScore, Risk, RiskCategory

pytestmark = pytest.mark.django_db
MAX_QUERIES = 15


def risk_form(**changes) -> dict:
    data = {"title": "Provider's data centre floods", "category": category().pk,
            "status": "open", "treatment": "mitigate", "inherent_likelihood": 4,
            "inherent_impact": 5, "description": "", "treatment_notes": ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def officer(users, login):
    return login(users[Role.RISK_OFFICER])


def test_risk_officer_registers_a_risk_rated_from_the_matrix_and_audited(
        officer, provider_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post("/risk/risks/add/", risk_form(provider=provider_a.pk))
    assert response.status_code == 302, response.context["form"].errors
    risk = Risk.objects.get()
    assert response["Location"] == f"/risk/risks/{risk.pk}/"
    # 4 × 5 in the default matrix is critical; without controls residual equals inherent.
    assert (risk.inherent_rating, risk.residual_rating) == ("critical", "critical")
    assert risk.above_appetite  # loss of control accepts up to medium
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(Risk))
    assert entry.action == "create" and entry.actor.username == "risk_officer-user"
    # The provider's score follows the new risk.
    assert ProviderScore.objects.filter(provider=provider_a).exists()


def test_risk_form_labels_levels_from_the_methodology_scales(officer):
    page = officer.get("/risk/risks/add/").content.decode()
    assert "4 — Likely" in page and "5 — Severe" in page
    assert "derive from controls" in page


def test_risk_needs_exactly_one_subject(officer, provider_a):
    arrangement = ArrangementFactory()
    for data in (risk_form(), risk_form(provider=provider_a.pk, arrangement=arrangement.pk)):
        response = officer.post("/risk/risks/add/", data)
        assert response.status_code == 200
        errors = response.context["form"].non_field_errors()
        assert len(errors) == 1 and "exactly one of provider, arrangement or activity" in errors[0]
    assert not Risk.objects.exists()


def test_risk_form_starts_from_the_subject_in_the_link(officer):
    activity = ActivityFactory()
    response = officer.get(f"/risk/risks/add/?activity={activity.pk}")
    assert response.context["form"].initial["activity"] == str(activity.pk)
    assert str(activity) in response.content.decode()


def test_level_outside_the_scale_is_refused(officer, provider_a):
    response = officer.post("/risk/risks/add/", risk_form(provider=provider_a.pk,
                                                          inherent_likelihood=9))
    assert response.status_code == 200 and "inherent_likelihood" in response.context["form"].errors


def test_risk_page_shows_inherent_and_residual_with_controls_and_subject(officer):
    risk = RiskFactory(inherent_likelihood=4, inherent_impact=4)
    ControlFactory(risk=risk, title="Quarterly restore test", status="implemented",
                   likelihood_reduction=2)
    from tether.risk.engine import methodology_current, risks_rerate
    from tether.risk.methodology import MethodologyConfig

    risks_rerate(MethodologyConfig(methodology_current().config), [risk.pk])
    with CaptureQueriesContext(connection) as queries:
        response = officer.get(f"/risk/risks/{risk.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert len(queries) <= MAX_QUERIES
    assert "Quarterly restore test" in page and risk.provider.name in page
    assert "Likelihood 4 — Likely" in page and "Likelihood 2 — Unlikely" in page
    assert f'href="/risk/controls/add/?risk={risk.pk}"' in page
    assert 'class="risk-matrix"' in page and 'fill="#ef6c00"' in page  # high, in its color
    assert '<svg' in page and "style=" not in page.split("<svg", 1)[1].split("</svg>")[0]


def test_control_added_from_the_risk_page_lowers_the_residual_rating(officer):
    risk = RiskFactory(inherent_likelihood=4, inherent_impact=4)
    response = officer.get(f"/risk/controls/add/?risk={risk.pk}")
    assert response.context["form"].initial["risk"] == str(risk.pk)
    response = officer.post("/risk/controls/add/", {
        "risk": risk.pk, "title": "Encryption at rest", "control_type": "preventive",
        "status": "implemented", "likelihood_reduction": 2, "impact_reduction": 1})
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == f"/risk/risks/{risk.pk}/"
    risk.refresh_from_db()
    assert (risk.effective_likelihood, risk.effective_impact) == (2, 3)
    assert risk.residual_rating == "medium" and risk.inherent_rating == "high"


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, Role.VENDOR_MANAGER])
def test_roles_without_risk_rights_read_but_cannot_write(role, users, login, provider_a):
    client = login(users[role])
    risk = RiskFactory()
    assert client.get("/risk/risks/").status_code == 200
    assert client.get(f"/risk/risks/{risk.pk}/").status_code == 200
    assert client.get("/risk/risks/add/").status_code == 403
    assert client.post("/risk/risks/add/", risk_form(provider=provider_a.pk)).status_code == 403
    assert client.post(f"/risk/risks/{risk.pk}/delete/").status_code == 403
    assert client.post("/risk/controls/add/", {"risk": risk.pk}).status_code == 403
    assert Risk.objects.count() == 1 and not Control.objects.exists()


def test_provider_contacts_see_no_risk_page(users, login):
    client = login(users["contact_b"])
    risk = RiskFactory(provider=users["contact_b"].provider)
    for url in ("/risk/risks/", f"/risk/risks/{risk.pk}/", "/risk/heat-map/",
                "/risk/methodology/", "/risk/providers/"):
        assert client.get(url).status_code in (403, 404), url


def test_categories_are_the_administrators(users, login):
    officer = login(users[Role.RISK_OFFICER])
    assert officer.get("/risk/categories/").status_code == 200
    assert officer.get("/risk/categories/add/").status_code == 403
    admin = login(users[Role.ADMIN])
    response = admin.post("/risk/categories/add/", {
        "name": "Sanctions", "code": "sanctions", "position": 10, "is_active": "on"})
    assert response.status_code == 302
    created = RiskCategory.objects.get(code="sanctions")
    # The code names the category in the methodology's appetite: fixed once created.
    response = admin.post(f"/risk/categories/{created.pk}/edit/", {
        "name": "Sanctions and embargoes", "code": "renamed", "position": 10})
    created.refresh_from_db()
    assert response.status_code == 302
    assert (created.code, created.name, created.is_active) == (
        "sanctions", "Sanctions and embargoes", False)


def test_category_in_use_cannot_be_deleted(users, login):
    risk = RiskFactory()
    admin = login(users[Role.ADMIN])
    response = admin.post(f"/risk/categories/{risk.category_id}/delete/", follow=True)
    assert "still referenced" in response.content.decode()
    assert RiskCategory.objects.filter(pk=risk.category_id).exists()


def test_risk_list_filters_by_category_tier_organisation_and_status(officer):
    arrangement = ArrangementFactory()
    on_arrangement = RiskFactory(provider=None, arrangement=arrangement, title="On arrangement",
                                 category=category("financial"))
    on_provider = RiskFactory(provider=arrangement.provider, title="On its provider")
    elsewhere = RiskFactory(title="Elsewhere", status="closed")
    from tether.risk.engine import methodology_current, providers_rescore

    providers_rescore(methodology=methodology_current())
    tier = ProviderScore.objects.get(provider=arrangement.provider).tier

    def titles(**params):
        response = officer.get("/risk/risks/", params)
        assert response.status_code == 200
        return {row.title for row in response.context["table"].records}

    assert titles(category=category("financial").pk) == {"On arrangement"}
    assert titles(organisation=arrangement.organisation_id) == {"On arrangement",
                                                                "On its provider"}
    assert titles(provider=arrangement.provider_id) == {"On arrangement", "On its provider"}
    assert titles(status="closed") == {"Elsewhere"}
    assert "Elsewhere" not in titles(tier=tier) and "On its provider" in titles(tier=tier)
    assert titles(sort="-residual_rating")
    assert on_arrangement and on_provider and elsewhere


def test_risk_list_query_count_does_not_grow_with_rows(officer):
    RiskFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        assert officer.get("/risk/risks/").status_code == 200
    RiskFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        assert officer.get("/risk/risks/", {"per_page": 100}).status_code == 200
    assert len(many) == len(few) <= MAX_QUERIES


def test_risk_list_partial_for_htmx(officer):
    RiskFactory()
    response = officer.get("/risk/risks/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"') and "<html" not in body


def test_deleting_a_risk_keeps_its_last_values_in_the_audit_trail(officer):
    risk = RiskFactory()
    response = officer.post(f"/risk/risks/{risk.pk}/delete/")
    assert response.status_code == 302 and not Risk.objects.exists()
    entry = AuditEntry.objects.get(action="delete", object_id=str(risk.pk))
    assert entry.before["title"] == risk.title
