"""The format-neutral questionnaire: what a YAML, CSV or XLSX file holds, and its checks.

Readers turn a file into a `TemplateSpec` and note where each value came from (`places`), so
a problem found only when the whole questionnaire is known ("FIN-4 depends on a later
question") still names its row or line. Writers take the spec of a stored template
(`spec_of`). Two specs are equal when they describe the same questionnaire, whatever file
they came from: that is what the round-trip tests compare.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from tether.diligence.choices import QuestionType
from tether.diligence.scoring import question_definition_errors
from tether.diligence.transfer.notation import Band, Option, format_values, number

MAX_LENGTH = {"name": 200, "title": 200, "code": 40, "evidence_hint": 250,
              "risk_category": 40, "value": 100, "label": 200}
MAX_WEIGHT = Decimal("9999.99")
MAX_QUESTIONS = 5000
MAX_LISTED_PROBLEMS = 500
TYPES = ", ".join(QuestionType.values)
# How a question's fields are named in files and problems, and on the model.
MODEL_FIELD = {"type": "question_type"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, where it is and what to do about it."""

    place: str  # "Row 12, column weight", "Line 40, weight", "FIN-3, options", or ""
    message: str

    def __str__(self):
        if not self.place:
            return self.message
        message = self.message
        first = message.split(" ", 1)[0]
        if first[:1].isupper() and (first[1:].islower() or len(first) == 1):  # "The…" → "the…"
            message = message[0].lower() + message[1:]
        return f"{self.place}: {message}"


class TemplateFileError(Exception):
    """A questionnaire file that cannot be imported; `problems` lists every reason at once."""

    def __init__(self, problems):
        self.problems = list(problems)[:MAX_LISTED_PROBLEMS]
        super().__init__("; ".join(str(problem) for problem in self.problems[:5]))

    @property
    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems]


@dataclass
class QuestionSpec:
    code: str
    text: str
    question_type: str
    help_text: str = ""
    weight: Decimal = Decimal(1)
    required: bool = True
    options: tuple[Option, ...] = ()
    bands: tuple[Band, ...] = ()
    evidence_required: bool = False
    evidence_hint: str = ""
    show_if_question: str = ""
    show_if_values: tuple[str, ...] = ()
    # Where each field came from, by its file name ("" for the question as a whole).
    places: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def place(self, name: str = "") -> str:
        return self.places.get(name) or self.places.get("", "")


@dataclass
class SectionSpec:
    title: str
    description: str = ""
    risk_category: str = ""
    questions: list[QuestionSpec] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def place(self, name: str = "") -> str:
        return self.places.get(name) or self.places.get("", "")


@dataclass
class TemplateSpec:
    name: str
    description: str = ""
    sections: list[SectionSpec] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def place(self, name: str = "") -> str:
        return self.places.get(name) or self.places.get("", "")

    @property
    def questions(self) -> list[QuestionSpec]:
        return [question for section in self.sections for question in section.questions]


def json_number(value: Decimal) -> int | float:
    """A number as the JSON of options and bands stores it."""
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def options_json(options) -> list[dict]:
    return [{"value": o.value, "label": o.label, "score": json_number(o.score)} for o in options]


def bands_json(bands) -> list[dict]:
    stored = []
    for band in bands:
        item = {}
        if band.min is not None:
            item["min"] = json_number(band.min)
        if band.max is not None:
            item["max"] = json_number(band.max)
        item["score"] = json_number(band.score)
        stored.append(item)
    return stored


def options_of(raw) -> tuple[Option, ...]:
    """Stored options as Option values (the stored JSON was checked when it was saved)."""
    return tuple(Option(str(item.get("value", "")), str(item.get("label") or ""),
                        number(item.get("score", 0)) or Decimal(0))
                 for item in raw or [] if isinstance(item, dict))


def bands_of(raw) -> tuple[Band, ...]:
    return tuple(Band(number(item.get("min")), number(item.get("max")),
                      number(item.get("score", 0)) or Decimal(0))
                 for item in raw or [] if isinstance(item, dict))


def spec_of(template, sections=None) -> TemplateSpec:
    """The spec of a stored template, its problems placed by question code. `sections` are
    the template's, if already read with their questions and the questions they depend on."""
    if sections is None:
        sections = list(template.sections.order_by("position", "id").prefetch_related(
            "questions__show_if_question"))
    spec = TemplateSpec(template.name, template.description, places={"": str(template)})
    for section in sections:
        section_spec = SectionSpec(section.title, section.description, section.risk_category)
        for question in sorted(section.questions.all(), key=lambda q: (q.position, q.pk)):
            parent = question.show_if_question
            places = {name: f"{question.code}, {name}" for name in
                      ("options", "bands", "weight", "show_if_question", "show_if_values",
                       "code", "type", "text", "evidence_hint")}
            places[""] = question.code
            section_spec.questions.append(QuestionSpec(
                code=question.code, text=question.text, question_type=question.question_type,
                help_text=question.help_text, weight=Decimal(question.weight),
                required=question.required, options=options_of(question.options),
                bands=bands_of(question.bands), evidence_required=question.evidence_required,
                evidence_hint=question.evidence_hint,
                show_if_question=parent.code if parent else "",
                show_if_values=tuple(str(v) for v in question.show_if_values or []),
                places=places,
            ))
        spec.sections.append(section_spec)
    return spec


def question_problems(question: QuestionSpec) -> list[tuple[str, str]]:
    """(field, message) for what is wrong with one question on its own."""
    problems: list[tuple[str, str]] = []
    kind = question.question_type
    if not question.code:
        problems.append(("code", "Give the question a code, e.g. FIN-3."))
    elif len(question.code) > MAX_LENGTH["code"]:
        problems.append(("code", f"The code is {len(question.code)} characters long; "
                                 f"at most {MAX_LENGTH['code']} fit."))
    if not question.text:
        problems.append(("text", "The question has no text."))
    if kind not in QuestionType.values:
        problems.append(("type", f"“{kind}” is not a question type: use one of {TYPES}."))
        return problems
    if question.weight < 0 or question.weight > MAX_WEIGHT:
        problems.append(("weight", f"The weight is {question.weight}; use a number from 0 "
                                   f"to {MAX_WEIGHT}."))
    elif question.weight != question.weight.quantize(Decimal("0.01")):
        problems.append(("weight", f"The weight {question.weight} has more than two "
                                   "decimals."))
    if len(question.evidence_hint) > MAX_LENGTH["evidence_hint"]:
        problems.append(("evidence_hint", f"The evidence hint is {len(question.evidence_hint)} "
                                          f"characters long; at most "
                                          f"{MAX_LENGTH['evidence_hint']} fit."))
    # The scoring rules' own checks first, so the same definition is refused everywhere.
    stand_in = SimpleNamespace(question_type=kind, options=options_json(question.options),
                               bands=bands_json(question.bands), show_if_question_id=None,
                               pk=None)
    flagged = question_definition_errors(stand_in)
    problems.extend(flagged.items())
    if "options" not in flagged:
        problems.extend(("options", message) for message in _option_problems(question))
    if "bands" not in flagged:
        problems.extend(("bands", message) for message in _band_problems(question))
    if question.show_if_values and not question.show_if_question:
        problems.append(("show_if_values", "Answers are listed but not the question they "
                                           "answer: fill in show_if_question too."))
    if question.show_if_question and not question.show_if_values:
        problems.append(("show_if_values", "Say which answers to "
                                           f"{question.show_if_question} show this question."))
    return problems


def _option_problems(question: QuestionSpec) -> list[str]:
    kind, options = question.question_type, question.options
    if options and kind not in (QuestionType.YES_NO, QuestionType.CHOICE):
        return [f"A {QuestionType(kind).label.lower()} question has no options; only yes/no "
                "and choice questions do."]
    problems = []
    values = [option.value.casefold() for option in options]
    if kind == QuestionType.CHOICE and len(options) < 2:
        problems.append("A choice question needs at least two options, e.g. "
                        "full=1; partial=0.5; none=0.")
    if kind == QuestionType.YES_NO and options and sorted(values) != ["no", "yes"]:
        problems.append("A yes/no question scores exactly the answers yes and no, e.g. "
                        "yes=1; no=0 (or yes=0; no=1 when yes is the risky answer).")
    for value in sorted({v for v in values if values.count(v) > 1}):
        problems.append(f"The option “{value}” is listed twice.")
    for option in options:
        if len(option.value) > MAX_LENGTH["value"]:
            problems.append(f"The option value “{option.value[:20]}…” is longer than "
                            f"{MAX_LENGTH['value']} characters.")
        if len(option.label) > MAX_LENGTH["label"]:
            problems.append(f"The label of “{option.value}” is longer than "
                            f"{MAX_LENGTH['label']} characters.")
        if not Decimal(0) <= option.score <= Decimal(1):
            problems.append(f"Option “{option.value}” scores {option.score}; a score is "
                            "from 0 to 1.")
    return problems


def _band_problems(question: QuestionSpec) -> list[str]:
    bands = question.bands
    if bands and question.question_type != QuestionType.NUMBER:
        return ["Only number questions have bands."]
    problems = []
    infinity = Decimal("Infinity")
    spans = []
    for position, band in enumerate(bands, start=1):
        if not Decimal(0) <= band.score <= Decimal(1):
            problems.append(f"Band {position} scores {band.score}; a score is from 0 to 1.")
        low = band.min if band.min is not None else -infinity
        high = band.max if band.max is not None else infinity
        spans.append((low, high, position))
    spans.sort()
    for (_low, high, first), (next_low, _high, second) in zip(spans, spans[1:], strict=False):
        if next_low < high:
            problems.append(f"Bands {min(first, second)} and {max(first, second)} overlap: "
                            "a number must fall in one band only (min included, max excluded).")
    return problems


def check_spec(spec: TemplateSpec) -> list[Problem]:
    """Every problem of a whole questionnaire: each question's, and those between questions."""
    problems = []
    questions = spec.questions
    if not questions:
        problems.append(Problem(spec.place(), "The questionnaire has no questions: add at "
                                              "least one."))
    if len(questions) > MAX_QUESTIONS:
        problems.append(Problem(spec.place(), f"The questionnaire has {len(questions)} "
                                              f"questions; at most {MAX_QUESTIONS} are allowed."))
        return problems
    titles: dict[str, SectionSpec] = {}
    for section in spec.sections:
        key = section.title.casefold()
        if key in titles:
            problems.append(Problem(section.place("title"), f"The section title "
                                    f"“{section.title}” is used twice; titles must differ."))
        titles.setdefault(key, section)
        if not section.questions:
            problems.append(Problem(section.place(), f"“{section.title}” has no questions: add "
                                                     "some or remove the section."))
    seen: dict[str, int] = {}
    for index, question in enumerate(questions):
        for name, message in question_problems(question):
            problems.append(Problem(question.place(name), message))
        key = question.code.casefold()
        if key and key in seen:
            first = questions[seen[key]]
            problems.append(Problem(question.place("code"), f"The code {question.code} is "
                                    f"already used ({first.place('') or first.code}); codes "
                                    "must be unique in a questionnaire."))
        seen.setdefault(key, index)
    for index, question in enumerate(questions):
        problems.extend(_condition_problems(question, index, questions, seen))
    return problems


def _condition_problems(question: QuestionSpec, index: int, questions, seen) -> list[Problem]:
    if not question.show_if_question:
        return []
    target = question.show_if_question.casefold()
    where = question.place("show_if_question")
    if target == question.code.casefold():
        return [Problem(where, f"{question.code} cannot depend on itself.")]
    if target not in seen:
        return [Problem(where, f"There is no question {question.show_if_question} in this "
                               "questionnaire.")]
    parent_index = seen[target]
    parent = questions[parent_index]
    if parent_index > index:
        return [Problem(where, f"{question.code} depends on {parent.code}, which comes after "
                               f"it: move {parent.code} above {question.code}, or change the "
                               "condition.")]
    answers = _answers_of(parent)
    if answers is None:
        return []
    unknown = [value for value in question.show_if_values if value.casefold() not in answers]
    if unknown:
        listed = format_values(answers.values())
        return [Problem(question.place("show_if_values"),
                        f"“{format_values(unknown)}” is not an answer to {parent.code}; its "
                        f"answers are: {listed}.")]
    return []


def _answers_of(question: QuestionSpec) -> dict[str, str] | None:
    """The answers a question can have (casefolded → as written), when it has a fixed list."""
    if question.question_type == QuestionType.YES_NO:
        return {"yes": "yes", "no": "no"}
    if question.question_type == QuestionType.CHOICE:
        return {option.value.casefold(): option.value for option in question.options}
    return None


def model_field(name: str) -> str:
    """The model field a file's question field is stored in."""
    return MODEL_FIELD.get(name, name)
