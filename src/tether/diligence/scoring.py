"""How a questionnaire is scored: which questions are asked, what each answer earns.

Pure functions over plain values, so the rules are tested on hand-computed cases and the
same code scores one response on submit and thousands in a rescoring job.

- A question is *asked* if it has no condition, or if the question it depends on is asked and
  its answer is one of the listed values. A question hidden by its condition neither earns
  nor costs points.
- An asked question can earn `weight` points. Yes/no and choice answers earn weight × the
  option's score (0–1); a number earns weight × the score of the band it falls in; text,
  date and file answers earn the full weight once given. Evidence required but not attached
  halves what the answer earns. Unanswered questions earn nothing.
- The response's score is earned ÷ possible × 100, over asked questions with a weight.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tether.diligence.choices import QuestionType

YES_NO_DEFAULT = [
    {"value": "yes", "label": "Yes", "score": 1},
    {"value": "no", "label": "No", "score": 0},
]
EVIDENCE_MISSING_FACTOR = Decimal("0.5")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class QuestionRule:
    """What scoring needs of a question, detached from the database."""

    code: str
    question_type: str
    weight: Decimal
    options: list = field(default_factory=list)
    bands: list = field(default_factory=list)
    evidence_required: bool = False
    show_if: str | None = None  # code of the question this one depends on
    show_if_values: list = field(default_factory=list)
    text: str = ""

    @classmethod
    def of(cls, question, codes_by_id: dict[int, str]) -> "QuestionRule":
        return cls(
            code=question.code, question_type=question.question_type,
            weight=Decimal(question.weight), options=question.options or [],
            bands=question.bands or [], evidence_required=question.evidence_required,
            show_if=codes_by_id.get(question.show_if_question_id),
            show_if_values=question.show_if_values or [], text=question.text,
        )


@dataclass(frozen=True)
class GivenAnswer:
    value: object = None
    has_evidence: bool = False


@dataclass(frozen=True)
class QuestionScore:
    code: str
    asked: bool
    points: Decimal
    max_points: Decimal
    reason: str  # why it earned less than its weight, for the "answers that cost points" list

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.points


@dataclass(frozen=True)
class ResponseScore:
    points: Decimal
    max_points: Decimal
    questions: list[QuestionScore]

    @property
    def percent(self) -> Decimal | None:
        if not self.max_points:
            return None
        return (self.points * 100 / self.max_points).quantize(CENT, ROUND_HALF_UP)

    @property
    def costly(self) -> list[QuestionScore]:
        """Asked questions that earned less than they could, the most expensive first."""
        return sorted((q for q in self.questions if q.asked and q.lost > 0),
                      key=lambda q: (-q.lost, q.code))


def options_of(rule: QuestionRule) -> list[dict]:
    if rule.question_type == QuestionType.YES_NO and not rule.options:
        return YES_NO_DEFAULT
    return rule.options


def is_answered(value) -> bool:
    return value not in (None, "", [])


def asked_codes(rules: list[QuestionRule], answers: dict[str, GivenAnswer]) -> set[str]:
    """The questions asked, given the answers: conditions are followed in template order."""
    asked: set[str] = set()
    for rule in rules:
        if rule.show_if is None:
            asked.add(rule.code)
            continue
        if rule.show_if not in asked:
            continue
        given = answers.get(rule.show_if)
        if given is not None and _matches(given.value, rule.show_if_values):
            asked.add(rule.code)
    return asked


def _matches(value, expected: list) -> bool:
    return any(str(value).strip().casefold() == str(item).strip().casefold()
               for item in expected)


def score_response(rules: list[QuestionRule], answers: dict[str, GivenAnswer]) -> ResponseScore:
    """Score one set of answers against a template's rules."""
    asked = asked_codes(rules, answers)
    scores = []
    for rule in rules:
        if rule.code not in asked:
            scores.append(QuestionScore(rule.code, False, Decimal(0), Decimal(0), "not asked"))
            continue
        scores.append(score_question(rule, answers.get(rule.code) or GivenAnswer()))
    points = sum((s.points for s in scores), Decimal(0))
    max_points = sum((s.max_points for s in scores), Decimal(0))
    return ResponseScore(points.quantize(CENT, ROUND_HALF_UP),
                         max_points.quantize(CENT, ROUND_HALF_UP), scores)


def score_question(rule: QuestionRule, given: GivenAnswer) -> QuestionScore:
    weight = rule.weight
    if not is_answered(given.value):
        return QuestionScore(rule.code, True, Decimal(0), weight, "not answered")
    fraction, reason = _answer_fraction(rule, given.value)
    if rule.evidence_required and not given.has_evidence:
        fraction *= EVIDENCE_MISSING_FACTOR
        reason = "; ".join(filter(None, [reason, "evidence required but not attached"]))
    points = (weight * fraction).quantize(CENT, ROUND_HALF_UP)
    return QuestionScore(rule.code, True, points, weight, reason if points < weight else "")


def _answer_fraction(rule: QuestionRule, value) -> tuple[Decimal, str]:
    if rule.question_type in (QuestionType.YES_NO, QuestionType.CHOICE):
        for option in options_of(rule):
            if _matches(value, [option.get("value")]):
                fraction = _fraction(option.get("score", 0))
                label = option.get("label") or option.get("value")
                return fraction, f"answered “{label}”" if fraction < 1 else ""
        return Decimal(0), f"“{value}” is not one of the options"
    if rule.question_type == QuestionType.NUMBER:
        number = _number(value)
        if number is None:
            return Decimal(0), f"“{value}” is not a number"
        if not rule.bands:
            return Decimal(1), ""
        for band in rule.bands:
            low, high = _number(band.get("min")), _number(band.get("max"))
            if (low is None or number >= low) and (high is None or number < high):
                fraction = _fraction(band.get("score", 0))
                return fraction, f"answered {value}" if fraction < 1 else ""
        return Decimal(0), f"{value} is outside every scoring band"
    if rule.question_type == QuestionType.DATE and not _is_date(value):
        return Decimal(0), f"“{value}” is not a date (YYYY-MM-DD)"
    return Decimal(1), ""


def _fraction(raw) -> Decimal:
    number = _number(raw)
    if number is None:
        return Decimal(0)
    return min(max(number, Decimal(0)), Decimal(1))


def _number(raw) -> Decimal | None:
    if raw is None or isinstance(raw, bool) or raw == "":
        return None
    try:
        number = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _is_date(raw) -> bool:
    try:
        date.fromisoformat(str(raw))
    except ValueError:
        return False
    return True


def question_definition_errors(question) -> dict[str, str]:
    """What is wrong with a question's definition, by field; empty when it is sound."""
    errors = {}
    kind = question.question_type
    if kind == QuestionType.CHOICE and not question.options:
        errors["options"] = "A choice question needs at least one option."
    for name, items in (("options", question.options), ("bands", question.bands)):
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            errors[name] = f"{name.capitalize()} must be a list of objects."
            continue
        for position, item in enumerate(items, start=1):
            score = _number(item.get("score", 0))
            if score is None or not Decimal(0) <= score <= Decimal(1):
                errors[name] = f"Item {position}: the score must be a number from 0 to 1."
            if name == "options" and not str(item.get("value", "")).strip():
                errors[name] = f"Option {position} has no value."
            if name == "bands":
                low, high = _number(item.get("min")), _number(item.get("max"))
                if (item.get("min") not in (None, "") and low is None) or (
                        item.get("max") not in (None, "") and high is None):
                    errors[name] = f"Band {position}: min and max must be numbers."
                elif low is not None and high is not None and low >= high:
                    errors[name] = f"Band {position}: min must be below max."
    if question.show_if_question_id is not None:
        parent = question.show_if_question
        if question.pk is not None and parent.pk == question.pk:
            errors["show_if_question"] = "A question cannot depend on itself."
        elif parent.section.template_id != question.section.template_id:
            errors["show_if_question"] = "The question it depends on is in another template."
        elif not question.show_if_values:
            errors["show_if_values"] = "Say which answers to the earlier question show this one."
    return errors
