"""Reading campaigns and responses: a questionnaire's questions in order, a response's answers
with their evidence and score, and what a provider's contacts may see."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from tether.diligence.choices import QuestionType, ResponseStatus
from tether.diligence.models import Answer, Question, QuestionnaireResponse, Section
from tether.diligence.scoring import (
    GivenAnswer,
    QuestionRule,
    QuestionScore,
    ResponseScore,
    asked_codes,
    options_of,
    score_response,
)
from tether.documents.models import Document


@dataclass(frozen=True)
class Questionnaire:
    """A template's sections and questions in order, and the scoring rules of its questions."""

    sections: list[Section]
    questions: list[Question]  # in template order: conditions are followed in that order
    rules: list[QuestionRule]
    by_id: dict[int, Question]
    # Questions other questions depend on: changing their answer may show or hide others.
    controlling: frozenset[int]

    def question(self, key) -> Question | None:
        """The question named by an id (int, or digits as text), if it is in this template."""
        if isinstance(key, bool):
            return None
        if isinstance(key, str):
            key = key.strip()
            if not key.isascii() or not key.isdigit() or len(key) > 18:
                return None
        if not isinstance(key, int | str):
            return None
        return self.by_id.get(int(key))


def questionnaire_of(template_id: int) -> Questionnaire:
    """Two queries: the template's sections, and its questions in order."""
    sections = list(Section.objects.filter(template_id=template_id).order_by("position", "pk"))
    questions = list(Question.objects.filter(section__template_id=template_id)
                     .order_by("section__position", "section_id", "position", "pk"))
    section_by_id = {section.pk: section for section in sections}
    for question in questions:
        question.section = section_by_id[question.section_id]  # no query per question
    codes = {question.pk: question.code for question in questions}
    return Questionnaire(
        sections=sections,
        questions=questions,
        rules=[QuestionRule.of(question, codes) for question in questions],
        by_id={question.pk: question for question in questions},
        controlling=frozenset(question.show_if_question_id for question in questions
                              if question.show_if_question_id),
    )


def answers_of(response: QuestionnaireResponse) -> dict[int, Answer]:
    """The response's answers by question id."""
    return {answer.question_id: answer for answer in Answer.objects.filter(response=response)}


def evidence_of(answer_ids, documents=None) -> dict[int, list[Document]]:
    """Documents attached to each answer (of `documents`, by default all of them)."""
    if not answer_ids:
        return {}
    documents = Document.objects.all() if documents is None else documents
    found: dict[int, list[Document]] = {}
    attached = documents.filter(content_type=ContentType.objects.get_for_model(Answer),
                                object_id__in=list(answer_ids)).order_by("created", "pk")
    for document in attached:
        found.setdefault(document.object_id, []).append(document)
    return found


def answer_ids_with_evidence(answer_ids) -> set[int]:
    if not answer_ids:
        return set()
    return set(Document.objects.filter(
        content_type=ContentType.objects.get_for_model(Answer), object_id__in=list(answer_ids),
    ).values_list("object_id", flat=True))


def given_answers(questionnaire: Questionnaire, answers: dict[int, Answer],
                  with_evidence: set[int]) -> dict[str, GivenAnswer]:
    """The answers as scoring reads them, by question code."""
    given = {}
    for question_id, answer in answers.items():
        question = questionnaire.by_id.get(question_id)
        if question is not None:
            given[question.code] = GivenAnswer(answer.value, answer.pk in with_evidence)
    return given


def response_score(response: QuestionnaireResponse,
                   questionnaire: Questionnaire | None = None,
                   answers: dict[int, Answer] | None = None) -> ResponseScore:
    """The score of the response's answers as they stand (provisional until accepted)."""
    questionnaire = questionnaire or questionnaire_of(response.campaign.template_id)
    answers = answers_of(response) if answers is None else answers
    with_evidence = answer_ids_with_evidence([answer.pk for answer in answers.values()])
    return score_response(questionnaire.rules, given_answers(questionnaire, answers,
                                                             with_evidence))


@dataclass
class SheetItem:
    """One question as the answer and review pages show it."""

    question: Question
    answer: Answer | None
    value: object  # what the input shows: posted (not yet saved) or stored
    comment: str
    options: list[dict]
    controls_others: bool
    evidence: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    score: QuestionScore | None = None

    @property
    def input_name(self) -> str:
        return f"q{self.question.pk}"

    @property
    def value_text(self) -> str:
        """The answer as a person reads it: an option's label rather than its value."""
        if self.value in (None, ""):
            return ""
        for option in self.options:
            if str(option.get("value", "")).casefold() == str(self.value).casefold():
                return str(option.get("label") or option.get("value"))
        return str(self.value)

    @property
    def is_challenged(self) -> bool:
        return self.answer is not None and self.answer.review == "challenged"

    @property
    def is_file(self) -> bool:
        return self.question.question_type == QuestionType.FILE


@dataclass
class SheetSection:
    section: Section
    items: list[SheetItem]  # the asked questions only


@dataclass
class AnswerSheet:
    sections: list[SheetSection]
    score: ResponseScore
    asked: set[str]

    @property
    def items(self) -> list[SheetItem]:
        return [item for section in self.sections for item in section.items]


def answer_sheet(response: QuestionnaireResponse, *, documents=None,
                 posted_values: dict | None = None, posted_comments: dict | None = None,
                 errors: dict | None = None) -> AnswerSheet:
    """The asked questions, section by section, with their answers, evidence and score.

    Posted values (a form not yet saved) decide which questions are shown, as they will once
    saved; the score is that of the stored answers.
    """
    questionnaire = questionnaire_of(response.campaign.template_id)
    answers = answers_of(response)
    evidence = evidence_of([answer.pk for answer in answers.values()], documents)
    with_evidence = answer_ids_with_evidence([answer.pk for answer in answers.values()])
    stored = given_answers(questionnaire, answers, with_evidence)
    score = score_response(questionnaire.rules, stored)
    shown = dict(stored)
    for question_id, value in (posted_values or {}).items():
        question = questionnaire.by_id[question_id]
        shown[question.code] = GivenAnswer(value, question.code in stored
                                           and stored[question.code].has_evidence)
    asked = asked_codes(questionnaire.rules, shown)
    scores = {question_score.code: question_score for question_score in score.questions}
    errors = errors or {}
    sections = {section.pk: SheetSection(section, []) for section in questionnaire.sections}
    for question, rule in zip(questionnaire.questions, questionnaire.rules, strict=True):
        if question.code not in asked:
            continue
        answer = answers.get(question.pk)
        if answer is not None:
            answer.question = question  # read by str() and the API, without a query each
        value = (posted_values or {}).get(question.pk, answer.value if answer else None)
        comment = (posted_comments or {}).get(question.pk, answer.comment if answer else "")
        sections[question.section_id].items.append(SheetItem(
            question=question, answer=answer, value=value, comment=comment,
            options=options_of(rule), controls_others=question.pk in questionnaire.controlling,
            evidence=evidence.get(answer.pk, []) if answer else [],
            errors=list(errors.get(str(question.pk), [])),
            score=scores.get(question.code),
        ))
    return AnswerSheet([s for s in sections.values() if s.items], score, asked)


def portal_responses(provider):
    """A provider's questionnaires, as its contacts list them."""
    return (QuestionnaireResponse.objects.filter(provider=provider)
            .select_related("campaign", "provider").order_by("campaign__due_date", "pk"))


def response_list(*, user):
    return (QuestionnaireResponse.objects.restrict(user, "view")
            .select_related("campaign", "provider"))


def response_progress(responses) -> dict[int, int]:
    """How many questions each response has answered (one query for all of them)."""
    counted = (Answer.objects.filter(response__in=[r.pk for r in responses],
                                     value__isnull=False)
               .values("response").annotate(answered=Count("pk")))
    return {row["response"]: row["answered"] for row in counted}


OPEN_STATUSES = (ResponseStatus.NOT_STARTED, ResponseStatus.DRAFT, ResponseStatus.RETURNED)
