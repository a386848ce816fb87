"""Questionnaires as CSV or XLSX: one row per question, in the order they are asked.

The template and section columns repeat on every row (so a spreadsheet can filter by
section); descriptions and the section's risk category need only be on a section's first
row. Options, bands and the answers that show a conditional question are written in the
notation of `tether.diligence.transfer.notation`. Files are read with the register's reader
(`tether.registry.transfer.readers`: encodings, delimiters, zip bombs, .xls refused).
"""

import codecs
import csv
import io
from decimal import Decimal

import xlsxwriter

from tether.core.spreadsheet import escape_formula
from tether.diligence.transfer import fields
from tether.diligence.transfer.document import (
    MAX_LENGTH,
    MAX_QUESTIONS,
    Problem,
    QuestionSpec,
    SectionSpec,
    TemplateFileError,
    TemplateSpec,
    check_spec,
)
from tether.diligence.transfer.notation import (
    NotationError,
    format_bands,
    format_number,
    format_options,
    format_values,
    parse_bands,
    parse_options,
    parse_values,
)
from tether.registry.transfer.readers import FileProblem, open_table

COLUMNS = ("template", "template_description", "section", "section_description",
           "section_risk_category", "code", "text", "help_text", "type", "weight", "required",
           "options", "bands", "evidence_required", "evidence_hint", "show_if_question",
           "show_if_values")
REQUIRED_COLUMNS = ("section", "code", "text", "type")
# Headers other questionnaires use for the same thing.
ALIASES = {"question": "text", "question_text": "text", "question_type": "type",
           "section_title": "section", "risk_category": "section_risk_category",
           "help": "help_text", "guidance": "help_text", "name": "template",
           "evidence": "evidence_required", "description": "template_description"}
SHEET = "questions"


def _header_key(header: str) -> str:
    key = "_".join(header.casefold().replace("-", " ").split())
    return ALIASES.get(key, key)


def read_sheet(handle, *, fmt: str) -> TemplateSpec:
    """The questionnaire a CSV or XLSX file describes; TemplateFileError lists its problems."""
    try:
        with open_table(handle, fmt=fmt, sheet=SHEET) as table:
            return _read_table(table)
    except FileProblem as error:
        place = f"Row {error.row}" if error.row else ""
        raise TemplateFileError([Problem(place, str(error))]) from None


def _read_table(table) -> TemplateSpec:
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        if not header:
            continue
        key = _header_key(header)
        if key not in COLUMNS:
            problems.append(Problem(f"Row {table.header_row}, column {header}",
                                    f"“{header}” is not a column Tether reads: remove or "
                                    f"rename it. The columns are: {', '.join(COLUMNS)}."))
        elif key in columns:
            problems.append(Problem(f"Row {table.header_row}, column {header}",
                                    f"The column {key} appears twice; keep one."))
        else:
            columns[key], headers[key] = index, header
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(Problem(f"Row {table.header_row}",
                                f"The header lacks the column{'s' if len(missing) > 1 else ''} "
                                f"{', '.join(missing)}. The columns are: {', '.join(COLUMNS)}."))
    if problems:
        raise TemplateFileError(problems)
    reader = _RowReader(columns, headers, problems)
    for number, cells in table.rows:
        if all(fields.text_of(cell) == "" for cell in cells):
            continue
        if reader.count >= MAX_QUESTIONS:
            problems.append(Problem(f"Row {number}", f"The file has more than {MAX_QUESTIONS} "
                                                     "questions; split it."))
            break
        reader.row(number, cells)
    spec = reader.spec()
    if not problems:
        problems.extend(check_spec(spec))
    if problems:
        raise TemplateFileError(problems)
    return spec


class _RowReader:
    """Reads rows into sections and questions, noting each problem with its row and column."""

    def __init__(self, columns: dict[str, int], headers: dict[str, str], problems: list):
        self.columns, self.headers, self.problems = columns, headers, problems
        self.sections: dict[str, SectionSpec] = {}
        # Per section: description and risk category → (value, row they were first given on).
        self.section_values: dict[str, dict[str, tuple[str, int]]] = {}
        self.template: dict[str, tuple[str, int]] = {}  # name/description → (value, row)
        self.count = 0

    def place(self, number: int, name: str) -> str:
        return f"Row {number}, column {self.headers.get(name, name)}"

    def cell(self, cells: list, name: str):
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def read(self, number: int, cells: list, name: str, convert, fallback, **kwargs):
        try:
            return convert(self.cell(cells, name), **kwargs)
        except (fields.FieldError, NotationError) as error:
            self.problems.append(Problem(self.place(number, name), str(error)))
            return fallback

    def text(self, number, cells, name, **kwargs) -> str:
        return self.read(number, cells, name, fields.text, "", spreadsheet=True, **kwargs)

    def notation(self, number, cells, name, parse) -> tuple:
        return tuple(self.read(number, cells, name,
                               lambda raw: parse(fields.text(raw, spreadsheet=True)), ()))

    def once(self, store: dict, key: str, value: str, number: int, name: str, what: str):
        """A value that belongs to the template or a section, given on one row or repeated."""
        if not value:
            return
        if key not in store or not store[key][0]:
            store[key] = (value, number)
        elif store[key][0] != value:
            self.problems.append(Problem(self.place(number, name), f"“{value}” differs from "
                                         f"the {what} on row {store[key][1]} "
                                         f"(“{store[key][0]}”); give it once or the same on "
                                         "every row."))

    def row(self, number: int, cells: list) -> None:
        self.count += 1
        self.once(self.template, "name", self.text(number, cells, "template",
                                                   max_length=MAX_LENGTH["name"]),
                  number, "template", "questionnaire name")
        self.once(self.template, "description",
                  self.text(number, cells, "template_description"), number,
                  "template_description", "questionnaire description")
        title = self.text(number, cells, "section", max_length=MAX_LENGTH["title"],
                          required="Say which section the question belongs to.")
        key = title.casefold()
        section = self.sections.get(key)
        if section is None:
            section = SectionSpec(title, places={"": f"Row {number}",
                                                 "title": self.place(number, "section")})
            self.sections[key] = section
        given = self.section_values.setdefault(key, {})
        for name, attribute, convert in (
                ("section_description", "description", None),
                ("section_risk_category", "risk_category", fields.risk_category)):
            value = (self.read(number, cells, name, convert, "") if convert
                     else self.text(number, cells, name))
            self.once(given, attribute, value, number, name,
                      f"{attribute.replace('_', ' ')} of section “{title}”")
            setattr(section, attribute, given.get(attribute, ("",))[0])
        places = {"": f"Row {number}", **{name: self.place(number, name)
                                          for name in COLUMNS}}
        section.questions.append(QuestionSpec(
            code=self.text(number, cells, "code",
                           required="Give the question a code, e.g. FIN-3."),
            text=self.text(number, cells, "text", required="The question has no text."),
            question_type=self.read(number, cells, "type", fields.question_type, "?"),
            help_text=self.text(number, cells, "help_text"),
            weight=self.read(number, cells, "weight", fields.decimal, Decimal(1),
                             default=Decimal(1)),
            required=self.read(number, cells, "required", fields.yes_no, True, default=True),
            options=self.notation(number, cells, "options", parse_options),
            bands=self.notation(number, cells, "bands", parse_bands),
            evidence_required=self.read(number, cells, "evidence_required", fields.yes_no,
                                        False, default=False),
            evidence_hint=self.text(number, cells, "evidence_hint"),
            show_if_question=self.text(number, cells, "show_if_question"),
            show_if_values=self.notation(number, cells, "show_if_values", parse_values),
            places=places,
        ))

    def spec(self) -> TemplateSpec:
        name = self.template.get("name", ("", 0))[0]
        description = self.template.get("description", ("", 0))[0]
        return TemplateSpec(name, description, list(self.sections.values()),
                            places={"": "The file"})


def sheet_rows(spec: TemplateSpec):
    """The rows of an export, header first: values as they read in a cell."""
    yield list(COLUMNS)
    first = True
    for section in spec.sections:
        section_first = True
        for question in section.questions:
            yield _question_row(spec, section, question, first, section_first)
            first = section_first = False


def _question_row(spec: TemplateSpec, section: SectionSpec, question: QuestionSpec,
                  first: bool, section_first: bool) -> list:
    return [
        spec.name, spec.description if first else "", section.title,
        section.description if section_first else "",
        section.risk_category if section_first else "", question.code, question.text,
        question.help_text, question.question_type, question.weight,
        "yes" if question.required else "no", format_options(question.options),
        format_bands(question.bands), "yes" if question.evidence_required else "no",
        question.evidence_hint, question.show_if_question,
        format_values(question.show_if_values),
    ]


def write_csv(spec: TemplateSpec, out) -> None:
    """CSV in UTF-8 with a BOM (so Excel reads accents right), formula-like text escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in sheet_rows(spec):
        writer.writerow([format_number(value) if isinstance(value, Decimal)
                         else escape_formula(value) for value in row])
    out.write(codecs.BOM_UTF8)
    out.write(buffer.getvalue().encode("utf-8"))


def write_xlsx(spec: TemplateSpec, out) -> None:
    """One worksheet, “questions”, with the CSV's columns; weights are numbers."""
    workbook = xlsxwriter.Workbook(out, {"strings_to_numbers": False,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False, "in_memory": True})
    sheet = workbook.add_worksheet(SHEET)
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(COLUMNS) - 1, 16)
    sheet.set_column(COLUMNS.index("text"), COLUMNS.index("text"), 60, wrap)
    sheet.set_column(COLUMNS.index("help_text"), COLUMNS.index("help_text"), 40, wrap)
    for number, row in enumerate(sheet_rows(spec)):
        for index, value in enumerate(row):
            if number == 0:
                sheet.write_string(0, index, value, bold)
            elif isinstance(value, Decimal):
                sheet.write_number(number, index, float(value))
            elif value:
                sheet.write_string(number, index, escape_formula(value))
    workbook.close()
