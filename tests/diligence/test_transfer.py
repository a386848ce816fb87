"""Questionnaires to and from YAML, CSV and XLSX: the notation, and exports that import back."""

import io
from decimal import Decimal

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from tests.factories import UserFactory
from tether.core.roles import Role
from tether.diligence import template_services as services
from tether.diligence.choices import QuestionType, TemplateStatus
from tether.diligence.transfer import FORMATS, read_template, spec_of, write_template
from tether.diligence.transfer.notation import (
    Band,
    NotationError,
    Option,
    format_bands,
    format_options,
    parse_bands,
    parse_options,
    parse_values,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def actor():
    return UserFactory(username="importer", role=Role.VENDOR_MANAGER)


@pytest.fixture
def rich_template(actor):
    """Every question type, conditions, labels with the notation's own characters, text a
    spreadsheet would run as a formula, line breaks and accents."""
    template = services.template_create(actor=actor, data={
        "name": "Évaluation fournisseur", "description": "Two lines:\nsecond one."})
    first = services.section_create(actor=actor, template=template, data={
        "title": "Sécurité", "description": "=SUM(A1)", "risk_category": "data_security_ip"})
    second = services.section_create(actor=actor, template=template,
                                     data={"title": "Finances", "risk_category": "financial"})

    def add(section, **data):
        return services.question_create(actor=actor, section=section, data=data)

    iso = add(first, code="SEC-1", text="ISO 27001?", question_type=QuestionType.YES_NO,
              weight=D(3), evidence_required=True, evidence_hint="The certificate",
              options=[{"value": "yes", "label": "Yes", "score": 1},
                       {"value": "no", "label": "No", "score": 0}])
    add(first, code="SEC-2", text="+ scope?", help_text="-1 means none", weight=D("1.5"),
        question_type=QuestionType.CHOICE, show_if_question=iso, show_if_values=["yes"],
        options=[{"value": "full", "label": "All sites; all teams", "score": 1},
                 {"value": "part", "label": "Some = not all | partial", "score": 0.25},
                 {"value": "none", "label": "", "score": 0}])
    add(first, code="SEC-3", text="Expiry date?", question_type=QuestionType.DATE,
        required=False, show_if_question=iso, show_if_values=["yes"])
    add(second, code="FIN-1", text="Margin, %?", question_type=QuestionType.NUMBER,
        weight=D("0.25"), bands=[{"max": -5, "score": 0}, {"min": -5, "max": 5, "score": 0.5},
                                 {"min": 5, "score": 1}])
    add(second, code="FIN-2", text="Explain\nin detail", question_type=QuestionType.TEXT,
        weight=D(0))
    add(second, code="FIN-3", text="Statements", question_type=QuestionType.FILE)
    return template


def export(template, fmt) -> bytes:
    out = io.BytesIO()
    write_template(spec_of(template), fmt=fmt, out=out)
    return out.getvalue()


def test_options_read_and_write_in_the_notation():
    options = parse_options(r"yes=1; no=0,5; a\;b|Label \= x=0.25")
    assert options == [Option("yes", "", D(1)), Option("no", "", D("0.5")),
                       Option("a;b", "Label = x", D("0.25"))]
    assert format_options(options) == r"yes=1; no=0.5; a\;b|Label \= x=0.25"
    assert parse_options(format_options(options)) == options


def test_bands_read_and_write_in_the_notation():
    bands = parse_bands("-0=0; 0-2.5=0.5; 2.5-=1; -10--5=0.1")
    assert bands == [Band(None, D(0), D(0)), Band(D(0), D("2.5"), D("0.5")),
                     Band(D("2.5"), None, D(1)), Band(D(-10), D(-5), D("0.1"))]
    assert parse_bands(format_bands(bands)) == bands


@pytest.mark.parametrize(("parse", "text", "message"), [
    (parse_options, "yes; no=0", "“yes” has no score"),
    (parse_options, "yes=2", "Option “yes” scores 2; a score is from 0 to 1."),
    (parse_options, "yes=high", "“high” is not a score"),
    (parse_options, "a|b|c=1", "more than one “|”"),
    (parse_bands, "ten-20=1", "“ten-20=1” is not a band"),
    (parse_bands, "0-10=-1", "scores -1"),
])
def test_notation_errors_say_what_to_write(parse, text, message):
    with pytest.raises(NotationError, match=message):
        parse(text)


def test_answer_lists_split_on_semicolons():
    assert parse_values("partly; no") == ["partly", "no"]
    assert parse_values("") == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_imports_back_as_the_same_questionnaire(actor, rich_template, fmt):
    data = export(rich_template, fmt)
    spec = read_template(io.BytesIO(data), filename=f"export.{fmt}")
    assert spec == spec_of(rich_template)
    services.template_publish(rich_template, actor=actor)
    imported = services.template_import(actor=actor, spec=spec).template
    assert (imported.name, imported.version, imported.status) == (
        "Évaluation fournisseur", 2, TemplateStatus.DRAFT)
    assert spec_of(imported) == spec_of(rich_template)
    child = imported.sections.get(title="Sécurité").questions.get(code="SEC-2")
    assert child.show_if_question.code == "SEC-1"
    assert child.show_if_question.section.template == imported


def test_spreadsheet_exports_make_formula_like_text_inert(rich_template):
    csv_text = export(rich_template, "csv").decode("utf-8-sig")
    assert "'=SUM(A1)" in csv_text and "'+ scope?" in csv_text and "'-1 means none" in csv_text
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(export(rich_template, "xlsx")))
    rows = workbook.get_sheet_by_name("questions").to_python()
    assert rows[0][:3] == ["template", "template_description", "section"]
    assert rows[1][3] == "'=SUM(A1)"


def test_yaml_export_is_plain_and_commented(rich_template):
    text = export(rich_template, "yaml").decode()
    assert text.startswith("# A Tether questionnaire.")
    assert "&" not in text and "*" not in text  # no anchors or aliases
    assert "show_if: {question: SEC-1, values: ['yes']}" in text


def test_a_hand_written_csv_with_semicolons_and_other_headers_imports():
    data = (
        "Section;Section risk category;Code;Question;Question type;Weight;Options;"
        "Show if question;Show if values\r\n"
        "Continuity;external dependency;BC-1;Do you have a plan?;Yes / no;3;yes=1; no=0;;\r\n"
        "Continuity;;BC-2;Tested?;yes_no;2,5;;BC-1;yes\r\n"
    ).encode("cp1252").replace(b"yes=1; no=0", b'"yes=1; no=0"')
    spec = read_template(io.BytesIO(data), filename="continuity.csv")
    assert spec.name == "continuity"
    [section] = spec.sections
    assert (section.title, section.risk_category) == ("Continuity", "external_dependency")
    first, second = section.questions
    assert first.question_type == QuestionType.YES_NO and second.weight == D("2.5")
    assert (second.show_if_question, second.show_if_values) == ("BC-1", ("yes",))


def test_an_xlsx_written_by_hand_imports_with_numbers_and_booleans():
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    sheet = workbook.add_worksheet("Sheet1")
    for column, header in enumerate(["template", "section", "code", "text", "type", "weight",
                                     "required", "bands"]):
        sheet.write(0, column, header)
    sheet.write_row(1, 0, ["Own questionnaire", "People", "HR-1", "Staff attrition, %",
                           "number", 2, False, "-15=1; 15-=0"])
    workbook.close()
    spec = read_template(io.BytesIO(out.getvalue()), filename="own.xlsx")
    [question] = spec.questions
    assert spec.name == "Own questionnaire"
    assert (question.weight, question.required) == (D(2), False)
    assert question.bands == (Band(None, D(15), D(1)), Band(D(15), None, D(0)))


def test_a_name_given_at_import_replaces_the_files(rich_template):
    spec = read_template(io.BytesIO(export(rich_template, "yaml")), filename="x.yaml",
                         name="Renamed")
    assert spec.name == "Renamed"


def test_importing_a_known_name_makes_its_next_version(actor, rich_template):
    services.template_publish(rich_template, actor=actor)
    spec = spec_of(rich_template)
    second = services.template_import(actor=actor, spec=spec).template
    assert second.version == 2
    with pytest.raises(Exception, match="is a draft of this questionnaire"):
        services.template_import(actor=actor, spec=spec)
    again = services.template_import(actor=actor, spec=spec, reuse_identical=True)
    assert (again.created, again.template.version) == (False, 2)
