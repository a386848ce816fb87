"""Factories for due diligence: a published template with sections and questions, campaigns."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from tests.factories import ProviderFactory
from tether.diligence.choices import QuestionType, TemplateStatus
from tether.diligence.models import (
    Answer,
    Campaign,
    Question,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    Section,
)


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionnaireTemplate

    name = factory.Sequence(lambda n: f"Questionnaire {n}")
    status = TemplateStatus.PUBLISHED


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    template = factory.SubFactory(TemplateFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    code = factory.Sequence(lambda n: f"Q-{n}")
    text = factory.Sequence(lambda n: f"Question {n}?")
    question_type = QuestionType.YES_NO
    weight = Decimal(1)
    position = factory.Sequence(lambda n: n)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    template = factory.SubFactory(TemplateFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionnaireResponse

    campaign = factory.SubFactory(CampaignFactory)
    provider = factory.SubFactory(ProviderFactory)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    value = "yes"


CHOICE_OPTIONS = [{"value": "always", "label": "Always", "score": 1},
                  {"value": "mostly", "label": "Mostly", "score": 0.5},
                  {"value": "never", "label": "Never", "score": 0}]
NUMBER_BANDS = [{"max": 3, "score": 1}, {"min": 3, "max": 10, "score": 0.5},
                {"min": 10, "score": 0}]


def security_questionnaire(**template_fields) -> dict:
    """A published template of two sections; its questions by code.

    GOV-1 yes/no (2 points, evidence required), GOV-2 choice (4), RES-1 yes/no (1),
    RES-2 text (1) and RES-3 number (2, banded) asked only when RES-1 is "yes",
    RES-4 date (1, optional).
    """
    template = TemplateFactory(**template_fields)
    governance = SectionFactory(template=template, title="Governance", position=1)
    resilience = SectionFactory(template=template, title="Resilience", position=2)
    questions = {}

    def add(code, section, position, **fields):
        questions[code] = QuestionFactory(section=section, code=code, position=position,
                                          **fields)

    add("GOV-1", governance, 1, text="Are you ISO 27001 certified?", weight=Decimal(2),
        evidence_required=True, evidence_hint="the certificate")
    add("GOV-2", governance, 2, text="Do you patch critical flaws within 14 days?",
        question_type=QuestionType.CHOICE, weight=Decimal(4), options=CHOICE_OPTIONS)
    add("RES-1", resilience, 1, text="Do you use subcontractors?")
    add("RES-2", resilience, 2, text="Which subcontractors?", question_type=QuestionType.TEXT,
        show_if_question=questions["RES-1"], show_if_values=["yes"])
    add("RES-3", resilience, 3, text="How many subcontractors?",
        question_type=QuestionType.NUMBER, weight=Decimal(2), bands=NUMBER_BANDS,
        show_if_question=questions["RES-1"], show_if_values=["yes"])
    add("RES-4", resilience, 4, text="When was continuity last tested?",
        question_type=QuestionType.DATE, required=False)
    return questions
