"""Pages of questionnaire templates: what they show, who may change what, import and export."""

import io

import pytest
from django.urls import reverse

from tests.diligence.factories import QuestionFactory, TemplateFactory, security_questionnaire
from tether.core.roles import Role
from tether.diligence.choices import QuestionType, TemplateStatus
from tether.diligence.models import Question, QuestionnaireTemplate, Section
from tether.diligence.transfer import read_template

pytestmark = pytest.mark.django_db

LIST = "/diligence/templates/"


@pytest.fixture
def published(db):
    return security_questionnaire(name="Security baseline")["GOV-1"].section.template


@pytest.fixture
def manager(users, login):
    return login(users[Role.VENDOR_MANAGER])


def url(name, *args):
    return reverse(f"diligence:{name}", args=args)


def test_the_menu_lists_questionnaires(manager):
    page = manager.get("/").content.decode()
    assert "Due diligence" in page and f'href="{LIST}"' in page
    assert 'href="/diligence/templates/import/"' in page


def test_the_list_filters_by_status_and_name(manager, published):
    TemplateFactory(name="Onboarding checklist", status=TemplateStatus.DRAFT)
    page = manager.get(LIST).content.decode()
    assert "Security baseline" in page and "Onboarding checklist" in page
    page = manager.get(LIST, {"status": "draft"}).content.decode()
    assert "Security baseline" not in page and "Onboarding checklist" in page
    page = manager.get(LIST, {"name": "baseline"}).content.decode()
    assert "Security baseline" in page and "Onboarding checklist" not in page


def test_the_detail_page_shows_questions_in_order_with_scoring_and_conditions(
        manager, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        response = manager.get(published.get_absolute_url())
    page = response.content.decode()
    assert page.index("GOV-1") < page.index("GOV-2") < page.index("RES-1") < page.index("RES-4")
    assert "asked if RES-1 is yes" in page
    assert "Always → 1" in page and "Mostly → 0.5" in page and "below 3 → 1" in page
    assert "10 or more → 0" in page
    assert "✔ required" in page and "the certificate" in page
    assert "Export YAML" in page and "New version" in page and "Retire" in page
    assert "Add question" not in page  # published: nothing to edit


def test_a_manager_builds_and_publishes_a_questionnaire_through_the_pages(manager):
    response = manager.post(url("questionnairetemplate_add"), {"name": "Vendor check"})
    template = QuestionnaireTemplate.objects.get()
    assert response.status_code == 302 and template.status == TemplateStatus.DRAFT
    manager.post(url("section_add", template.pk), {"title": "Subcontracting",
                                                   "risk_category": "Loss of control"})
    section = Section.objects.get()
    assert section.risk_category == "loss_of_control"
    manager.post(url("question_add", section.pk), {
        "section": section.pk, "code": "SUB-1", "text": "Do you subcontract?",
        "question_type": "yes_no", "weight": "0", "required": "on", "options": "yes=0; no=1"})
    parent = Question.objects.get()
    response = manager.post(url("question_add", section.pk), {
        "section": section.pk, "code": "SUB-2", "text": "Which ones?", "question_type": "text",
        "weight": "2", "show_if_question": parent.pk, "show_if_values": "yes"})
    assert response.status_code == 302
    child = Question.objects.get(code="SUB-2")
    assert (child.show_if_question, child.show_if_values) == (parent, ["yes"])
    assert parent.options == [{"value": "yes", "label": "", "score": 0},
                              {"value": "no", "label": "", "score": 1}]
    response = manager.post(url("questionnairetemplate_publish", template.pk), follow=True)
    assert "Published Vendor check v1" in response.content.decode()
    template.refresh_from_db()
    assert template.status == TemplateStatus.PUBLISHED


def test_the_question_form_shows_notation_errors_on_their_fields(manager):
    question = QuestionFactory(section__template__status=TemplateStatus.DRAFT,
                               question_type=QuestionType.CHOICE,
                               options=[{"value": "a", "score": 1}, {"value": "b", "score": 0}])
    response = manager.post(url("question_edit", question.pk), {
        "section": question.section_id, "code": question.code, "text": "Which?",
        "question_type": "choice", "weight": "1", "options": "a=1; b", "bands": "1-0=1"})
    form = response.context["form"]
    assert form.errors["options"] == ["“b” has no score: write value=score or "
                                      "value|label=score, e.g. yes=1; no=0."]
    assert form.errors["bands"] == ["Band 1: min must be below max."]
    page = manager.get(url("question_edit", question.pk)).content.decode()
    assert 'value="a=1; b=0"' in page


def test_a_condition_can_only_name_a_question_of_the_same_template(manager):
    question = QuestionFactory(section__template__status=TemplateStatus.DRAFT)
    sibling = QuestionFactory(section=question.section)
    stranger = QuestionFactory()
    form = manager.get(url("question_edit", question.pk)).context["form"]
    assert list(form.fields["show_if_question"].queryset) == [sibling]
    response = manager.post(url("question_edit", question.pk), {
        "section": question.section_id, "code": question.code, "text": "?",
        "question_type": "yes_no", "weight": "1", "show_if_question": stranger.pk,
        "show_if_values": "yes"})
    assert "show_if_question" in response.context["form"].errors


def test_a_published_template_cannot_be_edited_and_says_why(manager, published):
    question = Question.objects.get(code="GOV-1")
    page = manager.get(url("question_edit", question.pk)).content.decode()
    assert "is published: it cannot be changed. Make a new version" in page
    response = manager.post(url("question_edit", question.pk), {
        "section": question.section_id, "code": "GOV-1", "text": "Changed?",
        "question_type": "yes_no", "weight": "1"})
    assert "it can no longer be changed" in response.content.decode()
    assert Question.objects.get(pk=question.pk).text == "Are you ISO 27001 certified?"
    response = manager.post(url("questionnairetemplate_delete", published.pk), follow=True)
    assert "it can no longer be changed" in response.content.decode()
    assert QuestionnaireTemplate.objects.filter(pk=published.pk).exists()


def test_publishing_a_draft_with_problems_lists_them(manager):
    question = QuestionFactory(section__template__status=TemplateStatus.DRAFT,
                               question_type=QuestionType.CHOICE, code="CH-1")
    template = question.section.template
    page = manager.get(template.get_absolute_url()).content.decode()
    assert "Before publishing, fix:" in page and "CH-1, options" in page
    response = manager.post(url("questionnairetemplate_publish", template.pk), follow=True)
    assert "CH-1, options: a choice question needs at least one option." in (
        response.content.decode())


def test_a_new_version_opens_as_a_draft(manager, published):
    response = manager.post(url("questionnairetemplate_new_version", published.pk))
    copy = QuestionnaireTemplate.objects.get(version=2)
    assert response["Location"] == copy.get_absolute_url()
    assert copy.status == TemplateStatus.DRAFT
    assert "Add question" in manager.get(copy.get_absolute_url()).content.decode()


def test_moving_and_deleting_questions(manager):
    first = QuestionFactory(section__template__status=TemplateStatus.DRAFT, code="A")
    second = QuestionFactory(section=first.section, code="B")
    manager.post(url("question_move", second.pk), {"direction": "up"})
    codes = Question.objects.order_by("position").values_list("code", flat=True)
    assert list(codes) == ["B", "A"]
    assert "Delete question A?" in manager.get(url("question_delete", first.pk)).content.decode()
    manager.post(url("question_delete", first.pk))
    assert list(Question.objects.values_list("code", flat=True)) == ["B"]
    manager.post(url("section_delete", first.section_id))
    assert not Section.objects.exists()


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("yaml", "application/yaml; charset=utf-8"), ("csv", "text/csv; charset=utf-8"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_export_downloads_a_file_that_imports_back(manager, published, fmt, content_type):
    response = manager.get(url("questionnairetemplate_export", published.pk), {"format": fmt})
    assert response["Content-Type"] == content_type
    assert f'filename="security-baseline-v1.{fmt}"' in response["Content-Disposition"]
    spec = read_template(io.BytesIO(response.content), filename=f"x.{fmt}")
    assert len(spec.questions) == 6
    assert manager.get(url("questionnairetemplate_export", published.pk),
                       {"format": "pdf"}).status_code == 404


def test_the_import_page_creates_a_draft_or_lists_every_problem(manager, published):
    export = manager.get(url("questionnairetemplate_export", published.pk), {"format": "csv"})
    upload = io.BytesIO(export.content)
    upload.name = "security.csv"
    response = manager.post(url("questionnairetemplate_import"), {"file": upload,
                                                                  "name": "Security copy"})
    imported = QuestionnaireTemplate.objects.get(name="Security copy")
    assert response["Location"] == imported.get_absolute_url()
    bad = io.BytesIO(b"section,code,text,type,weight\nS,,?,yes_no,abc\nS,Q,,maybe,1\n")
    bad.name = "bad.csv"
    page = manager.post(url("questionnairetemplate_import"), {"file": bad}).content.decode()
    assert "Nothing was imported: 4 problems" in page
    assert "Row 2, column weight: “abc” is not a number." in page
    assert "Row 3, column type: “maybe” is not a question type" in page
    assert QuestionnaireTemplate.objects.count() == 2


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR])
def test_read_only_roles_see_questionnaires_but_change_nothing(users, login, role, published):
    client = login(users[role])
    draft_question = QuestionFactory(section__template__status=TemplateStatus.DRAFT)
    draft = draft_question.section.template
    for page in (LIST, published.get_absolute_url(),
                 url("questionnairetemplate_export", published.pk)):
        assert client.get(page).status_code == 200
    detail = client.get(published.get_absolute_url()).content.decode()
    assert "New version" not in detail and "Retire" not in detail
    upload = io.BytesIO(b"name: x\n")
    upload.name = "x.yaml"
    writes = [
        (url("questionnairetemplate_add"), {"name": "Mine"}),
        (url("questionnairetemplate_import"), {"file": upload}),
        (url("questionnairetemplate_edit", draft.pk), {"name": "Renamed"}),
        (url("questionnairetemplate_delete", draft.pk), {}),
        (url("questionnairetemplate_publish", draft.pk), {}),
        (url("questionnairetemplate_new_version", published.pk), {}),
        (url("questionnairetemplate_retire", published.pk), {}),
        (url("section_add", draft.pk), {"title": "More"}),
        (url("section_edit", draft_question.section_id), {"title": "Other"}),
        (url("section_move", draft_question.section_id), {}),
        (url("section_delete", draft_question.section_id), {}),
        (url("question_add", draft_question.section_id), {}),
        (url("question_edit", draft_question.pk), {}),
        (url("question_move", draft_question.pk), {}),
        (url("question_delete", draft_question.pk), {}),
    ]
    for address, data in writes:
        assert client.post(address, data).status_code == 403, address
        assert client.get(address).status_code in (403, 405), address
    assert QuestionnaireTemplate.objects.count() == 2
    assert published.status == QuestionnaireTemplate.objects.get(pk=published.pk).status
    assert Question.objects.filter(pk=draft_question.pk).exists()
