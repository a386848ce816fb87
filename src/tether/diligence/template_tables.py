"""How questionnaire templates read on pages: the list table, and a question's scoring and
condition in words ("Yes → 1 · No → 0", "asked if FIN-1 is yes")."""

from django.utils.html import format_html
from django.utils.text import Truncator

from tether.core.tables import Column, Table
from tether.diligence.choices import QuestionType
from tether.diligence.models import Question, QuestionnaireTemplate
from tether.diligence.scoring import YES_NO_DEFAULT
from tether.diligence.transfer.document import bands_of, options_of
from tether.diligence.transfer.notation import format_number

STATUS_BADGES = {"draft": "text-bg-warning", "published": "text-bg-success",
                 "retired": "text-bg-secondary"}


def status_word(template: QuestionnaireTemplate) -> str:
    """draft, published or retired, as a word in a sentence."""
    return template.get_status_display().split(" (")[0].lower()


def status_badge(template: QuestionnaireTemplate) -> str:
    return format_html('<span class="badge {}">{}</span>',
                       STATUS_BADGES.get(template.status, "text-bg-light"), status_word(template))


class TemplateTable(Table):
    name = Column(link=True)
    status = Column(render=status_badge)
    question_count = Column(label="Questions", numeric=True)
    description = Column(orderable=False,
                         render=lambda t: format_html("{}", Truncator(t.description).chars(90)))

    class Meta:
        model = QuestionnaireTemplate
        fields = ("name", "version", "status", "question_count", "description", "last_updated")


def scoring_items(question: Question) -> list[tuple[str, str]]:
    """(answer, score) pairs saying what each answer earns, as a fraction of the weight."""
    if question.question_type in (QuestionType.YES_NO, QuestionType.CHOICE):
        options = options_of(question.options or (
            YES_NO_DEFAULT if question.question_type == QuestionType.YES_NO else []))
        return [(option.label or option.value, format_number(option.score))
                for option in options]
    if question.question_type == QuestionType.NUMBER:
        items = []
        for band in bands_of(question.bands):
            if band.min is None and band.max is None:
                answer = "any number"
            elif band.min is None:
                answer = f"below {format_number(band.max)}"
            elif band.max is None:
                answer = f"{format_number(band.min)} or more"
            else:
                answer = f"{format_number(band.min)} to under {format_number(band.max)}"
            items.append((answer, format_number(band.score)))
        return items or [("any number", "1")]
    return [("any answer", "1")]


def condition_text(question: Question) -> str:
    """“asked if FIN-1 is yes”, or "" for a question always asked."""
    parent = question.show_if_question
    if parent is None:
        return ""
    values = [str(value) for value in question.show_if_values or []]
    if len(values) == 1:
        return f"asked if {parent.code} is {values[0]}"
    return f"asked if {parent.code} is one of {', '.join(values)}"
