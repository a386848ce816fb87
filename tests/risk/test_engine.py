"""The risk engine on hand-computed cases: intake points, tiers, ratings, provider scores."""

import copy
from decimal import Decimal

import pytest

from tests.diligence.factories import ResponseFactory
from tests.factories import ArrangementFactory, ProviderFactory
from tests.risk.factories import (
    ControlFactory,
    CountryRiskFactory,
    IntakeFactory,
    RiskFactory,
    category,
)
from tether.core.models import Job, JobStatus
from tether.diligence.choices import ResponseStatus
from tether.registry.choices import ArrangementStatus
from tether.registry.models import Provider
from tether.risk import engine, services
from tether.risk.choices import (
    BusinessCriticality,
    ControlStatus,
    DataSensitivity,
    RiskStatus,
    SystemAccess,
)
from tether.risk.methodology import DEFAULT_CONFIG
from tether.risk.models import ProviderScore, ProviderScoreHistory, Risk

pytestmark = pytest.mark.django_db


def rescore(**kwargs):
    return engine.providers_rescore(methodology=engine.methodology_current(), **kwargs)


@pytest.fixture
def portfolio():
    """One provider in France with one critical arrangement, one risk and a questionnaire.

    By hand, under the default methodology:
    - intake: criticality critical 30 + personal data 18 + privileged access 15
      + spend 300,000 (below 1,000,000) 10 + not substitutable 15
      + France (political 2, economic 3, legal 1: mean 2, (2 − 1) / 4 = 0.25) × 15 = 3.75
      = 91.75 of at most 30 + 25 + 15 + 15 + 15 + 15 = 115 → 79.7826…, tier 1 (≥ 65);
    - risk: likelihood 4 × impact 4 = high; an implemented control takes 2 levels of
      likelihood off → 2 × 4 = medium, severity 1 of 3 → 33.33…;
    - questionnaire accepted at 80 % → a gap of 20;
    - location: France 0.25 → 25;
    - no SLA period and no finding or incident: performance 0, oversight 0;
    - residual = 0.4 × 79.7826 + 0.2 × 33.3333 + 0.2 × 20 + 0.1 × 25 + 0.05 × 0 + 0.05 × 0
      = 45.08.
    """
    CountryRiskFactory(country="FR", political=2, economic=3, legal=1)
    provider = ProviderFactory(country="FR", service_countries=[], data_storage_countries=[])
    arrangement = ArrangementFactory(provider=provider, annual_cost=300000,
                                     substitutability="not_substitutable")
    IntakeFactory(arrangement=arrangement, criticality=BusinessCriticality.CRITICAL,
                  data_sensitivity=DataSensitivity.PERSONAL,
                  system_access=SystemAccess.PRIVILEGED)
    risk = RiskFactory(provider=provider, inherent_likelihood=4, inherent_impact=4)
    ControlFactory(risk=risk, status=ControlStatus.IMPLEMENTED, likelihood_reduction=2)
    ResponseFactory(provider=provider, status=ResponseStatus.ACCEPTED, score=Decimal("80.00"))
    return provider, arrangement, risk


def test_intake_points_tier_and_provider_scores_match_the_hand_computation(portfolio):
    provider, arrangement, risk = portfolio
    assert rescore() == 1
    arrangement.intake.refresh_from_db()
    assert arrangement.intake.inherent_score == Decimal("79.78")
    assert arrangement.intake.tier == 1
    points = {f["factor"]: f["points"] for f in arrangement.intake.explanation["factors"]}
    assert points == {"criticality": 30.0, "data_sensitivity": 18.0, "system_access": 15.0,
                      "spend": 10.0, "substitutability": 15.0, "location": 3.75}
    risk.refresh_from_db()
    assert (risk.effective_likelihood, risk.effective_impact) == (2, 4)
    assert (risk.inherent_rating, risk.residual_rating) == ("high", "medium")
    score = ProviderScore.objects.get(provider=provider)
    assert score.inherent_score == Decimal("79.78")
    assert score.inherent_rating == "critical"
    assert score.residual_score == Decimal("45.08")
    assert score.residual_rating == "medium"
    assert score.tier == 1
    assert score.above_appetite is False


def test_the_explanation_names_every_input_and_its_contribution(portfolio):
    provider, arrangement, _ = portfolio
    rescore()
    explanation = ProviderScore.objects.get(provider=provider).explanation
    inputs = {i["input"]: i for i in explanation["inputs"]}
    assert inputs["inherent"]["contribution"] == pytest.approx(31.91, abs=0.01)
    assert inputs["risks"]["value"] == pytest.approx(33.33, abs=0.01)
    assert inputs["questionnaire"]["value"] == 20.0
    assert inputs["location"]["value"] == 25.0
    assert sum(i["contribution"] for i in inputs.values()) == pytest.approx(45.08, abs=0.02)
    assert explanation["driver"]["reference"] == arrangement.reference
    assert explanation["methodology"] == 1


def test_an_arrangement_without_intake_is_scored_from_the_register_and_says_so():
    provider = ProviderFactory(country="FR", service_countries=[], data_storage_countries=[])
    ArrangementFactory(provider=provider, is_critical=True, criticality_reason="Payments",
                       data_involved="none", annual_cost=120000, substitutability="medium")
    rescore()
    # critical 30 + no data 0 + assumed read-only 5 + 120,000 → 5 + medium 5
    # + unrated France (3 → 0.5) × 15 = 7.5 → 52.5 / 115 = 45.65 → tier 2
    score = ProviderScore.objects.get(provider=provider)
    assert score.inherent_score == Decimal("45.65")
    assert score.tier == 2
    assert "assumed" in score.explanation["inputs"][0]["detail"]


def test_terminated_arrangements_and_closed_risks_do_not_count(portfolio):
    provider, arrangement, risk = portfolio
    arrangement.status = ArrangementStatus.TERMINATED
    arrangement.save()
    Risk.objects.filter(pk=risk.pk).update(status=RiskStatus.CLOSED)
    rescore()
    score = ProviderScore.objects.get(provider=provider)
    assert score.inherent_score == 0
    assert score.tier is None
    inputs = {i["input"]: i for i in score.explanation["inputs"]}
    assert inputs["risks"]["value"] == 0
    risk.refresh_from_db()
    assert risk.above_appetite is False


def test_risks_above_their_categorys_appetite_are_flagged():
    provider = ProviderFactory()
    data_risk = RiskFactory(provider=provider, category=category("data_security_ip"),
                            inherent_likelihood=2, inherent_impact=3)  # medium > low appetite
    quality_risk = RiskFactory(provider=provider, category=category("loss_of_control"),
                               inherent_likelihood=2, inherent_impact=3)  # medium = appetite
    rescore()
    data_risk.refresh_from_db()
    quality_risk.refresh_from_db()
    assert data_risk.residual_rating == quality_risk.residual_rating == "medium"
    assert data_risk.above_appetite is True
    assert quality_risk.above_appetite is False


def test_an_owner_assessed_residual_overrides_the_controls():
    risk = RiskFactory(inherent_likelihood=5, inherent_impact=5, residual_likelihood=1,
                       residual_impact=2)
    ControlFactory(risk=risk, status=ControlStatus.IMPLEMENTED, likelihood_reduction=1)
    rescore()
    risk.refresh_from_db()
    assert (risk.effective_likelihood, risk.effective_impact) == (1, 2)
    assert (risk.inherent_rating, risk.residual_rating) == ("critical", "low")


def test_planned_controls_do_not_lower_the_residual_and_reductions_stop_at_one():
    risk = RiskFactory(inherent_likelihood=3, inherent_impact=2)
    ControlFactory(risk=risk, status=ControlStatus.PLANNED, impact_reduction=1)
    ControlFactory(risk=risk, status=ControlStatus.IMPLEMENTED, likelihood_reduction=2)
    ControlFactory(risk=risk, status=ControlStatus.IMPLEMENTED, likelihood_reduction=2)
    rescore()
    risk.refresh_from_db()
    assert (risk.effective_likelihood, risk.effective_impact) == (1, 2)


def test_a_methodology_change_rescores_everything_in_a_job_and_keeps_history(
        portfolio, users, django_capture_on_commit_callbacks):
    provider, arrangement, risk = portfolio
    rescore()
    config = copy.deepcopy(DEFAULT_CONFIG)
    # Row 2 (likelihood 2) now rates impact 4 as high; the residual counts inherent only.
    config["matrix"][1][3] = "high"
    config["residual_weights"] = {"inherent": 1}
    with django_capture_on_commit_callbacks(execute=True):
        methodology, job = services.methodology_publish(
            actor=users["admin"], config=config, name="Stricter", change_note="Test")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"providers": Provider.objects.count(), "methodology": 2}
    risk.refresh_from_db()
    assert risk.residual_rating == "high"
    score = ProviderScore.objects.get(provider=provider)
    assert score.methodology == methodology
    assert score.residual_score == Decimal("79.78")
    history = list(ProviderScoreHistory.objects.filter(provider=provider)
                   .order_by("computed_at").values_list("methodology__version",
                                                        "residual_score", "trigger"))
    assert history == [(1, Decimal("45.08"), "rescore"),
                       (2, Decimal("79.78"), "methodology")]


def test_running_the_same_rescoring_twice_adds_no_history(portfolio):
    provider, _, _ = portfolio
    rescore()
    rescore()
    assert ProviderScoreHistory.objects.filter(provider=provider).count() == 1


def test_a_shorter_scale_counts_higher_levels_as_its_top_level(users,
                                                               django_capture_on_commit_callbacks):
    risk = RiskFactory(inherent_likelihood=5, inherent_impact=5)
    config = copy.deepcopy(DEFAULT_CONFIG)
    config["likelihood"] = config["likelihood"][:4]
    config["impact"] = config["impact"][:4]
    config["matrix"] = [row[:4] for row in config["matrix"][:4]]
    with django_capture_on_commit_callbacks(execute=True):
        services.methodology_publish(actor=users["admin"], config=config, name="4×4",
                                     change_note="")
    risk.refresh_from_db()
    assert risk.inherent_rating == config["matrix"][3][3] == "high"


def test_a_new_risk_moves_its_providers_score_at_once(portfolio, users,
                                                      django_capture_on_commit_callbacks):
    provider, _, _ = portfolio
    rescore()
    before = ProviderScore.objects.get(provider=provider).residual_score
    with django_capture_on_commit_callbacks(execute=True):
        services.risk_create(actor=users["risk_officer"], data={
            "title": "Key engineer leaves", "category": category("innovation_strategy"),
            "provider": provider, "inherent_likelihood": 5, "inherent_impact": 5,
        })
    after = ProviderScore.objects.get(provider=provider).residual_score
    # The worst open risk goes from medium (33.33) to critical (100): + 0.2 × 66.67.
    assert after - before == pytest.approx(Decimal("13.33"), abs=Decimal("0.01"))
    assert Job.objects.count() == 0  # one provider: rescored in the request, no job


def test_methodology_publish_refuses_an_invalid_config_and_keeps_the_current(users):
    config = copy.deepcopy(DEFAULT_CONFIG)
    config["matrix"][0] = ["low"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.methodology_publish(actor=users["admin"], config=config, name="Broken",
                                     change_note="")
    assert "Matrix row 1 must have one cell per impact level (5)." in error.value.messages
    assert engine.methodology_current().version == 1


def test_moving_a_risk_to_another_provider_rescores_both(portfolio, users,
                                                         django_capture_on_commit_callbacks):
    provider, _, risk = portfolio
    other = ProviderFactory(country="FR", service_countries=[], data_storage_countries=[])
    rescore()
    risk.provider = other  # as a model form leaves the instance before the service runs
    with django_capture_on_commit_callbacks(execute=True):
        services.risk_update(risk, actor=users["risk_officer"], data={"provider": other})
    inputs = {i["input"]: i for i in ProviderScore.objects.get(provider=provider)
              .explanation["inputs"]}
    assert inputs["risks"]["value"] == 0  # the old provider no longer carries the risk
    moved = {i["input"]: i for i in ProviderScore.objects.get(provider=other)
             .explanation["inputs"]}
    assert moved["risks"]["value"] == pytest.approx(33.33, abs=0.01)


@pytest.mark.parametrize("change, message", [
    ({"appetite": {"default": ["low"]}}, "The appetite for default is an unknown rating"),
    ({"provider_appetite": ["low"]}, "The provider appetite is an unknown rating"),
    ({"score_bands": [{"below": 50, "rating": ["low"]}, {"rating": "high"}]},
     "Score band 1 needs a known rating."),
    ({"ratings": [{"code": ["x"]}, {"code": "y"}]}, "Every rating code must be text."),
    ({"likelihood": [{"level": n, "label": str(n)} for n in range(1, 12)]},
     "The likelihood scale may have at most 10 levels."),
])
def test_malformed_methodologies_are_named_not_crashed_on(change, message):
    from tether.risk.methodology import methodology_errors

    config = {**copy.deepcopy(DEFAULT_CONFIG), **change}
    assert any(error.startswith(message) for error in methodology_errors(config))


def test_a_spend_band_limit_must_be_an_amount():
    from tether.risk.methodology import methodology_errors

    config = copy.deepcopy(DEFAULT_CONFIG)
    config["intake"]["spend_bands"][0]["below"] = "x"
    assert "Every intake spend band but the last needs “below”, an amount." in \
        methodology_errors(config)
