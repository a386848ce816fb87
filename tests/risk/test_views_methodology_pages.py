"""The methodology pages: what the current version says, and publishing a new one."""

import pytest
import yaml
from django.urls import NoReverseMatch, reverse

from tests.factories import ArrangementFactory
from tests.risk.factories import RiskFactory
from tether.core.models import Job
from tether.core.roles import Role
from tether.risk.engine import methodology_current, providers_rescore
from tether.risk.forms import config_as_yaml
from tether.risk.methodology import DEFAULT_CONFIG
from tether.risk.models import Methodology, ProviderScore, ProviderScoreHistory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(users, login):
    return login(users[Role.ADMIN])


def job_page(job) -> str:
    try:
        return reverse("core:job_detail", args=[job.pk])
    except NoReverseMatch:
        return "/risk/methodology/"


def test_methodology_page_shows_scales_matrix_appetite_bands_weights_intake_and_tiers(
        users, login):
    page = login(users[Role.AUDITOR]).get("/risk/methodology/").content.decode()
    for text in ("Almost certain", "Severe", 'class="risk-matrix"', 'fill="#c62828"',
                 "Data security and intellectual property", "75 and above",
                 "Gap in the latest accepted questionnaire", "Special-category personal",
                 "Not substitutable", "1,000,000 and above", "Tier 1: critical",
                 "Full: on-site audit, all evidence", "every 6 months", "Version history",
                 "Installed with Tether"):
        assert text in page, text
    assert "Change methodology" not in page  # auditors read only


def test_only_administrators_change_the_methodology(users, login):
    for role in (Role.RISK_OFFICER, Role.EXECUTIVE, Role.AUDITOR, Role.VENDOR_MANAGER):
        client = login(users[role])
        assert client.get("/risk/methodology/").status_code == 200
        assert client.get("/risk/methodology/change/").status_code == 403
        assert client.post("/risk/methodology/change/", {}).status_code == 403
        assert client.post("/risk/methodology/appetite/", {}).status_code == 403
    assert Methodology.objects.count() == 1


def test_change_form_starts_from_the_current_configuration_as_yaml(admin):
    response = admin.get("/risk/methodology/change/")
    form = response.context["form"]
    assert yaml.safe_load(form.initial["config"]) == methodology_current().config
    assert "- [low, low, low, medium, medium]" in form.initial["config"]


def test_publishing_a_new_version_rescores_everything_and_keeps_history(
        admin, provider_a, django_capture_on_commit_callbacks):
    ArrangementFactory(provider=provider_a)
    providers_rescore(methodology=methodology_current())
    config = methodology_current().config
    config["appetite"]["default"] = "low"
    config["residual_weights"]["inherent"] = 0.8
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/risk/methodology/change/", {
            "name": "Stricter", "change_note": "Board lowered the appetite",
            "config": config_as_yaml(config)})
    assert response.status_code == 302
    new = Methodology.objects.get(is_current=True)
    assert (new.version, new.name, new.change_note) == (2, "Stricter",
                                                        "Board lowered the appetite")
    assert new.created_by.username == "admin-user"
    job = Job.objects.get(kind="risk.rescore")
    assert response["Location"] == job_page(job)
    assert job.status == "succeeded"
    assert ProviderScore.objects.get(provider=provider_a).methodology == new
    assert list(ProviderScoreHistory.objects.filter(provider=provider_a)
                .values_list("methodology__version", flat=True)) == [2, 1]
    page = admin.get("/risk/methodology/").content.decode()
    assert "v2" in page and "Board lowered the appetite" in page and "Superseded" not in page
    old = admin.get(f"/risk/methodology/versions/{Methodology.objects.get(version=1).pk}/")
    assert "Superseded" in old.content.decode()


@pytest.mark.parametrize("text, message", [
    ("likelihood: [unclosed", "This is not valid YAML (line"),
    ("- just\n- a list\n", "The methodology must be an object"),
    ("likelihood: []\n", "Missing setting(s)"),
    ("when: 2025-01-01\n", "Use only numbers, text, lists and mappings"),
    ("a: &x [1, 2]\nb: [*x, *x]\n", "anchors and aliases"),

])
def test_unusable_yaml_is_refused_with_a_clear_message(admin, text, message):
    response = admin.post("/risk/methodology/change/", {
        "name": "Broken", "change_note": "Oops", "config": text})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["config"])
    assert Methodology.objects.count() == 1


@pytest.mark.parametrize("key, value", [
    ("provider_appetite", ["low"]), ("appetite", {"default": ["low"]}),
    ("score_bands", [{"rating": ["low"]}]),
])
def test_values_of_the_wrong_kind_are_refused_not_a_server_error(admin, key, value):
    response = admin.post("/risk/methodology/change/", {
        "name": "Broken", "change_note": "Oops",
        "config": config_as_yaml({**DEFAULT_CONFIG, key: value})})
    assert response.status_code == 200 and response.context["form"].errors["config"]
    assert Methodology.objects.count() == 1


def test_every_problem_of_a_configuration_is_listed_at_once(admin):
    config = methodology_current().config
    config["matrix"][2] = ["low", "medium"]
    config["appetite"]["compliance"] = "tolerable"
    response = admin.post("/risk/methodology/change/", {
        "name": "Broken", "change_note": "Oops", "config": config_as_yaml(config)})
    errors = response.context["form"].errors["config"]
    assert any("Matrix row 3" in error for error in errors)
    assert any("compliance is an unknown rating: tolerable" in error for error in errors)
    assert "cannot be published" in response.content.decode()
    assert Methodology.objects.count() == 1


def test_appetite_quick_edit_publishes_a_version_with_the_rest_unchanged(
        admin, django_capture_on_commit_callbacks):
    risk = RiskFactory(inherent_likelihood=2, inherent_impact=3)  # medium, loss of control
    from tether.risk.engine import risks_rerate
    from tether.risk.methodology import MethodologyConfig

    risks_rerate(MethodologyConfig(methodology_current().config))
    risk.refresh_from_db()
    assert not risk.above_appetite
    before = methodology_current().config
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/risk/methodology/appetite/", {
            "default": "medium", "provider_appetite": "high", "category_loss_of_control": "low",
            "category_compliance": "", "change_note": "Quality matters more"})
    assert response.status_code == 302
    after = methodology_current().config
    assert after["appetite"]["loss_of_control"] == "low"
    assert "compliance" not in after["appetite"]  # back to the default
    assert after["provider_appetite"] == "high"
    assert {k: v for k, v in after.items() if k not in ("appetite", "provider_appetite")} == {
        k: v for k, v in before.items() if k not in ("appetite", "provider_appetite")}
    risk.refresh_from_db()
    assert risk.above_appetite  # rescored under v2


def test_version_list_shows_every_version(users, login):
    response = login(users[Role.EXECUTIVE]).get("/risk/methodology/versions/")
    assert response.status_code == 200
    assert "Tether default methodology" in response.content.decode()
