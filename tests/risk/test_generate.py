"""The synthetic risk-data generator (`tether generate_risk`) on a small generated register."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import transaction

from tests.factories import UserFactory
from tests.risk.factories import CountryRiskFactory
from tether.core.audit_chain import verify_chain
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.diligence.campaign_selectors import response_score
from tether.diligence.choices import ResponseStatus, TemplateStatus
from tether.diligence.models import (
    Answer,
    Campaign,
    Question,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    Section,
)
from tether.registry.generate import portfolio_generate
from tether.registry.models import Arrangement, Provider
from tether.risk import engine
from tether.risk.choices import ControlStatus
from tether.risk.generate import SOURCE, SYNTHETIC_QUESTIONNAIRE, risk_data_generate
from tether.risk.models import (
    ArrangementIntake,
    Control,
    CountryRisk,
    ProviderScore,
    Risk,
    RiskCategory,
)

pytestmark = pytest.mark.django_db
# Four risks a provider, so the few that go to activities show up among 50 providers.
OPTIONS = {"seed": 5, "risks_per_provider": 4, "controls_per_risk": 1.2,
           "intake_share": 0.4, "questionnaire_share": 0.3}
GENERATED = (CountryRisk, ArrangementIntake, Risk, Control, QuestionnaireTemplate, Section,
             Question, Campaign, QuestionnaireResponse, Answer)


@pytest.fixture
def register():
    UserFactory(username="vera.manager", role=Role.VENDOR_MANAGER)
    portfolio_generate(providers=50, arrangements=90, subcontracting=15, organisations=1,
                       seed=3)


@pytest.fixture
def generated(register):
    return risk_data_generate(**OPTIONS)


def live_arrangements():
    return Arrangement.objects.filter(status__in=engine.LIVE_ARRANGEMENTS)


def test_every_risk_concerns_exactly_one_subject_and_each_kind_occurs(generated):
    subjects = Counter()
    for risk in Risk.objects.all():
        named = [kind for kind, value in (("provider", risk.provider_id),
                                          ("arrangement", risk.arrangement_id),
                                          ("activity", risk.activity_id)) if value]
        assert len(named) == 1
        subjects[named[0]] += 1
    assert sum(subjects.values()) == 200
    assert set(subjects) == {"provider", "arrangement", "activity"}
    assert subjects["provider"] > subjects["arrangement"] > subjects["activity"]


def test_risks_spread_over_the_categories_and_mostly_sit_low_on_the_matrix(generated):
    used = set(Risk.objects.values_list("category__code", flat=True))
    assert used == set(RiskCategory.objects.values_list("code", flat=True))
    likelihoods = Counter(Risk.objects.values_list("inherent_likelihood", flat=True))
    assert set(likelihoods) <= {1, 2, 3, 4, 5}
    assert likelihoods[1] + likelihoods[2] > likelihoods[4] + likelihoods[5]
    # Rated as the services rate them, so the register reads right before any rescoring.
    assert not Risk.objects.filter(inherent_rating="").exists()
    assert not Risk.objects.filter(residual_rating="").exists()


def test_intakes_go_only_to_live_arrangements_in_the_share_asked(generated):
    live = live_arrangements().count()
    assert ArrangementIntake.objects.count() == round(0.4 * live)
    assert not ArrangementIntake.objects.exclude(
        arrangement__status__in=engine.LIVE_ARRANGEMENTS).exists()


def test_every_country_the_providers_name_is_rated_from_1_to_5(generated):
    named = set()
    for values in Provider.objects.values_list("country", "service_countries",
                                               "data_storage_countries"):
        for value in values:
            named.update(code for code in str(value or "").split(",") if code)
    ratings = {str(rating.country): rating for rating in CountryRisk.objects.all()}
    assert set(ratings) == named
    for rating in ratings.values():
        assert {rating.political, rating.economic, rating.legal} <= {1, 2, 3, 4, 5}


def test_existing_country_ratings_are_kept(register):
    CountryRiskFactory(country="DE", political=5, economic=5, legal=5, source="Our own")
    risk_data_generate(**OPTIONS)
    kept = CountryRisk.objects.get(country="DE")
    assert (kept.political, kept.economic, kept.legal, kept.source) == (5, 5, 5, "Our own")


def test_controls_are_on_risks_and_some_implemented_ones_reduce_them(generated):
    assert Control.objects.count() == round(1.2 * 200)
    implemented = Control.objects.filter(status=ControlStatus.IMPLEMENTED)
    assert implemented.filter(likelihood_reduction__gt=0).exists()
    assert implemented.filter(impact_reduction__gt=0).exists()
    assert Control.objects.exclude(status=ControlStatus.IMPLEMENTED).exists()


def test_accepted_questionnaires_score_as_their_answers_say(generated):
    template = QuestionnaireTemplate.objects.get(name=SYNTHETIC_QUESTIONNAIRE)
    assert template.status == TemplateStatus.PUBLISHED
    campaign = Campaign.objects.get(name=SYNTHETIC_QUESTIONNAIRE, template=template)
    responses = QuestionnaireResponse.objects.filter(campaign=campaign)
    assert responses.count() == round(0.3 * Provider.objects.count())
    assert set(responses.values_list("status", flat=True)) == {ResponseStatus.ACCEPTED}
    questions = Question.objects.filter(section__template=template).count()
    assert Answer.objects.count() == responses.count() * questions
    scores = set()
    for response in responses:
        computed = response_score(response)
        assert (response.points, response.max_points, response.score) == (
            computed.points, computed.max_points, computed.percent)
        assert response.submitted_at < response.reviewed_at
        scores.add(response.score)
    assert len(scores) > 3


def test_every_generated_row_has_an_audit_entry_in_an_intact_chain(generated):
    for model in GENERATED:
        content_type = ContentType.objects.get_for_model(model)
        entries = AuditEntry.objects.filter(content_type=content_type, source=SOURCE)
        assert entries.count() == model.objects.count() > 0, model.__name__
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Risk), source=SOURCE).first()
    risk = Risk.objects.get(pk=entry.object_id)
    assert entry.before is None
    assert entry.after["title"] == risk.title == entry.object_repr
    assert entry.after["review_date"] == risk.review_date.isoformat()
    assert verify_chain().intact


def test_the_same_seed_on_the_same_register_gives_the_same_risk_data(register):
    def generate():
        with transaction.atomic():
            risk_data_generate(**OPTIONS)
            state = (
                list(Risk.objects.order_by("pk").values_list(
                    "title", "category__code", "provider__name", "arrangement__reference",
                    "activity__name", "inherent_likelihood", "inherent_impact", "status")),
                list(Control.objects.order_by("pk").values_list(
                    "risk__title", "title", "status", "likelihood_reduction")),
                list(ArrangementIntake.objects.order_by("pk").values_list(
                    "arrangement__reference", "criticality", "data_sensitivity",
                    "system_access", "annual_spend")),
                list(QuestionnaireResponse.objects.order_by("pk").values_list(
                    "provider__name", "score")),
                list(CountryRisk.objects.order_by("country").values_list(
                    "country", "political", "economic", "legal")),
            )
            transaction.set_rollback(True)
        return state

    first = generate()
    assert first[0] and first == generate()


def test_a_second_run_refuses_and_changes_nothing(generated):
    risks, entries = Risk.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValueError, match="already has 200 risks"):
        risk_data_generate(**OPTIONS)
    assert (Risk.objects.count(), AuditEntry.objects.count()) == (risks, entries)


def test_a_run_without_risks_can_be_followed_by_one_that_reuses_its_questionnaire(register):
    risk_data_generate(seed=1, risks_per_provider=0, intake_share=0, questionnaire_share=0.3)
    risk_data_generate(**OPTIONS)
    assert QuestionnaireTemplate.objects.filter(name=SYNTHETIC_QUESTIONNAIRE).count() == 1
    responses = QuestionnaireResponse.objects.filter(campaign__name=SYNTHETIC_QUESTIONNAIRE)
    assert responses.count() == responses.values("provider").distinct().count() == 30


def test_the_generated_questionnaire_follows_an_existing_draft_of_it(register):
    QuestionnaireTemplate.objects.create(name=SYNTHETIC_QUESTIONNAIRE, version=1)
    risk_data_generate(**OPTIONS)
    published = QuestionnaireTemplate.objects.get(status=TemplateStatus.PUBLISHED)
    assert (published.name, published.version) == (SYNTHETIC_QUESTIONNAIRE, 2)


def test_without_country_ratings_none_are_written(register):
    risk_data_generate(**OPTIONS, country_ratings=False)
    assert not CountryRisk.objects.exists()
    assert Risk.objects.exists()


def test_a_rescore_afterwards_scores_every_provider(generated):
    count = engine.providers_rescore(methodology=engine.methodology_current())
    assert count == Provider.objects.count() == ProviderScore.objects.count()
    assert not ArrangementIntake.objects.filter(tier=None).exists()
    answered = QuestionnaireResponse.objects.values_list("provider_id", flat=True).first()
    inputs = {i["input"]: i for i in ProviderScore.objects.get(
        provider_id=answered).explanation["inputs"]}
    assert inputs["questionnaire"]["detail"].startswith(SYNTHETIC_QUESTIONNAIRE)


def test_generate_risk_command_reports_rows_per_second_and_refuses_a_second_run(register):
    out = StringIO()
    call_command("generate_risk", "--seed", "2", "--no-country-ratings", stdout=out)
    assert "rows/s" in out.getvalue()
    assert "until commit" in out.getvalue()
    with pytest.raises(CommandError, match="already has"):
        call_command("generate_risk", stdout=StringIO())


def test_generate_risk_refuses_an_empty_register():
    with pytest.raises(ValueError, match="run `tether generate` first"):
        risk_data_generate()
