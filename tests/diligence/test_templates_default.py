"""The default due-diligence questionnaire, and `tether load_questionnaire`."""

import pytest
from django.core.management import CommandError, call_command

from tether.diligence.choices import QuestionType, TemplateStatus
from tether.diligence.management.commands.load_questionnaire import DEFAULT_TEMPLATE
from tether.diligence.models import Question, QuestionnaireTemplate
from tether.diligence.transfer import read_template, spec_of
from tether.risk.methodology import DEFAULT_CATEGORIES

pytestmark = pytest.mark.django_db

SELECTION_CRITERIA = ["Track record", "Financial stability", "Quality management",
                      "Information security", "Data protection",
                      "Ethics: labour and environment", "Business continuity",
                      "Subcontracting", "Cultural and language fit", "Location"]


@pytest.fixture
def default():
    return read_template(DEFAULT_TEMPLATE)


def test_the_default_covers_the_selection_criteria_one_section_each(default):
    assert [section.title for section in default.sections] == SELECTION_CRITERIA
    assert 30 <= len(default.questions) <= 50
    codes = {code for code, _label, _description in DEFAULT_CATEGORIES}
    assert all(section.risk_category in codes for section in default.sections)


def test_the_default_asks_for_evidence_of_what_matters(default):
    evidence = {q.code for q in default.questions if q.evidence_required}
    texts = " ".join(q.text for q in default.questions if q.evidence_required)
    assert {"SEC-1", "SEC-4", "FIN-1", "BC-2"} <= evidence
    assert "ISO/IEC 27001" in texts and "SOC 2" in texts and "financial statements" in texts


def test_the_default_has_conditional_questions_and_every_type(default):
    by_code = {q.code: q for q in default.questions}
    assert (by_code["SUB-2"].show_if_question, by_code["SUB-2"].show_if_values) == (
        "SUB-1", ("yes",))
    assert sum(1 for q in default.questions if q.show_if_question) >= 8
    assert {q.question_type for q in default.questions} == set(QuestionType.values)


def test_loading_the_default_twice_makes_one_template(capsys):
    call_command("load_questionnaire")
    call_command("load_questionnaire")
    template = QuestionnaireTemplate.objects.get()
    assert (template.name, template.status) == ("Standard due diligence", TemplateStatus.DRAFT)
    assert "already holds this questionnaire" in capsys.readouterr().out
    call_command("load_questionnaire", "--publish")
    template.refresh_from_db()
    assert template.status == TemplateStatus.PUBLISHED
    assert QuestionnaireTemplate.objects.count() == 1


def test_the_default_loads_published_and_as_the_file_says(default):
    call_command("load_questionnaire", "--publish")
    template = QuestionnaireTemplate.objects.get(status=TemplateStatus.PUBLISHED)
    assert spec_of(template) == default
    child = Question.objects.get(section__template=template, code="DP-5")
    assert child.show_if_question.code == "DP-4"


def test_loading_a_file_with_another_name(tmp_path):
    path = tmp_path / "caiq-lite.yaml"
    path.write_bytes(DEFAULT_TEMPLATE.read_bytes())
    call_command("load_questionnaire", str(path), "--name", "CAIQ lite")
    assert QuestionnaireTemplate.objects.get().name == "CAIQ lite"


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="No file"):
        call_command("load_questionnaire", str(tmp_path / "nowhere.yaml"))
