"""Template services: drafts are edited, published templates copied or retired, all audited."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from tests.diligence.factories import (
    QuestionFactory,
    SectionFactory,
    TemplateFactory,
    security_questionnaire,
)
from tests.factories import UserFactory
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.diligence import template_services as services
from tether.diligence.choices import QuestionType, TemplateStatus
from tether.diligence.models import Question, QuestionnaireTemplate, Section
from tether.diligence.transfer import spec_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return UserFactory(username="risk-team", role=Role.RISK_OFFICER)


@pytest.fixture
def draft(actor):
    template = services.template_create(actor=actor, data={"name": "Supplier review"})
    section = services.section_create(actor=actor, template=template,
                                      data={"title": "Subcontracting",
                                            "risk_category": "loss_of_control"})
    services.question_create(actor=actor, section=section, data={
        "code": "SUB-1", "text": "Do you subcontract?", "question_type": QuestionType.YES_NO})
    return template


def question(template, code) -> Question:
    return Question.objects.get(section__template=template, code=code)


def add(actor, template, **data) -> Question:
    section = template.sections.order_by("position").last()
    return services.question_create(actor=actor, section=section, data={
        "text": "A question?", "question_type": QuestionType.YES_NO, **data})


def audit_count(model) -> int:
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).count()


def test_a_new_template_is_a_draft_of_version_one(actor):
    template = services.template_create(actor=actor, data={"name": "Onboarding",
                                                           "status": "published",
                                                           "version": 7})
    assert (template.status, template.version) == (TemplateStatus.DRAFT, 1)
    assert AuditEntry.objects.filter(object_id=str(template.pk), action="create").exists()


def test_a_name_in_use_is_refused_whatever_its_case(actor, draft):
    with pytest.raises(ValidationError, match="of this name exists"):
        services.template_create(actor=actor, data={"name": "SUPPLIER review"})


def test_a_published_template_cannot_be_changed_or_deleted(actor, draft):
    services.template_publish(draft, actor=actor)
    section = draft.sections.get()
    for attempt in (
        lambda: services.template_update(draft, actor=actor, data={"name": "Renamed"}),
        lambda: services.template_delete(draft, actor=actor),
        lambda: services.section_create(actor=actor, template=draft, data={"title": "More"}),
        lambda: services.section_update(section, actor=actor, data={"title": "Other"}),
        lambda: add(actor, draft, code="SUB-2"),
        lambda: services.question_update(question(draft, "SUB-1"), actor=actor,
                                         data={"weight": Decimal(5)}),
        lambda: services.question_delete(question(draft, "SUB-1"), actor=actor),
    ):
        with pytest.raises(ValidationError, match="published: it can no longer be changed"):
            attempt()
    assert question(draft, "SUB-1").weight == 1


def test_deleting_a_draft_deletes_its_sections_and_questions_with_an_audit_record(actor, draft):
    before = audit_count(Question)
    services.template_delete(draft, actor=actor)
    assert not Section.objects.exists() and not Question.objects.exists()
    assert audit_count(Question) == before + 1
    assert AuditEntry.objects.filter(action="delete", object_repr="Supplier review v1").exists()


def test_sections_and_questions_are_added_at_the_end(actor, draft):
    second = services.section_create(actor=actor, template=draft, data={"title": "Location"})
    assert [s.title for s in draft.sections.order_by("position")] == ["Subcontracting",
                                                                      "Location"]
    first = add(actor, draft, code="LOC-1")
    again = add(actor, draft, code="LOC-2")
    assert (first.section, first.position, again.position) == (second, 0, 1)


def test_question_definitions_are_checked_before_saving(actor, draft):
    with pytest.raises(ValidationError) as error:
        add(actor, draft, code="Q-1", question_type=QuestionType.CHOICE, options=[
            {"value": "a", "label": "A", "score": 1.5}])
    assert "score must be a number from 0 to 1" in str(error.value.message_dict["options"])
    with pytest.raises(ValidationError) as error:
        add(actor, draft, code="Q-2", options=[{"value": "maybe", "score": 1},
                                               {"value": "no", "score": 0}])
    assert "exactly the answers yes and no" in str(error.value.message_dict["options"])
    with pytest.raises(ValidationError) as error:
        add(actor, draft, code="Q-3", question_type=QuestionType.NUMBER,
            bands=[{"min": 0, "max": 10, "score": 1}, {"min": 5, "score": 0}])
    assert "Bands 1 and 2 overlap" in str(error.value.message_dict["bands"])
    with pytest.raises(ValidationError) as error:
        add(actor, draft, code="Q-4", question_type=QuestionType.TEXT,
            options=[{"value": "x", "score": 1}])
    assert "has no options" in str(error.value.message_dict["options"])
    assert not Question.objects.filter(code__startswith="Q-").exists()


def test_codes_are_unique_within_a_template_only(actor, draft):
    with pytest.raises(ValidationError, match="already used"):
        add(actor, draft, code="sub-1")
    other = services.template_create(actor=actor, data={"name": "Other"})
    services.section_create(actor=actor, template=other, data={"title": "S"})
    add(actor, other, code="SUB-1")


def test_a_condition_names_an_answer_the_earlier_question_can_have(actor, draft):
    parent = question(draft, "SUB-1")
    with pytest.raises(ValidationError, match="“maybe” is not an answer to SUB-1"):
        add(actor, draft, code="SUB-2", show_if_question=parent, show_if_values=["maybe"])
    with pytest.raises(ValidationError, match="Say which answers"):
        add(actor, draft, code="SUB-2", show_if_question=parent, show_if_values=[])
    elsewhere = QuestionFactory(section__template__status=TemplateStatus.DRAFT)
    with pytest.raises(ValidationError, match="another template"):
        add(actor, draft, code="SUB-2", show_if_question=elsewhere, show_if_values=["yes"])
    child = add(actor, draft, code="SUB-2", show_if_question=parent, show_if_values=["yes"])
    assert child.show_if_values == ["yes"]


def test_a_question_others_depend_on_is_not_deleted(actor, draft):
    parent = question(draft, "SUB-1")
    add(actor, draft, code="SUB-2", show_if_question=parent, show_if_values=["yes"])
    with pytest.raises(ValidationError, match="SUB-2 is asked depending on the answer to SUB-1"):
        services.question_delete(parent, actor=actor)
    other = services.section_create(actor=actor, template=draft, data={"title": "Other"})
    services.question_create(actor=actor, section=other, data={
        "code": "OTH-1", "text": "?", "question_type": QuestionType.TEXT,
        "show_if_question": parent, "show_if_values": ["no"]})
    with pytest.raises(ValidationError, match="OTH-1 is asked depending on the questions of "
                                              "this section"):
        services.section_delete(parent.section, actor=actor)


def test_publishing_an_empty_draft_is_refused(actor):
    template = services.template_create(actor=actor, data={"name": "Empty"})
    with pytest.raises(ValidationError, match="no questions"):
        services.template_publish(template, actor=actor)


def test_publishing_refuses_a_condition_on_a_later_question(actor, draft):
    parent = question(draft, "SUB-1")
    child = add(actor, draft, code="SUB-2", show_if_question=parent, show_if_values=["yes"])
    services.question_move(child, actor=actor, offset=-1)
    with pytest.raises(ValidationError) as error:
        services.template_publish(draft, actor=actor)
    assert error.value.messages == [
        "SUB-2, show_if_question: SUB-2 depends on SUB-1, which comes after it: move SUB-1 "
        "above SUB-2, or change the condition."]
    draft.refresh_from_db()
    assert draft.status == TemplateStatus.DRAFT


def test_publishing_lists_every_problem_at_once(actor):
    template = TemplateFactory(status=TemplateStatus.DRAFT)
    section = SectionFactory(template=template)
    QuestionFactory(section=section, code="A-1")
    QuestionFactory(section=section, code="A-1")
    QuestionFactory(section=section, code="A-2", question_type=QuestionType.CHOICE)
    SectionFactory(template=template, title="Nothing here")
    with pytest.raises(ValidationError) as error:
        services.template_publish(template, actor=actor)
    text = " | ".join(error.value.messages)
    assert "“Nothing here” has no questions: add some or remove the section" in text
    assert "A-1, code: the code A-1 is already used" in text
    assert "A-2, options: a choice question needs at least one option" in text
    assert error.value.messages[0].startswith("“Nothing here” has no questions")


def test_publishing_retires_the_version_it_replaces(actor, draft):
    services.template_publish(draft, actor=actor)
    second = services.template_new_version(draft, actor=actor)
    services.template_publish(second, actor=actor)
    draft.refresh_from_db()
    assert (draft.status, second.status) == (TemplateStatus.RETIRED, TemplateStatus.PUBLISHED)


def test_a_new_version_is_a_deep_copy_with_its_conditions_remapped(actor):
    questions = security_questionnaire(name="Security baseline")
    published = questions["GOV-1"].section.template
    copy = services.template_new_version(published, actor=actor)
    assert (copy.name, copy.version, copy.status) == ("Security baseline", 2,
                                                      TemplateStatus.DRAFT)
    assert spec_of(copy) == spec_of(published)
    copied = question(copy, "RES-2")
    assert copied.show_if_question == question(copy, "RES-1")
    assert copied.show_if_question.section.template == copy
    assert audit_count(Question) == 6 and audit_count(Section) == 2


def test_a_new_version_needs_a_published_template_and_no_other_draft(actor, draft):
    with pytest.raises(ValidationError, match="is a draft: change it directly"):
        services.template_new_version(draft, actor=actor)
    services.template_publish(draft, actor=actor)
    services.template_new_version(draft, actor=actor)
    with pytest.raises(ValidationError, match="Supplier review v2 is already a draft"):
        services.template_new_version(draft, actor=actor)


def test_retiring(actor, draft):
    with pytest.raises(ValidationError, match="deleted, not retired"):
        services.template_retire(draft, actor=actor)
    services.template_publish(draft, actor=actor)
    services.template_retire(draft, actor=actor)
    assert QuestionnaireTemplate.objects.get().status == TemplateStatus.RETIRED
    with pytest.raises(ValidationError, match="already retired"):
        services.template_retire(draft, actor=actor)
    services.template_new_version(draft, actor=actor)  # a retired one can still be revised


def test_moving_renumbers_and_is_audited(actor, draft):
    second = add(actor, draft, code="SUB-2")
    third = add(actor, draft, code="SUB-3")
    services.question_move(third, actor=actor, offset=-1)
    codes = list(Question.objects.filter(section__template=draft)
                 .order_by("position").values_list("code", flat=True))
    assert codes == ["SUB-1", "SUB-3", "SUB-2"]
    entries = AuditEntry.objects.filter(object_id__in=[str(second.pk), str(third.pk)],
                                        action="update")
    assert {(e.before["position"], e.after["position"]) for e in entries} == {(1, 2), (2, 1)}
    services.question_move(third, actor=actor, offset=-5)  # stops at the top
    assert Question.objects.get(pk=third.pk).position == 0
