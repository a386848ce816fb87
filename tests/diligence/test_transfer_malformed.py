"""Malformed questionnaire files get a clear error, naming where and what to fix; nothing is
written. Every case goes through the import page too (tests/diligence/test_templates_views.py
checks its rendering), so what is asserted here is what a user reads."""

import io
import zipfile

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from tests.factories import UserFactory
from tether.core.roles import Role
from tether.diligence import transfer
from tether.diligence.models import Question, QuestionnaireTemplate, Section
from tether.diligence.transfer import TemplateFileError, read_template

pytestmark = pytest.mark.django_db

GOOD_YAML = """\
name: Vendor check
sections:
  - title: Basics
    questions:
      - code: B-1
        text: Do you subcontract?
        type: yes_no
"""
HEADER = "section,code,text,type,weight,options,show_if_question,show_if_values\n"


def problems(data: bytes | str, filename: str = "questionnaire.yaml", **kwargs) -> list[str]:
    if isinstance(data, str):
        data = data.encode()
    with pytest.raises(TemplateFileError) as error:
        read_template(io.BytesIO(data), filename=filename, **kwargs)
    return error.value.messages


def yaml_with(question: str, extra: str = "") -> str:
    """A questionnaire whose second question is `question` (indented YAML lines)."""
    return GOOD_YAML + question + extra


@pytest.fixture
def page(login):
    return login(UserFactory(username="vm", role=Role.VENDOR_MANAGER))


def test_a_yaml_syntax_error_names_its_line():
    assert problems(GOOD_YAML + "      - code: [B-2\n") == [
        "Line 9, column 1: this is not valid YAML (did not find expected ',' or ']' while "
        "parsing a flow sequence started on line 8). Check the indentation and the quotes "
        "around this line."]


def test_a_list_where_the_questionnaire_should_be_is_refused():
    assert problems("- name: x\n- name: y\n") == [
        "Line 1: expected a questionnaire (keys: name, description, sections); found a list."]


def test_wrong_types_are_named_with_their_line():
    found = problems("name: x\nsections:\n  title: Basics\n")
    assert found == ["Line 2, sections: expected a list of sections here."]
    found = problems(yaml_with("        weight: [1, 2]\n        required: perhaps\n"))
    assert found == ["Line 8, weight: “[1, 2]” is not a number.",
                     "Line 9, required: “perhaps” is neither yes nor no."]


def test_a_misspelt_key_is_an_error_not_ignored():
    assert problems(yaml_with("        evidence_requried: true\n")) == [
        "Line 8, evidence_requried: “evidence_requried” is not a key of a question: use code, "
        "text, help_text, type, weight, required, options, bands, evidence_required, "
        "evidence_hint, show_if."]


def test_billion_laughs_aliases_are_refused_before_expanding():
    bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    found = problems(bomb)
    assert found[0] == ("Line 1: anchors (&a) are not allowed in a questionnaire: write values "
                        "out.")
    assert "Line 2: aliases (*a) are not allowed in a questionnaire: write the value out." in found


def test_python_tags_several_documents_and_deep_nesting_are_refused():
    assert problems("!!python/object/apply:os.system ['true']\n") == [
        "Line 1: the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed in a "
        "questionnaire: remove it."]
    assert problems(GOOD_YAML + "---\n" + GOOD_YAML) == [
        "Line 8: the file holds several YAML documents (separated by ---): put one "
        "questionnaire in a file."]
    assert problems("a: " + "[" * 50 + "]" * 50 + "\n") == [
        "Line 1: the file nests deeper than a questionnaire does."]


def test_an_unknown_question_type_lists_the_types():
    expected = ("“multiple” is not a question type: use one of yes_no, choice, number, text, "
                "date, file.")
    assert problems(GOOD_YAML.replace("type: yes_no", "type: multiple")) == [
        f"Line 7, type: {expected}"]
    assert problems(HEADER + "S,Q-1,Question?,multiple,,,,\n", "q.csv") == [
        f"Row 2, column type: {expected}"]


def test_a_weight_that_is_not_a_number_names_row_and_column():
    assert problems(HEADER + "S,Q-1,Question?,yes_no,abc,,,\n", "q.csv") == [
        "Row 2, column weight: “abc” is not a number."]


def test_duplicate_codes_name_both_places():
    found = problems(HEADER + "S,Q-1,First?,yes_no,,,,\nS,q-1,Second?,yes_no,,,,\n", "q.csv")
    assert found == ["Row 3, column code: the code q-1 is already used (Row 2); codes must be "
                     "unique in a questionnaire."]


def test_conditions_on_unknown_or_later_questions_are_refused():
    rows = ("S,Q-1,First?,yes_no,,,Q-2,yes\n"
            "S,Q-2,Second?,yes_no,,,Q-9,yes\n"
            "S,Q-3,Third?,yes_no,,,Q-1,maybe\n"
            "S,Q-4,Fourth?,yes_no,,,Q-4,yes\n"
            "S,Q-5,Fifth?,text,,,,yes\n")
    assert problems(HEADER + rows, "q.csv") == [
        "Row 6, column show_if_values: answers are listed but not the question they answer: "
        "fill in show_if_question too.",
        "Row 2, column show_if_question: Q-1 depends on Q-2, which comes after it: move Q-2 "
        "above Q-1, or change the condition.",
        "Row 3, column show_if_question: there is no question Q-9 in this questionnaire.",
        "Row 4, column show_if_values: “maybe” is not an answer to Q-1; its answers are: "
        "yes; no.",
        "Row 5, column show_if_question: Q-4 cannot depend on itself.",
    ]


def test_scores_outside_zero_to_one_are_refused_in_every_format():
    assert problems(HEADER + 'S,Q-1,First?,yes_no,,"yes=1.5; no=0",,\n', "q.csv") == [
        "Row 2, column options: option “yes” scores 1.5; a score is from 0 to 1."]
    found = problems(yaml_with("        options:\n          - {value: 'yes', score: 2}\n"
                               "          - {value: 'no', score: -1}\n"))
    assert found == ["Line 9, options: the score is 2; a score is from 0 to 1.",
                     "Line 10, options: the score is -1; a score is from 0 to 1."]


def test_a_csv_that_is_not_utf8_says_how_to_save_it():
    data = (HEADER + "Sécurité,Q-1,Êtes-vous certifié ?,yes_no,,,,\n").encode("cp1252")
    assert problems(data, "q.csv") == [
        "Row 2: the file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)” "
        "or as .xlsx; or, if you know it was saved as “CSV (Windows)”, import it with the "
        "encoding cp1252."]


@pytest.mark.parametrize(("data", "filename"), [
    (b"", "q.yaml"), (b"  \n\n", "q.csv"), (b"", "q.xlsx"), (b"# only a comment\n", "q.yaml"),
])
def test_empty_files_are_refused(data, filename):
    assert problems(data, filename)[0].startswith("The file is empty")


def test_a_file_over_the_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(transfer, "MAX_BYTES", 100)
    assert problems(GOOD_YAML * 2) == [
        "The file is 0.0 MB; a questionnaire file may be up to 0 MB."]


def test_a_csv_header_without_its_columns_or_with_unknown_ones_is_refused():
    columns = ("template, template_description, section, section_description, "
               "section_risk_category, code, text, help_text, type, weight, required, options, "
               "bands, evidence_required, evidence_hint, show_if_question, show_if_values.")
    assert problems("section,code,text,type,colour\nS,Q,?,text,red\n", "q.csv") == [
        "Row 1, column colour: “colour” is not a column Tether reads: remove or rename it. "
        f"The columns are: {columns}"]
    assert problems("section,code\nS,Q\n", "q.csv")[0].startswith(
        "Row 1: the header lacks the columns text, type.")


def test_every_problem_of_a_file_is_reported_at_once():
    rows = ("S,,No code?,yes_no,1,,,\n"
            "S,Q-2,,choice,x,a=1,,\n"
            ",Q-3,Where?,text,,,,\n")
    assert problems(HEADER + rows, "q.csv") == [
        "Row 2, column code: give the question a code, e.g. FIN-3.",
        "Row 3, column text: the question has no text.",
        "Row 3, column weight: “x” is not a number.",
        "Row 4, column section: say which section the question belongs to.",
    ]


def test_spreadsheets_that_are_not_xlsx_are_refused():
    assert problems(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls")[0].startswith(
        "This is an Excel 97–2003 (.xls)")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "not a workbook")
    assert problems(archive.getvalue(), "fake.xlsx")[0].startswith(
        "This Excel workbook cannot be read")
    assert problems(b"name: x\n", "q.xlsx") == ["This file is not an Excel workbook (.xlsx)."]


def test_an_xlsx_with_a_bad_cell_names_its_row_and_column():
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    sheet = workbook.add_worksheet("questions")
    sheet.write_row(0, 0, ["section", "code", "text", "type", "bands"])
    sheet.write_row(1, 0, ["S", "N-1", "How many?", "number", "0-ten=1"])
    workbook.close()
    assert problems(out.getvalue(), "q.xlsx") == [
        "Row 2, column bands: “0-ten=1” is not a band: write min-max=score, e.g. 0-10=0.5, or "
        "10-=1 for 10 or more, -0=0 for below 0."]


def test_yaml_that_is_not_utf8_or_is_binary_is_refused():
    assert problems("name: Qualité\n".encode("latin-1")) == [
        "Line 1: the file is not UTF-8 text: save it as UTF-8 and import it again."]
    assert problems(b"name: x\x00\n")[0] == ("This is not a YAML file: it contains binary "
                                             "data.")


@pytest.mark.parametrize(("data", "filename"), [
    (GOOD_YAML.replace("type: yes_no", "type: multiple"), "bad.yaml"),
    (HEADER + "S,Q-1,First?,yes_no,abc,,,\n", "bad.csv"),
    ("a: &a [1]\nb: *a\n", "bomb.yaml"),
])
def test_nothing_is_written_when_a_file_is_refused(page, data, filename):
    upload = io.BytesIO(data.encode())
    upload.name = filename
    response = page.post("/diligence/templates/import/", {"file": upload})
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert not QuestionnaireTemplate.objects.exists()
    assert not Section.objects.exists() and not Question.objects.exists()


def test_the_command_reports_problems_and_loads_nothing(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "S,Q-1,First?,yes_no,abc,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was loaded: bad.csv has 1 problem"):
        call_command("load_questionnaire", str(path))
    assert "Row 2, column weight: “abc” is not a number." in capsys.readouterr().err
    assert not QuestionnaireTemplate.objects.exists()
