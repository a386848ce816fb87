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
