"""A methodology's configuration: parsed, validated, and the default shipped with Tether.

The configuration is one JSON document so a version can be kept whole, compared and
exported. `MethodologyConfig.parse` checks it and names every problem the way an
administrator can fix it ("matrix row 3 has 4 cells; the impact scale has 5 levels").
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from tether.core.evidence import CONTRIBUTED_INPUTS

DEFAULT_CATEGORIES = [
    ("loss_of_control", "Loss of control and quality",
     "The provider's work slips below the standard we promised our customers."),
    ("data_security_ip", "Data security and intellectual property",
     "Data breaches, leaks of know-how, unclear ownership of what is produced."),
    ("customer_experience", "Customer experience",
     "Communication, language and time-zone gaps that customers feel."),
    ("reputation", "Reputation",
     "Partners' unethical practices (labour, environment) that become ours."),
    ("external_dependency", "External dependency",
     "Political, economic and regulatory change, supply disruption at or around the provider."),
    ("innovation_strategy", "Innovation and strategic capability",
     "Lost in-house skills and knowledge, innovation left to others."),
    ("concentration", "Concentration",
     "Too much on one provider, group, country or technology."),
    ("compliance", "Compliance",
     "Breaches of law, regulation or contract by or through the provider."),
    ("financial", "Financial",
     "Cost overruns, hidden costs, the provider's own financial weakness."),
]

DEFAULT_CONFIG = {
    "likelihood": [
        {"level": 1, "label": "Rare"}, {"level": 2, "label": "Unlikely"},
        {"level": 3, "label": "Possible"}, {"level": 4, "label": "Likely"},
        {"level": 5, "label": "Almost certain"},
    ],
    "impact": [
        {"level": 1, "label": "Negligible"}, {"level": 2, "label": "Minor"},
        {"level": 3, "label": "Moderate"}, {"level": 4, "label": "Major"},
        {"level": 5, "label": "Severe"},
    ],
    # From the least to the most severe.
    "ratings": [
        {"code": "low", "label": "Low", "color": "#2e7d32"},
        {"code": "medium", "label": "Medium", "color": "#f9a825"},
        {"code": "high", "label": "High", "color": "#ef6c00"},
        {"code": "critical", "label": "Critical", "color": "#c62828"},
    ],
    # matrix[likelihood - 1][impact - 1]
    "matrix": [
        ["low", "low", "low", "medium", "medium"],
        ["low", "low", "medium", "medium", "high"],
        ["low", "medium", "medium", "high", "high"],
        ["medium", "medium", "high", "high", "critical"],
        ["medium", "high", "high", "critical", "critical"],
    ],
    # The most severe rating still acceptable, per category code; "default" for the rest.
    "appetite": {"default": "medium", "data_security_ip": "low", "compliance": "low"},
    # Provider scores (0–100) to ratings: the first band whose "below" the score is under.
    "score_bands": [
        {"below": 25, "rating": "low"}, {"below": 50, "rating": "medium"},
        {"below": 75, "rating": "high"}, {"rating": "critical"},
    ],
    "provider_appetite": "medium",
    # How the residual score weighs its inputs (each 0–100, higher is riskier).
    # "performance" (SLA breaches) and "oversight" (open findings, incidents) are contributed
    # by the apps that own those data (core.evidence).
    "residual_weights": {"inherent": 0.4, "risks": 0.2, "questionnaire": 0.2,
                         "location": 0.1, "performance": 0.05, "oversight": 0.05},
    # The questionnaire input when a provider has no accepted questionnaire yet.
    "questionnaire_missing": 60,
    # A country nobody has rated counts as this, on the 1–5 scale.
    "unrated_country": 3,
    "intake": {
        "criticality": {"1": 0, "2": 10, "3": 20, "4": 30},
        "data_sensitivity": {"0": 0, "1": 5, "2": 12, "3": 18, "4": 25},
        "system_access": {"0": 0, "1": 5, "2": 10, "3": 15},
        "substitutability": {"easy": 0, "medium": 5, "highly_complex": 10,
                             "not_substitutable": 15},
        "spend_bands": [{"below": 50000, "points": 0}, {"below": 250000, "points": 5},
                        {"below": 1000000, "points": 10}, {"points": 15}],
        "location_points": 15,
    },
    # From the most to the least demanding; the first whose min_score the intake reaches.
    "tiers": [
        {"tier": 1, "min_score": 65, "label": "Tier 1: critical",
         "due_diligence": "Full: on-site audit, all evidence", "review_months": 6},
        {"tier": 2, "min_score": 45, "label": "Tier 2: high",
         "due_diligence": "Enhanced: full questionnaire and evidence", "review_months": 12},
        {"tier": 3, "min_score": 25, "label": "Tier 3: moderate",
         "due_diligence": "Standard questionnaire", "review_months": 24},
        {"tier": 4, "min_score": 0, "label": "Tier 4: low",
         "due_diligence": "Light: self-declaration", "review_months": 36},
    ],
}

MAX_LEVELS = 10  # per scale: a matrix of at most 10 × 10 cells
OWN_RESIDUAL_INPUTS = ("inherent", "risks", "questionnaire", "location")


def residual_inputs() -> tuple[str, ...]:
    """Every input a residual weight may name: risk's own and those other apps contribute."""
    return OWN_RESIDUAL_INPUTS + tuple(CONTRIBUTED_INPUTS)
INTAKE_FACTORS = ("criticality", "data_sensitivity", "system_access", "substitutability")


@dataclass(frozen=True)
class Rating:
    code: str
    label: str
    color: str
    severity: int  # 0 for the least severe


@dataclass(frozen=True)
class Tier:
    tier: int
    min_score: Decimal
    label: str
    due_diligence: str
    review_months: int


class MethodologyConfig:
    """A validated methodology configuration, with the lookups the engine needs."""

    def __init__(self, raw: dict):
        self.raw = raw
        self.likelihood_levels = [int(item["level"]) for item in raw["likelihood"]]
        self.impact_levels = [int(item["level"]) for item in raw["impact"]]
        self.likelihood_labels = {int(i["level"]): i["label"] for i in raw["likelihood"]}
        self.impact_labels = {int(i["level"]): i["label"] for i in raw["impact"]}
        self.ratings = [
            Rating(r["code"], r.get("label") or r["code"], r.get("color") or "#777777", index)
            for index, r in enumerate(raw["ratings"])
        ]
        self.rating_by_code = {r.code: r for r in self.ratings}
        self.matrix = raw["matrix"]
        self.appetite = raw["appetite"]
        self.score_bands = raw["score_bands"]
        self.provider_appetite = raw["provider_appetite"]
        self.residual_weights = {k: Decimal(str(v)) for k, v in raw["residual_weights"].items()}
        self.questionnaire_missing = Decimal(str(raw["questionnaire_missing"]))
        self.unrated_country = Decimal(str(raw["unrated_country"]))
        self.intake = raw["intake"]
        self.tiers = sorted(
            (Tier(int(t["tier"]), Decimal(str(t["min_score"])), t.get("label", ""),
                  t.get("due_diligence", ""), int(t["review_months"])) for t in raw["tiers"]),
            key=lambda t: -t.min_score,
        )
        self.intake_max = (
            sum(max(Decimal(str(v)) for v in self.intake[f].values()) for f in INTAKE_FACTORS)
            + max(Decimal(str(b["points"])) for b in self.intake["spend_bands"])
            + Decimal(str(self.intake["location_points"]))
        )

    @classmethod
    def parse(cls, raw) -> "MethodologyConfig":
        errors = methodology_errors(raw)
        if errors:
            raise ValidationError(errors)
        return cls(raw)

    # Lookups used by the engine and the pages.
    @property
    def max_likelihood(self) -> int:
        return max(self.likelihood_levels)

    @property
    def max_impact(self) -> int:
        return max(self.impact_levels)

    def cell_rating(self, likelihood: int, impact: int) -> str:
        likelihood = min(max(likelihood, 1), self.max_likelihood)
        impact = min(max(impact, 1), self.max_impact)
        return self.matrix[likelihood - 1][impact - 1]

    def appetite_for(self, category_code: str) -> str:
        return self.appetite.get(category_code, self.appetite["default"])

    def exceeds(self, rating_code: str, appetite_code: str) -> bool:
        rating = self.rating_by_code.get(rating_code)
        appetite = self.rating_by_code[appetite_code]
        return rating is not None and rating.severity > appetite.severity

    def severity_percent(self, rating_code: str) -> Decimal:
        """A rating as 0–100: the least severe is 0, the most severe 100."""
        top = len(self.ratings) - 1
        severity = self.rating_by_code[rating_code].severity
        return Decimal(severity * 100) / Decimal(top) if top else Decimal(0)

    def score_rating(self, score: Decimal) -> str:
        for band in self.score_bands:
            if "below" not in band or score < Decimal(str(band["below"])):
                return band["rating"]
        return self.score_bands[-1]["rating"]

    def tier_for(self, score: Decimal) -> Tier:
        for tier in self.tiers:
            if score >= tier.min_score:
                return tier
        return self.tiers[-1]


def methodology_errors(raw) -> list[str]:
    """Every problem in a configuration, in words an administrator can act on."""
    if not isinstance(raw, dict):
        return ["The methodology must be an object (a mapping of settings)."]
    missing = [key for key in DEFAULT_CONFIG if key not in raw]
    if missing:
        return [f"Missing setting(s): {', '.join(missing)}."]
    errors = []
    scales = {}
    for scale in ("likelihood", "impact"):
        levels = raw[scale]
        try:
            numbers = [int(item["level"]) for item in levels]
            labels = [str(item["label"]) for item in levels]
        except (TypeError, KeyError, ValueError):
            errors.append(f"The {scale} scale must list levels as {{level, label}}.")
            continue
        if numbers != list(range(1, len(numbers) + 1)) or len(numbers) < 2:
            errors.append(f"The {scale} scale must number its levels 1, 2, 3… (at least 2).")
        elif len(numbers) > MAX_LEVELS:
            errors.append(f"The {scale} scale may have at most {MAX_LEVELS} levels.")
        elif any(not label.strip() for label in labels):
            errors.append(f"Every {scale} level needs a label.")
        else:
            scales[scale] = len(numbers)
    try:
        codes = [r["code"] for r in raw["ratings"]]
    except (TypeError, KeyError):
        return [*errors, "Ratings must be a list of {code, label, color}."]
    if not all(isinstance(code, str) for code in codes):
        return [*errors, "Every rating code must be text."]
    if len(codes) < 2 or len(set(codes)) != len(codes) or not all(c.strip() for c in codes):
        errors.append("Ratings need at least two distinct, non-empty codes.")
    known = set(codes)
    matrix = raw["matrix"]
    if len(scales) == 2:
        if not isinstance(matrix, list) or len(matrix) != scales["likelihood"]:
            errors.append(f"The matrix needs one row per likelihood level "
                          f"({scales['likelihood']}).")
        else:
            for number, row in enumerate(matrix, start=1):
                if not isinstance(row, list) or len(row) != scales["impact"]:
                    errors.append(f"Matrix row {number} must have one cell per impact level "
                                  f"({scales['impact']}).")
                    continue
                unknown = sorted({str(cell) for cell in row} - known)
                if unknown:
                    errors.append(f"Matrix row {number} uses unknown rating(s): "
                                  f"{', '.join(unknown)}.")
    appetite = raw["appetite"]
    if not isinstance(appetite, dict) or "default" not in appetite:
        errors.append("The appetite needs a default rating.")
    else:
        for category, code in appetite.items():
            if not _is_known(code, known):
                errors.append(f"The appetite for {category} is an unknown rating: {code}.")
    if not _is_known(raw["provider_appetite"], known):
        errors.append(f"The provider appetite is an unknown rating: {raw['provider_appetite']}.")
    errors += _band_errors(raw["score_bands"], known)
    errors += _weight_errors(raw["residual_weights"])
    for key, low, high in (("questionnaire_missing", 0, 100), ("unrated_country", 1, 5)):
        if not _is_number_between(raw[key], low, high):
            errors.append(f"{key.replace('_', ' ').capitalize()} must be a number from "
                          f"{low} to {high}.")
    errors += _intake_errors(raw["intake"])
    errors += _tier_errors(raw["tiers"])
    return errors


def _is_known(code, known: set) -> bool:
    return isinstance(code, str) and code in known


def _is_number_between(value, low, high) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high


def _band_errors(bands, known) -> list[str]:
    if not isinstance(bands, list) or not bands:
        return ["Score bands must be a non-empty list."]
    errors, previous = [], None
    for number, band in enumerate(bands, start=1):
        if not isinstance(band, dict) or not _is_known(band.get("rating"), known):
            errors.append(f"Score band {number} needs a known rating.")
            continue
        if "below" in band:
            if not _is_number_between(band["below"], 0, 100):
                errors.append(f"Score band {number}: “below” must be a number from 0 to 100.")
            elif previous is not None and band["below"] <= previous:
                errors.append(f"Score band {number} must start above band {number - 1}.")
            else:
                previous = band["below"]
        elif number != len(bands):
            errors.append("Only the last score band may leave out “below”.")
    if isinstance(bands[-1], dict) and "below" in bands[-1]:
        errors.append("The last score band must leave out “below”, to catch every score.")
    return errors


def _weight_errors(weights) -> list[str]:
    if not isinstance(weights, dict):
        return ["Residual weights must map inputs to numbers."]
    errors = []
    known = residual_inputs()
    unknown = sorted(set(weights) - set(known))
    if unknown:
        errors.append(f"Unknown residual input(s): {', '.join(unknown)}; known: "
                      f"{', '.join(known)}.")
    if any(not _is_number_between(v, 0, 1000) for v in weights.values()):
        errors.append("Residual weights must be numbers of 0 or more.")
    elif not any(v > 0 for v in weights.values()):
        errors.append("At least one residual weight must be above 0.")
    return errors


def _intake_errors(intake) -> list[str]:
    if not isinstance(intake, dict):
        return ["The intake must map factors to points."]
    errors = []
    for factor in INTAKE_FACTORS:
        points = intake.get(factor)
        if not isinstance(points, dict) or not points or not all(
                _is_number_between(v, 0, 1000) for v in points.values()):
            errors.append(f"Intake {factor.replace('_', ' ')}: give points (0 or more) for "
                          "each value.")
    bands = intake.get("spend_bands")
    if not isinstance(bands, list) or not bands or not all(
            isinstance(b, dict) and _is_number_between(b.get("points"), 0, 1000) for b in bands):
        errors.append("Intake spend bands must list {below, points}, the last without below.")
    elif "below" in bands[-1]:
        errors.append("The last intake spend band must leave out “below”.")
    elif not all(_is_number_between(b["below"], 0, 1e15) for b in bands[:-1]):
        errors.append("Every intake spend band but the last needs “below”, an amount.")
    if not _is_number_between(intake.get("location_points"), 0, 1000):
        errors.append("Intake location points must be a number of 0 or more.")
    return errors


def _tier_errors(tiers) -> list[str]:
    if not isinstance(tiers, list) or not tiers:
        return ["Tiers must be a non-empty list."]
    errors = []
    for number, tier in enumerate(tiers, start=1):
        if not isinstance(tier, dict):
            errors.append(f"Tier {number} must be an object.")
            continue
        if not isinstance(tier.get("tier"), int) or not _is_number_between(
                tier.get("min_score"), 0, 100):
            errors.append(f"Tier {number} needs a tier number and a min_score from 0 to 100.")
        if not isinstance(tier.get("review_months"), int) or tier["review_months"] < 1:
            errors.append(f"Tier {number} needs review_months, a whole number of 1 or more.")
    if not errors and not any(t["min_score"] == 0 for t in tiers):
        errors.append("One tier must have min_score 0, so every arrangement gets a tier.")
    return errors
