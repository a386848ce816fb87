"""The risk engine: ratings of the register's risks, arrangement tiers and provider scores.

One path scores everything (a methodology change) or a few providers (new evidence): it
reads what it needs in a handful of set-based queries, computes in memory, and writes with
bulk upserts. Nothing here saves row by row.

Provider scores (0–100, higher is riskier) and how they are made, so every figure can be
explained:
- inherent: the highest intake score among the provider's live arrangements (criticality,
  data sensitivity, system access, spend, substitutability, location), as a share of the
  most points the intake can give;
- residual: the weighted mean of inherent, the worst residual rating of its open risks, the
  gap in its latest accepted questionnaire, and the location rating of the countries where
  it is established, serves and stores data.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries

from tether.core.evidence import CONTRIBUTED_INPUTS
from tether.registry.choices import ArrangementStatus, Substitutability
from tether.registry.models import Arrangement, Provider
from tether.risk.choices import (
    BusinessCriticality,
    ControlStatus,
    DataSensitivity,
    RiskStatus,
    ScoreTrigger,
    SystemAccess,
)
from tether.risk.methodology import MethodologyConfig
from tether.risk.models import (
    ArrangementIntake,
    Control,
    CountryRisk,
    Methodology,
    ProviderScore,
    ProviderScoreHistory,
    Risk,
    RiskCategory,
)

BATCH = 2000
LIVE_ARRANGEMENTS = (ArrangementStatus.ACTIVE, ArrangementStatus.DRAFT)
# Without an intake, an arrangement is scored from what the register says about it.
DATA_INVOLVED_SENSITIVITY = {"none": DataSensitivity.NONE,
                             "confidential": DataSensitivity.CONFIDENTIAL,
                             "personal": DataSensitivity.PERSONAL}
ASSUMED_SYSTEM_ACCESS = SystemAccess.READ_ONLY


def methodology_current() -> Methodology:
    """The current methodology; the default one if an install has none yet."""
    current = Methodology.objects.filter(is_current=True).first()
    if current is not None:
        return current
    from tether.risk.services import methodology_install_default

    return methodology_install_default()


# --- the register's risks -------------------------------------------------------------------

def _clamped_cell(field_l: str, field_i: str, config: MethodologyConfig, then) -> list[When]:
    """One When per matrix cell; levels above the scale count as its top level."""
    whens = []
    for likelihood in config.likelihood_levels:
        for impact in config.impact_levels:
            l_lookup = "gte" if likelihood == config.max_likelihood else "exact"
            i_lookup = "gte" if impact == config.max_impact else "exact"
            whens.append(When(**{f"{field_l}__{l_lookup}": likelihood,
                                 f"{field_i}__{i_lookup}": impact},
                              then=Value(then(likelihood, impact))))
    return whens


def risks_rerate(config: MethodologyConfig, risk_ids=None) -> int:
    """Derive effective likelihood/impact, both ratings and the appetite flag, in SQL;
    returns how many risks changed rating."""
    risks = Risk.objects.all() if risk_ids is None else Risk.objects.filter(pk__in=risk_ids)
    implemented = Control.objects.filter(risk=OuterRef("pk"), status=ControlStatus.IMPLEMENTED)

    def reduction(field_name):
        return Coalesce(Subquery(implemented.values("risk").annotate(
            total=Sum(field_name)).values("total")[:1], output_field=IntegerField()), 0)

    # Each UPDATE skips the rows it would leave as they are: after a small change most risks
    # keep their ratings, and rewriting 75,000 unchanged rows cost seconds on PostgreSQL.
    effective_likelihood = Coalesce(
        F("residual_likelihood"),
        Greatest(F("inherent_likelihood") - reduction("likelihood_reduction"), Value(1)))
    effective_impact = Coalesce(
        F("residual_impact"),
        Greatest(F("inherent_impact") - reduction("impact_reduction"), Value(1)))
    risks.exclude(effective_likelihood=effective_likelihood,
                  effective_impact=effective_impact).update(
        effective_likelihood=effective_likelihood, effective_impact=effective_impact)
    rating = config.cell_rating
    inherent_rating = Case(*_clamped_cell("inherent_likelihood", "inherent_impact", config,
                                          rating), default=Value(""))
    residual_rating = Case(*_clamped_cell("effective_likelihood", "effective_impact", config,
                                          rating), default=Value(""))
    count = risks.exclude(inherent_rating=inherent_rating,
                          residual_rating=residual_rating).update(
        inherent_rating=inherent_rating, residual_rating=residual_rating)
    above = []
    for category_id, code in RiskCategory.objects.values_list("pk", "code"):
        appetite = config.appetite_for(code)
        worse = [r.code for r in config.ratings if config.exceeds(r.code, appetite)]
        if worse:
            above.append(When(category_id=category_id, residual_rating__in=worse,
                              then=Value(True)))
    above_appetite = Case(*above, default=Value(False)) if above else Value(False)
    open_risks = risks.filter(status=RiskStatus.OPEN)
    open_risks.exclude(above_appetite=above_appetite).update(above_appetite=above_appetite)
    risks.exclude(status=RiskStatus.OPEN).filter(above_appetite=True).update(
        above_appetite=False)
    return count


# --- intake and tiers -------------------------------------------------------------------------

@dataclass
class IntakeResult:
    arrangement_id: int
    provider_id: int
    reference: str
    score: float
    tier: int
    factors: list = field(default_factory=list)
    assumed: bool = False

    def as_json(self) -> dict:
        return {"arrangement": self.arrangement_id, "reference": self.reference,
                "score": round(self.score, 2), "tier": self.tier, "assumed": self.assumed,
                "factors": self.factors}


class LocationRatings:
    """Country ratings on the 0–1 scale: (mean of political, economic, legal − 1) ÷ 4."""

    def __init__(self, config: MethodologyConfig):
        self.default = (float(config.unrated_country) - 1) / 4
        self.by_country = {
            str(code): ((p + e + lg) / 3 - 1) / 4
            for code, p, e, lg in CountryRisk.objects.values_list(
                "country", "political", "economic", "legal")
        }

    def worst(self, countries) -> tuple[float, str]:
        """The riskiest of the countries, and which it is (the default if none is known)."""
        best_value, best_country = None, ""
        for country in countries:
            if not country:
                continue
            value = self.by_country.get(country, self.default)
            if best_value is None or value > best_value:
                best_value, best_country = value, country
        return (self.default, "") if best_value is None else (best_value, best_country)


def _countries(*values) -> list[str]:
    codes = []
    for value in values:
        if not value:
            continue
        codes.extend(code for code in str(value).split(",") if code)
    return codes


def country_name(code: str) -> str:
    return _country_name(code, get_language())


@functools.lru_cache(maxsize=1024)
def _country_name(code: str, language: str | None) -> str:
    # Asked for ~120,000 times in a full rescoring, and django-countries translates the name on
    # every call (1.8 s of the job); names are kept per language.
    return f"{countries.name(code) or code} ({code})"


def _substitutability_label(code: str) -> str:
    try:
        return Substitutability(code).label
    except ValueError:
        return code or "unknown"


def _points(table: dict, key) -> float:
    return float(table.get(str(key), 0))


def _spend_points(bands: list, spend) -> float:
    amount = float(spend or 0)
    for band in bands:
        if "below" not in band or amount < float(band["below"]):
            return float(band["points"])
    return float(bands[-1]["points"])


def intake_score(config: MethodologyConfig, location: LocationRatings, *, arrangement_id,
                 provider_id, reference, criticality, data_sensitivity, system_access, spend,
                 substitutability, countries, assumed) -> IntakeResult:
    """The inherent score and tier of one arrangement, with the points of each factor."""
    intake = config.intake
    location_value, country = location.worst(countries)
    factors = [
        ("criticality", BusinessCriticality(criticality).label,
         _points(intake["criticality"], criticality)),
        ("data_sensitivity", DataSensitivity(data_sensitivity).label,
         _points(intake["data_sensitivity"], data_sensitivity)),
        ("system_access", SystemAccess(system_access).label,
         _points(intake["system_access"], system_access)),
        ("spend", f"{float(spend or 0):,.0f}", _spend_points(intake["spend_bands"], spend)),
        ("substitutability", _substitutability_label(substitutability),
         _points(intake["substitutability"], substitutability)),
        ("location", country_name(country) if country else "no country known",
         location_value * float(intake["location_points"])),
    ]
    total = sum(points for _, _, points in factors)
    maximum = float(config.intake_max) or 1.0
    score = min(100.0, total * 100 / maximum)
    tier = config.tier_for(Decimal(str(round(score, 2)))).tier
    return IntakeResult(
        arrangement_id, provider_id, reference, score, tier,
        [{"factor": name, "value": value, "points": round(points, 2)}
         for name, value, points in factors],
        assumed,
    )


def intakes_compute(config: MethodologyConfig, location: LocationRatings,
                    provider_ids=None) -> dict[int, list[IntakeResult]]:
    """Every live arrangement's intake result, by provider id."""
    arrangements = Arrangement.objects.filter(status__in=LIVE_ARRANGEMENTS)
    if provider_ids is not None:
        arrangements = arrangements.filter(provider_id__in=provider_ids)
    rows = arrangements.values_list(
        "pk", "provider_id", "reference", "is_critical", "data_involved", "annual_cost",
        "substitutability", "provider__country", "provider__service_countries",
        "provider__data_storage_countries", "intake__pk", "intake__criticality",
        "intake__data_sensitivity", "intake__system_access", "intake__annual_spend",
        "intake__substitutability", "intake__country",
    ).order_by()
    results: dict[int, list[IntakeResult]] = defaultdict(list)
    for (pk, provider_id, reference, is_critical, data_involved, annual_cost, substitutability,
         country, service_countries, storage_countries, intake_pk, criticality, sensitivity,
         access, intake_spend, intake_substitutability, intake_country) in rows.iterator(
            chunk_size=BATCH):
        assumed = intake_pk is None
        if assumed:
            criticality = (BusinessCriticality.CRITICAL if is_critical
                           else BusinessCriticality.MODERATE)
            sensitivity = DATA_INVOLVED_SENSITIVITY.get(data_involved, DataSensitivity.INTERNAL)
            access = ASSUMED_SYSTEM_ACCESS
        countries = ([intake_country] if intake_country
                     else _countries(country, service_countries, storage_countries))
        results[provider_id].append(intake_score(
            config, location, arrangement_id=pk, provider_id=provider_id, reference=reference,
            criticality=criticality, data_sensitivity=sensitivity, system_access=access,
            spend=intake_spend if intake_spend is not None else annual_cost,
            substitutability=intake_substitutability or substitutability,
            countries=countries, assumed=assumed,
        ))
    return results


def intakes_store(intakes: dict[int, list[IntakeResult]]) -> None:
    """Keep the derived score and tier on the arrangements that have an intake row; only
    the rows whose figures moved are written."""
    by_arrangement = {r.arrangement_id: r for group in intakes.values() for r in group
                      if not r.assumed}
    if not by_arrangement:
        return
    changed = []
    for row in ArrangementIntake.objects.filter(arrangement_id__in=by_arrangement).order_by():
        result = by_arrangement[row.arrangement_id]
        score, explanation = Decimal(str(round(result.score, 2))), result.as_json()
        if (row.inherent_score, row.tier, row.explanation) == (score, result.tier, explanation):
            continue
        row.inherent_score, row.tier, row.explanation = score, result.tier, explanation
        changed.append(row)
    # An upsert on the primary key is a set-based UPDATE on both databases. bulk_update
    # writes one CASE WHEN per row and field: 20 s (SQLite) to 38 s (PostgreSQL) of a full
    # rescoring went into it for 29,000 intakes (bench/risk.py).
    ArrangementIntake.objects.bulk_create(
        changed, batch_size=BATCH, update_conflicts=True, unique_fields=["pk"],
        update_fields=["inherent_score", "tier", "explanation"])


# --- provider scores --------------------------------------------------------------------------

def _worst_risks(config: MethodologyConfig, provider_ids) -> dict[int, tuple[float, str]]:
    """Each provider's most severe open residual rating, on 0–100, and the risk it comes from."""
    risks = Risk.objects.filter(status=RiskStatus.OPEN).exclude(residual_rating="")
    if provider_ids is not None:
        risks = risks.filter(Q(provider_id__in=provider_ids)
                             | Q(arrangement__provider_id__in=provider_ids))
    worst: dict[int, tuple[float, str]] = {}
    for provider_id, via_arrangement, rating, title in risks.filter(
            Q(provider__isnull=False) | Q(arrangement__isnull=False)).values_list(
            "provider_id", "arrangement__provider_id", "residual_rating", "title").order_by():
        owner = provider_id or via_arrangement
        if rating not in config.rating_by_code:
            continue
        value = float(config.severity_percent(rating))
        if owner not in worst or value > worst[owner][0]:
            worst[owner] = (value, f"{title} ({config.rating_by_code[rating].label})")
    return worst


def _latest_questionnaires(provider_ids) -> dict[int, tuple[float, str]]:
    """Each provider's latest accepted questionnaire score, and which campaign it was."""
    from tether.diligence.choices import ResponseStatus
    from tether.diligence.models import QuestionnaireResponse

    responses = QuestionnaireResponse.objects.filter(status=ResponseStatus.ACCEPTED,
                                                     score__isnull=False)
    if provider_ids is not None:
        responses = responses.filter(provider_id__in=provider_ids)
    latest = {}
    for provider_id, score, campaign in responses.order_by("reviewed_at", "pk").values_list(
            "provider_id", "score", "campaign__name"):
        latest[provider_id] = (float(score), campaign)
    return latest


def provider_score_compute(config: MethodologyConfig, *, intakes: list[IntakeResult],
                           location: tuple[float, str], worst_risk: tuple[float, str] | None,
                           questionnaire: tuple[float, str] | None,
                           contributed: dict[str, tuple[float, str]] | None = None) -> dict:
    """One provider's inherent and residual scores, with the part each input played.
    `contributed`: the inputs other apps contribute (core.evidence), by name."""
    if intakes:
        driver = max(intakes, key=lambda r: (r.score, -r.arrangement_id))
        inherent = driver.score
        tier = min(r.tier for r in intakes)
        inherent_detail = (f"{driver.reference}: intake score {driver.score:.1f}"
                           + (" (assumed from the register; no intake yet)"
                              if driver.assumed else ""))
    else:
        driver, inherent, tier = None, 0.0, None
        inherent_detail = "No live arrangement"
    location_value, location_country = location
    inputs = {
        "inherent": (inherent, inherent_detail),
        "risks": worst_risk or (0.0, "No open risk in the register"),
        "questionnaire": (
            (100 - questionnaire[0], f"{questionnaire[1]}: scored {questionnaire[0]:.1f}%")
            if questionnaire else
            (float(config.questionnaire_missing), "No accepted questionnaire yet")),
        "location": (location_value * 100,
                     f"Riskiest country: {country_name(location_country)}"
                     if location_country else "No country known"),
        **(contributed or {}),
    }
    weights = {name: float(config.residual_weights.get(name, 0)) for name in inputs}
    total_weight = sum(weights.values()) or 1.0
    residual = sum(inputs[n][0] * weights[n] for n in inputs) / total_weight
    explained = [
        {"input": name, "value": round(value, 2), "weight": weights[name],
         "contribution": round(value * weights[name] / total_weight, 2), "detail": detail}
        for name, (value, detail) in inputs.items()
    ]
    return {
        "inherent": round(inherent, 2), "residual": round(min(100.0, residual), 2),
        "tier": tier, "inputs": explained,
        "driver": driver.as_json() if driver else None,
    }


def providers_rescore(*, methodology: Methodology, trigger: str = ScoreTrigger.RESCORE,
                      provider_ids=None, progress=None) -> int:
    """Score the providers (all of them, or those given) and keep the history; returns count."""
    config = MethodologyConfig(methodology.config)
    location = LocationRatings(config)
    if progress:
        progress.step("Rating the risk register")
    risk_scope = None
    if provider_ids is not None:
        # Two indexed lookups joined by UNION: an OR across the join scanned every risk.
        risk_scope = list(
            Risk.objects.filter(provider_id__in=provider_ids).values_list("pk", flat=True)
            .order_by().union(Risk.objects.filter(arrangement__provider_id__in=provider_ids)
                              .values_list("pk", flat=True).order_by()))
    with transaction.atomic():
        risks_rerate(config, risk_scope)
    if progress:
        progress.step("Scoring arrangement intakes")
    intakes = intakes_compute(config, location, provider_ids)
    with transaction.atomic():
        intakes_store(intakes)
    worst = _worst_risks(config, provider_ids)
    questionnaires = _latest_questionnaires(provider_ids)
    contributed = {name: (source.compute(provider_ids), source.absent)
                   for name, source in CONTRIBUTED_INPUTS.items()
                   if config.residual_weights.get(name)}
    providers = Provider.objects.all() if provider_ids is None else Provider.objects.filter(
        pk__in=provider_ids)
    # Read whole rather than with iterator(): on SQLite a read cursor kept open across the
    # batches' writes fails them with "database is locked" as soon as another connection
    # (the job's heartbeat) commits in between.
    rows = list(providers.values_list("pk", "country", "service_countries",
                                      "data_storage_countries").order_by("pk"))
    total = len(rows)
    if progress:
        progress.total(total)
    now = timezone.now()
    done = 0
    batch: list[tuple[int, dict]] = []
    for pk, country, service_countries, storage_countries in rows:
        figures = provider_score_compute(
            config, intakes=intakes.get(pk, []),
            location=location.worst(_countries(country, service_countries, storage_countries)),
            worst_risk=worst.get(pk), questionnaire=questionnaires.get(pk),
            contributed={name: found.get(pk, absent)
                         for name, (found, absent) in contributed.items()},
        )
        batch.append((pk, figures))
        if len(batch) >= BATCH:
            _store_scores(batch, config, methodology, trigger, now)
            done += len(batch)
            batch = []
            if progress:
                progress.advance(done, f"{done:,} of {total:,} providers scored")
    if batch:
        _store_scores(batch, config, methodology, trigger, now)
        done += len(batch)
    return done


def _store_scores(batch, config: MethodologyConfig, methodology, trigger, now) -> None:
    """Write the scores that moved and touch the others; history gets a row only where a
    figure moved, so running the same job twice (a worker died, the job was queued again)
    adds nothing."""
    previous = {
        row[0]: row[1:] for row in ProviderScore.objects.filter(
            provider_id__in=[pk for pk, _ in batch]).values_list(
            "provider_id", "methodology_id", "inherent_score", "residual_score", "tier",
            "inherent_rating", "residual_rating", "above_appetite", "explanation")
    }
    scores, history, unchanged = [], [], []
    for provider_id, figures in batch:
        inherent = Decimal(str(figures["inherent"]))
        residual = Decimal(str(figures["residual"]))
        inherent_rating = config.score_rating(inherent)
        residual_rating = config.score_rating(residual)
        above = config.exceeds(residual_rating, config.provider_appetite)
        explanation = {"methodology": methodology.version, "inputs": figures["inputs"],
                       "driver": figures["driver"]}
        figures_key = (methodology.pk, inherent, residual, figures["tier"])
        before = previous.get(provider_id)
        if before == (*figures_key, inherent_rating, residual_rating, above, explanation):
            unchanged.append(provider_id)
            continue
        scores.append(ProviderScore(
            provider_id=provider_id, methodology=methodology, inherent_score=inherent,
            residual_score=residual, inherent_rating=inherent_rating,
            residual_rating=residual_rating, above_appetite=above, tier=figures["tier"],
            explanation=explanation, computed_at=now,
        ))
        if before is not None and before[:4] == figures_key:
            continue
        history.append(ProviderScoreHistory(
            provider_id=provider_id, methodology=methodology, inherent_score=inherent,
            residual_score=residual, residual_rating=residual_rating, tier=figures["tier"],
            trigger=trigger, computed_at=now,
        ))
    with transaction.atomic():
        if scores:
            ProviderScore.objects.bulk_create(
                scores, update_conflicts=True, unique_fields=["provider"],
                update_fields=["methodology", "inherent_score", "residual_score",
                               "inherent_rating", "residual_rating", "above_appetite", "tier",
                               "explanation", "computed_at"],
            )
        if unchanged:
            ProviderScore.objects.filter(provider_id__in=unchanged).update(computed_at=now)
        ProviderScoreHistory.objects.bulk_create(history)
