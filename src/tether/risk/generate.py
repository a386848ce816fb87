"""Synthetic risk data on a generated register, for benchmarks: written set-based, audited.

`tether generate` writes the register; this adds what the risk engine reads: country ratings
for every country the providers name, intakes for a share of the live arrangements, risks on
providers, arrangements and value-chain activities with their controls, and accepted
questionnaire responses (with their answers, scored by the questionnaire's own rules) from a
"Synthetic due diligence" campaign. Every row gets its audit entry, written in bulk as the
register generator writes them.

Deterministic for a seed and a database state. It adds risk data to a register without any:
a second run refuses (country ratings already there are kept, never overwritten).
"""

import itertools
import random
import time
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tether.core.db import refresh_planner_statistics
from tether.core.models import User
from tether.diligence.campaign_selectors import questionnaire_of
from tether.diligence.choices import (
    SCORED_BY_OPTIONS,
    AnswerReview,
    CampaignStatus,
    QuestionType,
    ResponseStatus,
    TemplateStatus,
)
from tether.diligence.models import (
    Answer,
    Campaign,
    Question,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    Section,
)
from tether.diligence.scoring import GivenAnswer, options_of, score_response
from tether.registry.bulk import fast_insert
from tether.registry.choices import ProviderStatus, Substitutability
from tether.registry.demo_plan import OWNER_ROLES
from tether.registry.generate import GenerateReport
from tether.registry.models import Activity, Arrangement, Provider
from tether.risk import engine
from tether.risk.choices import (
    BusinessCriticality,
    ControlStatus,
    ControlType,
    DataSensitivity,
    RiskStatus,
    SystemAccess,
    Treatment,
)
from tether.risk.methodology import MethodologyConfig
from tether.risk.models import ArrangementIntake, Control, CountryRisk, Risk, RiskCategory

__all__ = ["SYNTHETIC_QUESTIONNAIRE", "risk_data_generate"]

SOURCE = "generate_risk"
SYNTHETIC_QUESTIONNAIRE = "Synthetic due diligence"
RATING_SOURCE = "Synthetic ratings (tether generate_risk)"

# Political, economic, legal (1 low – 5 high), roughly as public indices rank these countries.
# A country not listed gets 2–4 drawn from the seed.
COUNTRY_RATINGS = {
    "AT": (1, 1, 1), "AU": (1, 1, 1), "BE": (1, 2, 1), "BG": (3, 3, 3), "BR": (3, 3, 3),
    "BY": (5, 4, 5), "CA": (1, 1, 1), "CH": (1, 1, 1), "CN": (4, 2, 4), "CZ": (1, 2, 2),
    "DE": (1, 1, 1), "DK": (1, 1, 1), "EE": (2, 1, 1), "EG": (4, 4, 4), "ES": (2, 2, 2),
    "FI": (1, 1, 1), "FR": (2, 2, 1), "GB": (2, 2, 1), "GR": (2, 3, 2), "HR": (2, 2, 2),
    "HU": (3, 2, 3), "IE": (1, 1, 1), "IL": (3, 2, 2), "IN": (3, 3, 3), "IT": (2, 3, 2),
    "JP": (1, 2, 1), "LT": (2, 2, 1), "LU": (1, 1, 1), "LV": (2, 2, 1), "MA": (3, 3, 3),
    "MX": (3, 3, 3), "NL": (1, 1, 1), "NO": (1, 1, 1), "PH": (3, 3, 4), "PL": (2, 2, 2),
    "PT": (1, 2, 2), "RO": (2, 3, 3), "RS": (3, 3, 3), "RU": (5, 5, 5), "SE": (1, 1, 1),
    "SG": (1, 1, 1), "SI": (1, 2, 2), "SK": (2, 2, 2), "TR": (4, 4, 4), "UA": (5, 4, 3),
    "US": (2, 1, 2), "VN": (3, 3, 4), "ZA": (3, 3, 2),
}
# Where intakes say the work is really done, when it differs from the provider's countries.
NEARSHORE = ("IN", "PL", "PH", "RO", "UA", "VN", "RS", "MA")

# How often each category comes up in a third-party register; unknown codes weigh 5.
CATEGORY_WEIGHTS = {"data_security_ip": 20, "compliance": 15, "loss_of_control": 15,
                    "external_dependency": 12, "financial": 10, "concentration": 8,
                    "reputation": 8, "customer_experience": 7, "innovation_strategy": 5}
# Categories whose risks tend to hurt more when they happen: impact one level up, half the time.
SEVERE_CATEGORIES = frozenset({"data_security_ip", "compliance", "concentration"})
RISK_TITLES = {
    "loss_of_control": ("Service levels missed for several months running",
                        "Quality of delivered work below the agreed standard",
                        "Key staff on the account replaced without notice",
                        "No insight into how the work is actually done"),
    "data_security_ip": ("Personal data exposed through the provider's support access",
                         "Unpatched systems hosting our data",
                         "Ownership of the code and designs produced unclear",
                         "Encryption keys held by the provider alone",
                         "Ransomware at the provider halts the service"),
    "customer_experience": ("Customer calls answered late outside office hours",
                            "Language gaps in first-level support",
                            "Complaints handled inconsistently across sites"),
    "reputation": ("Labour practices at a subcontractor under public criticism",
                   "Environmental breaches in the provider's supply chain",
                   "Provider named in a corruption investigation"),
    "external_dependency": ("Sanctions may cut off the provider's delivery centre",
                            "Currency swings raise the provider's costs",
                            "Political unrest near the delivery site",
                            "Single data centre region with no fallback"),
    "innovation_strategy": ("In-house knowledge of the process lost",
                            "Roadmap dictated by the provider's product plans",
                            "No staff left who could take the work back"),
    "concentration": ("Too many critical functions with one provider group",
                      "Several providers rely on the same cloud subcontractor",
                      "No alternative provider qualified for a critical service"),
    "compliance": ("Audit and access rights missing from the contract",
                   "Subcontracting without our prior consent",
                   "Exit plan not tested", "Data transferred abroad without safeguards",
                   "Register entry incomplete for the supervisor"),
    "financial": ("Provider's liquidity weakening", "Hidden costs in change requests",
                  "Price increases above the contract's index clause"),
}
OTHER_TITLES = ("Risk identified in the annual review", "Finding from the last audit")
CONTROL_TITLES = {
    ControlType.PREVENTIVE: ("Contractual service levels with credits", "Access reviews every "
                             "quarter", "Encryption with our own keys", "Second provider "
                             "qualified", "Four-eyes approval of changes",
                             "Background checks of the provider's staff"),
    ControlType.DETECTIVE: ("Monthly service review", "Security monitoring of the provider's "
                            "access", "Annual on-site audit", "Review of the SOC 2 report",
                            "Financial health monitoring"),
    ControlType.CORRECTIVE: ("Tested exit plan", "Incident response plan with the provider",
                             "Restore tests of backups", "Escalation path to the provider's "
                             "management"),
    ControlType.TRANSFER: ("Cyber insurance", "Liability cap raised in the contract",
                           "Parent company guarantee"),
}

# What the intake says of the data, given what the register says (`data_involved`).
SENSITIVITY_OF_DATA = {
    "personal": ((DataSensitivity.PERSONAL, DataSensitivity.SPECIAL), (75, 25)),
    "confidential": ((DataSensitivity.CONFIDENTIAL, DataSensitivity.INTERNAL,
                      DataSensitivity.PERSONAL), (70, 20, 10)),
}
NO_SENSITIVE_DATA = ((DataSensitivity.NONE, DataSensitivity.INTERNAL), (60, 40))
LIKELIHOOD_WEIGHTS = (20, 35, 28, 12, 5)  # rare … almost certain: most risks are unlikely
IMPACT_WEIGHTS = (10, 25, 35, 20, 10)
TREATMENTS = {Treatment.MITIGATE: 65, Treatment.ACCEPT: 20, Treatment.TRANSFER: 10,
              Treatment.AVOID: 5}
CONTROL_TYPES = {ControlType.PREVENTIVE: 45, ControlType.DETECTIVE: 30,
                 ControlType.CORRECTIVE: 15, ControlType.TRANSFER: 10}
CONTROL_STATUSES = {ControlStatus.IMPLEMENTED: 60, ControlStatus.PLANNED: 30,
                    ControlStatus.INEFFECTIVE: 10}
# Where the risks sit: most on providers, many on arrangements, a few on activities.
PROVIDER_RISK_SHARE, ARRANGEMENT_RISK_SHARE = 0.55, 0.42
CLOSED_SHARE, ASSESSED_RESIDUAL_SHARE = 0.12, 0.08

SECTIONS = (
    ("Information security", "data_security_ip", (
        ("SEC-1", QuestionType.YES_NO, 3, "Do you hold a current ISO 27001 certificate or "
         "SOC 2 type II report covering the services?", [], []),
        ("SEC-2", QuestionType.YES_NO, 2, "Is our data encrypted at rest and in transit?",
         [], []),
        ("SEC-3", QuestionType.NUMBER, 2, "Within how many hours do you notify us of a "
         "security incident?", [], [{"max": 24, "score": 1}, {"min": 24, "max": 72,
                                                              "score": 0.5},
                                    {"min": 72, "score": 0}]),
    )),
    ("Business continuity", "external_dependency", (
        ("BCM-1", QuestionType.YES_NO, 2, "Was your continuity plan tested in the last 12 "
         "months?", [], []),
        ("BCM-2", QuestionType.CHOICE, 2, "Where can the service fail over to?", [
            {"value": "second_region", "label": "Another region", "score": 1},
            {"value": "same_region", "label": "Another site in the same region",
             "score": 0.5},
            {"value": "none", "label": "Nowhere", "score": 0}], []),
    )),
    ("Compliance", "compliance", (
        ("CMP-1", QuestionType.YES_NO, 2, "Do you grant us and our supervisor full audit and "
         "access rights?", [], []),
        ("CMP-2", QuestionType.YES_NO, 1, "Do you ask for our consent before subcontracting "
         "critical parts of the service?", [], []),
        ("CMP-3", QuestionType.CHOICE, 1, "Where is our data processed?", [
            {"value": "eea", "label": "Only in the EEA", "score": 1},
            {"value": "adequate", "label": "Also in countries with an adequacy decision",
             "score": 0.75},
            {"value": "elsewhere", "label": "Also elsewhere", "score": 0.25}], []),
    )),
    ("Financial standing", "financial", (
        ("FIN-1", QuestionType.YES_NO, 1, "Were your last annual accounts audited without "
         "qualification?", [], []),
        ("FIN-2", QuestionType.YES_NO, 1, "Do you carry professional liability insurance?",
         [], []),
    )),
)


def _cumulative(weights) -> list:
    return list(itertools.accumulate(weights))


def risk_data_generate(*, seed: int = 1, country_ratings: bool = True,
                       intake_share: float = 0.4, risks_per_provider: float = 1.5,
                       controls_per_risk: float = 1.2, questionnaire_share: float = 0.3,
                       today: date | None = None) -> GenerateReport:
    """Add synthetic risk data to the register, all of it or nothing."""
    for name, share in (("intake share", intake_share),
                        ("questionnaire share", questionnaire_share)):
        if not 0 <= share <= 1:
            raise ValueError(f"The {name} is a fraction from 0 to 1, not {share}.")
    if risks_per_provider < 0 or controls_per_risk < 0:
        raise ValueError("Ask for no negative number of risks or controls.")
    if not Provider.objects.exists():
        raise ValueError("The register has no providers: run `tether generate` first.")
    risks, intakes = Risk.objects.count(), ArrangementIntake.objects.count()
    if risks or intakes:
        raise ValueError(
            f"The register already has {risks:,} risks and {intakes:,} intakes: generate_risk "
            "adds risk data to a register without any. Start again from a fresh database "
            "(`tether migrate`, `tether generate`, then `tether generate_risk`).")
    started = time.perf_counter()
    with transaction.atomic():
        report = _RiskGenerator(seed, today or timezone.localdate()).run(
            country_ratings=country_ratings, intake_share=intake_share,
            risks_per_provider=risks_per_provider, controls_per_risk=controls_per_risk,
            questionnaire_share=questionnaire_share)
    report.committed_after = time.perf_counter() - started
    refresh_planner_statistics(CountryRisk, ArrangementIntake, Risk, Control,
                               QuestionnaireResponse, Answer)
    return report


class _RiskGenerator:
    def __init__(self, seed: int, today: date):
        self.rng = random.Random(f"risk:{seed}")
        self.today = today
        self.report = GenerateReport()
        self.objects_written = 0
        self.owner_ids = list(User.objects.filter(role__in=OWNER_ROLES, provider=None)
                              .order_by("pk").values_list("pk", flat=True)) or [None]
        self.providers = list(Provider.objects.order_by("pk").values_list(
            "pk", "status", "country", "service_countries", "data_storage_countries"))
        self.live = list(Arrangement.objects.filter(status__in=engine.LIVE_ARRANGEMENTS)
                         .order_by("pk").values_list(
                             "pk", "provider_id", "is_critical", "data_involved",
                             "annual_cost", "substitutability"))

    def run(self, *, country_ratings, intake_share, risks_per_provider, controls_per_risk,
            questionnaire_share) -> GenerateReport:
        if country_ratings:
            self._step("country ratings", self._country_ratings)
        self._step("intakes", self._intakes, intake_share)
        self._step("risks", self._risks, risks_per_provider)
        self._step("controls", self._controls, controls_per_risk)
        self._step("risk ratings", self._rate_risks)
        if questionnaire_share:
            self._step("questionnaire", self._questionnaire)
            self._step("responses", self._responses, questionnaire_share)
            self._step("answers", self._answers)
        return self.report

    def _step(self, name: str, method, *args) -> None:
        started, objects = time.perf_counter(), self.objects_written
        self.report.rows[name] = method(*args)
        self.report.seconds[name] = time.perf_counter() - started
        self.report.objects[name] = self.objects_written - objects

    def _insert(self, model, columns, rows, describe) -> tuple[list[int], int]:
        """Insert with audit entries; returns the ids and the rows written (audit too)."""
        ids = fast_insert(model, columns, rows, source=SOURCE, describe=describe)
        self.objects_written += len(rows)
        return ids, 2 * len(rows)

    def _owner(self):
        return self.rng.choice(self.owner_ids)

    def _moment(self, days_ago: int) -> datetime:
        """A time of day on a past working day, as a review would be dated."""
        day = self.today - timedelta(days=days_ago)
        moment = datetime(day.year, day.month, day.day, self.rng.randint(8, 17),
                          self.rng.randint(0, 59), tzinfo=timezone.get_current_timezone())
        return min(moment, timezone.now())

    # --- location ratings -----------------------------------------------------------------

    def _country_ratings(self) -> int:
        """Every country a provider is established in, serves from or stores data in."""
        used = set()
        for _, _, country, service_countries, storage_countries in self.providers:
            for value in (country, service_countries, storage_countries):
                used.update(code for code in str(value or "").split(",") if code)
        used.difference_update(str(code) for code in CountryRisk.objects.values_list(
            "country", flat=True))
        rows = []
        for code in sorted(used):
            ratings = COUNTRY_RATINGS.get(code) or tuple(self.rng.randint(2, 4)
                                                         for _ in range(3))
            rows.append((code, *ratings, RATING_SOURCE,
                         self.today - timedelta(days=self.rng.randint(10, 200))))
        _, written = self._insert(
            CountryRisk, ("country", "political", "economic", "legal", "source", "as_of"), rows,
            lambda row: row[0])
        return written

    # --- intakes ----------------------------------------------------------------------------

    def _intakes(self, share: float) -> int:
        rng = self.rng
        chosen = sorted(rng.sample(range(len(self.live)), round(share * len(self.live))))
        substitutability = list(Substitutability.values)
        rows = []
        for index in chosen:
            pk, _, is_critical, data_involved, annual_cost, _ = self.live[index]
            if is_critical:
                criticality = rng.choices((BusinessCriticality.CRITICAL,
                                           BusinessCriticality.HIGH), (80, 20))[0]
                access = rng.choices(tuple(SystemAccess), (10, 25, 40, 25))[0]
            else:
                criticality = rng.choices((BusinessCriticality.LOW, BusinessCriticality.MODERATE,
                                           BusinessCriticality.HIGH), (35, 45, 20))[0]
                access = rng.choices(tuple(SystemAccess), (30, 30, 28, 12))[0]
            levels, weights = SENSITIVITY_OF_DATA.get(data_involved, NO_SENSITIVE_DATA)
            sensitivity = rng.choices(levels, weights)[0]
            # Most intakes take spend, substitutability and country from the register.
            spend = None
            if rng.random() < 0.1:  # a revised estimate of what the arrangement costs
                spend = (annual_cost * Decimal(rng.randint(80, 150)) / 100).quantize(
                    Decimal("0.01"))
            rows.append((pk, criticality, sensitivity, access, spend,
                         rng.choice(substitutability) if rng.random() < 0.08 else "",
                         rng.choice(NEARSHORE) if rng.random() < 0.05 else ""))
        references = dict(Arrangement.objects.filter(
            pk__in=[row[0] for row in rows]).values_list("pk", "reference")) if rows else {}
        _, written = self._insert(
            ArrangementIntake, ("arrangement", "criticality", "data_sensitivity",
                                "system_access", "annual_spend", "substitutability", "country"),
            rows, lambda row: f"Intake of {references[row[0]]}")
        return written

    # --- the register of risks ----------------------------------------------------------------

    def _risks(self, per_provider: float) -> int:
        rng, count = self.rng, round(per_provider * len(self.providers))
        categories = list(RiskCategory.objects.filter(is_active=True).order_by("position", "pk")
                          .values_list("pk", "code"))
        if not categories or not count:
            self.risks = []
            return 0
        category_cum = _cumulative(CATEGORY_WEIGHTS.get(code, 5) for _, code in categories)
        # Providers with more live work, and active ones, carry more of the register.
        live_per_provider = Counter(row[1] for row in self.live)
        provider_cum = _cumulative(
            (1 + live_per_provider[pk]) * (1 if status == ProviderStatus.ACTIVE else 0.3)
            for pk, status, *_ in self.providers)
        arrangement_cum = _cumulative(3 if row[2] else 1 for row in self.live)
        activity_ids = list(Activity.objects.exclude(parent=None).order_by("pk")
                            .values_list("pk", flat=True))
        likelihood_cum, impact_cum = (_cumulative(LIKELIHOOD_WEIGHTS),
                                      _cumulative(IMPACT_WEIGHTS))
        treatments, treatment_cum = list(TREATMENTS), _cumulative(TREATMENTS.values())
        rows = []
        for _ in range(count):
            where = rng.random()
            provider = arrangement = activity = None
            if where >= PROVIDER_RISK_SHARE + ARRANGEMENT_RISK_SHARE and activity_ids:
                activity = rng.choice(activity_ids)
            elif where >= PROVIDER_RISK_SHARE and self.live:
                arrangement = self.live[rng.choices(
                    range(len(self.live)), cum_weights=arrangement_cum)[0]][0]
            else:
                provider = self.providers[rng.choices(
                    range(len(self.providers)), cum_weights=provider_cum)[0]][0]
            category_id, code = rng.choices(categories, cum_weights=category_cum)[0]
            likelihood = rng.choices(range(1, 6), cum_weights=likelihood_cum)[0]
            impact = rng.choices(range(1, 6), cum_weights=impact_cum)[0]
            if code in SEVERE_CATEGORIES and impact < 5 and rng.random() < 0.5:
                impact += 1
            residual_likelihood = residual_impact = None
            if rng.random() < ASSESSED_RESIDUAL_SHARE:  # the owner's own assessment
                residual_likelihood = max(1, likelihood - rng.randint(0, 2))
                residual_impact = max(1, impact - rng.randint(0, 1))
            rows.append((
                rng.choice(RISK_TITLES.get(code, OTHER_TITLES)), category_id, provider,
                arrangement, activity, self._owner(),
                RiskStatus.CLOSED if rng.random() < CLOSED_SHARE else RiskStatus.OPEN,
                rng.choices(treatments, cum_weights=treatment_cum)[0], likelihood, impact,
                residual_likelihood, residual_impact,
                self.today + timedelta(days=rng.randint(-90, 365)),
            ))
        columns = ("title", "category", "provider", "arrangement", "activity", "owner",
                   "status", "treatment", "inherent_likelihood", "inherent_impact",
                   "residual_likelihood", "residual_impact", "review_date")
        ids, written = self._insert(Risk, columns, rows, lambda row: row[0])
        self.risks = [(pk, row[7], row[8] * row[9]) for pk, row in zip(ids, rows, strict=True)]
        return written

    def _controls(self, per_risk: float) -> int:
        rng, count = self.rng, round(per_risk * len(self.risks))
        if not count:
            return 0
        # Risks being mitigated, and the severe ones most, get the controls.
        risk_cum = _cumulative(
            severity if treatment in (Treatment.MITIGATE, Treatment.TRANSFER) else 1
            for _, treatment, severity in self.risks)
        chosen = sorted(rng.choices(range(len(self.risks)), cum_weights=risk_cum, k=count))
        types, type_cum = list(CONTROL_TYPES), _cumulative(CONTROL_TYPES.values())
        statuses, status_cum = list(CONTROL_STATUSES), _cumulative(CONTROL_STATUSES.values())
        rows = []
        for index in chosen:
            risk_id, treatment, _ = self.risks[index]
            control_type = (ControlType.TRANSFER if treatment == Treatment.TRANSFER
                            and rng.random() < 0.6 else
                            rng.choices(types, cum_weights=type_cum)[0])
            likelihood_reduction, impact_reduction = {
                ControlType.PREVENTIVE: (rng.choice((1, 1, 1, 2)), 0),
                ControlType.DETECTIVE: (rng.choice((0, 1)), rng.choice((0, 1))),
                ControlType.CORRECTIVE: (0, 1),
                ControlType.TRANSFER: (0, rng.choice((1, 1, 2))),
            }[control_type]
            rows.append((risk_id, rng.choice(CONTROL_TITLES[control_type]), control_type,
                         rng.choices(statuses, cum_weights=status_cum)[0],
                         likelihood_reduction, impact_reduction, self._owner()))
        _, written = self._insert(
            Control, ("risk", "title", "control_type", "status", "likelihood_reduction",
                      "impact_reduction", "owner"), rows, lambda row: row[1])
        return written

    def _rate_risks(self) -> int:
        """Derive the ratings as the services do after every change (set-based SQL)."""
        config = MethodologyConfig(engine.methodology_current().config)
        return engine.risks_rerate(config) if self.risks else 0

    # --- due diligence ----------------------------------------------------------------------

    def _questionnaire(self) -> int:
        """The published template and the campaign the responses belong to, made once."""
        written = 0
        template = (QuestionnaireTemplate.objects.filter(
            name=SYNTHETIC_QUESTIONNAIRE, status=TemplateStatus.PUBLISHED)
            .order_by("-version").first())
        if template is None:
            template_id, written = self._template()
        else:
            template_id = template.pk
        campaign = Campaign.objects.filter(name=SYNTHETIC_QUESTIONNAIRE,
                                           template_id=template_id).order_by("pk").first()
        if campaign is None:
            (campaign_id,), more = self._insert(Campaign, (
                "name", "template", "due_date", "message", "status"), [(
                    SYNTHETIC_QUESTIONNAIRE, template_id, self.today - timedelta(days=30),
                    "Our yearly due diligence questionnaire (synthetic data).",
                    CampaignStatus.CLOSED)], lambda row: row[0])
            written += more
        else:
            campaign_id = campaign.pk
        self.campaign_id = campaign_id
        self.questionnaire = questionnaire_of(template_id)
        return written

    def _template(self) -> tuple[int, int]:
        """A short published questionnaire: its template, sections and questions."""
        # After any draft or retired version someone made of it.
        version = 1 + max(QuestionnaireTemplate.objects.filter(
            name=SYNTHETIC_QUESTIONNAIRE).values_list("version", flat=True), default=0)
        ids, written = self._insert(
            QuestionnaireTemplate, ("name", "version", "status", "description"),
            [(SYNTHETIC_QUESTIONNAIRE, version, TemplateStatus.PUBLISHED,
              "Generated by `tether generate_risk`: a short yearly questionnaire.")],
            lambda row: f"{row[0]} v{row[1]}")
        template_id = ids[0]
        section_ids, more = self._insert(
            Section, ("template", "position", "title", "risk_category"),
            [(template_id, position, title, category)
             for position, (title, category, _) in enumerate(SECTIONS)], lambda row: row[2])
        written += more
        rows = [(section_id, position, code, text, kind, Decimal(weight), options, bands)
                for section_id, (_, _, questions) in zip(section_ids, SECTIONS, strict=True)
                for position, (code, kind, weight, text, options, bands) in enumerate(questions)]
        _, more = self._insert(Question, ("section", "position", "code", "text",
                                          "question_type", "weight", "options", "bands"),
                               rows, lambda row: f"{row[2]} {row[3][:60]}")
        return template_id, written + more

    def _responses(self, share: float) -> int:
        """Accepted responses for a share of the providers, the active ones first."""
        rng = self.rng
        answered = set(QuestionnaireResponse.objects.filter(campaign_id=self.campaign_id)
                       .values_list("provider_id", flat=True))
        candidates = [row[0] for row in self.providers if row[0] not in answered]
        active = [pk for pk, status, *_ in self.providers
                  if status == ProviderStatus.ACTIVE and pk not in answered]
        count = min(round(share * len(self.providers)), len(candidates))
        pool = active if count <= len(active) else candidates
        chosen = sorted(rng.sample(pool, count))
        self.answer_sets = []
        rows = []
        for provider_id in chosen:
            maturity = rng.betavariate(5, 1.8)  # most providers answer most questions well
            given = {rule.code: GivenAnswer(self._answer_value(rule, maturity))
                     for rule in self.questionnaire.rules}
            score = score_response(self.questionnaire.rules, given)
            submitted = rng.randint(35, 120)
            rows.append((self.campaign_id, provider_id, ResponseStatus.ACCEPTED,
                         self._moment(submitted), self._moment(submitted - rng.randint(1, 30)),
                         self._owner(), score.points, score.max_points, score.percent))
            self.answer_sets.append((given, score))
        names = dict(Provider.objects.filter(pk__in=chosen).values_list("pk", "name"))
        ids, written = self._insert(
            QuestionnaireResponse, ("campaign", "provider", "status", "submitted_at",
                                    "reviewed_at", "reviewed_by", "points", "max_points",
                                    "score"),
            rows, lambda row: f"{SYNTHETIC_QUESTIONNAIRE}: {names[row[1]]}")
        self.response_ids = ids
        return written

    def _answer_value(self, rule, maturity: float):
        """An answer a provider of this maturity would give (better ones score higher)."""
        rng = self.rng
        if rule.question_type in SCORED_BY_OPTIONS:
            options = sorted(options_of(rule), key=lambda o: -float(o.get("score", 0)))
            if rng.random() < maturity:
                return options[0]["value"]
            return rng.choice(options[1:] or options)["value"]
        if rule.question_type == QuestionType.NUMBER:
            bands = sorted(rule.bands, key=lambda b: -float(b.get("score", 0)))
            if not bands:
                return rng.randint(1, 100)
            band = bands[0] if rng.random() < maturity else rng.choice(bands[1:] or bands)
            low = int(float(band.get("min") or 0))
            high = int(float(band.get("max") or low + 100))
            return rng.randrange(low, max(low + 1, high))
        if rule.question_type == QuestionType.DATE:
            return (self.today - timedelta(days=rng.randint(30, 700))).isoformat()
        return "See our policy documents."

    def _answers(self) -> int:
        questions = {question.code: question for question in self.questionnaire.questions}
        rows = []
        for response_id, (given, score) in zip(self.response_ids, self.answer_sets,
                                               strict=True):
            for question_score in score.questions:
                if not question_score.asked:
                    continue
                rows.append((response_id, questions[question_score.code].pk,
                             given[question_score.code].value, AnswerReview.ACCEPTED,
                             question_score.points, question_score.max_points))
        codes = {question.pk: code for code, question in questions.items()}
        _, written = self._insert(
            Answer, ("response", "question", "value", "review", "points", "max_points"), rows,
            lambda row: f"{codes[row[1]]}: {row[2]!r}")
        return written
