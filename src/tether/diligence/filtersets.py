"""Filters of questionnaire templates, sections and questions, shared by the pages and the API."""

import django_filters

from tether.core.filtersets import SearchFilterSet
from tether.diligence.choices import QuestionType, TemplateStatus
from tether.diligence.models import Question, QuestionnaireTemplate, Section


class TemplateFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")
    status = django_filters.MultipleChoiceFilter(distinct=False, choices=TemplateStatus.choices)

    class Meta:
        model = QuestionnaireTemplate
        fields = ["name", "status"]


class SectionFilterSet(SearchFilterSet):
    search_fields = ("title", "description")
    template = django_filters.NumberFilter(label="Questionnaire template id")

    class Meta:
        model = Section
        fields = ["template", "risk_category"]


class QuestionFilterSet(SearchFilterSet):
    search_fields = ("code", "text")
    template = django_filters.NumberFilter(field_name="section__template",
                                           label="Questionnaire template id")
    section = django_filters.NumberFilter(label="Section id")
    question_type = django_filters.MultipleChoiceFilter(distinct=False,
                                                        choices=QuestionType.choices)

    class Meta:
        model = Question
        fields = ["template", "section", "question_type", "evidence_required"]
