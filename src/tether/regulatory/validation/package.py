"""Checks on the package around the tables: the zip, its files and their metadata.

Codes are the EBA's technical check numbers as one open-source validator encodes them
(derived/eba_roi_technical_checks_as_encoded_by_oss.csv); "T-" codes are Tether's own.
"""

import json
import re
from datetime import date

from tether.registry.validators import currency_codes
from tether.regulatory.definitions import (
    FILING_INDICATORS_FILE,
    FILING_INDICATORS_HEADER,
    META_INF_FILE,
    MODULE_CODE,
    MODULE_URL,
    PACKAGE_NAME_PATTERN,
    PARAMETER_NAMES,
    PARAMETERS_FILE,
    PARAMETERS_HEADER,
    REPORT_DOCUMENT_TYPE,
    REPORT_FILE,
    REPORT_PACKAGE_DOCUMENT_TYPE,
    TEMPLATES,
    TEMPLATES_BY_FILE_NAME,
)
from tether.regulatory.validation.formats import lei_problem, parse_date
from tether.regulatory.validation.model import WARNING, check

SECONDARY = "secondary"  # EBA technical check as encoded by an open-source validator
OWN = "own"

_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+\Z")
_NAME_PREFIX = re.compile(
    r"(?P<lei>[^.]*)\.(?P<scope>[^_]*)_(?P<country>[^_]*)_(?P<module>[^_]*)_(?P<framework>[^_]*)"
    r"_(?P<ref_date>[^_]*)_(?P<created>.*)\Z")
_ENTITY_ID = re.compile(r"rs:(?P<lei>[^.]+)\.(?P<scope>CON|IND)\Z")
_TRUE_VALUES = ("true", "1")
_FALSE_VALUES = ("false", "0")


def _name_parts(package) -> dict[str, str] | None:
    match = _NAME_PREFIX.match(package.name or "")
    return match.groupdict() if match else None


@check("T-ZIP", layer="package", title="The file is a readable zip archive",
       source=OWN, verified=True, zip_only=True)
def zip_readable(check, package):
    if package.zip_error:
        yield package.failure(check, None, None, None, package.zip_error)


@check("103", layer="package", source=SECONDARY, zip_only=True,
       title="One root folder named like the zip, holding META-INF/reportPackage.json")
def root_folder(check, package):
    if package.zip_error:
        return
    if len(package.root_folders) != 1:
        found = ", ".join(package.root_folders) or "none"
        yield package.failure(check, None, None, None,
                              f"The zip must hold exactly one root folder; found: {found}.")
    elif package.zip_name and package.root_folders[0] != package.zip_name:
        yield package.failure(
            check, None, None, None,
            f"The root folder “{package.root_folders[0]}” must be named like the zip "
            f"(“{package.zip_name}”).")
    for path in package.stray_paths:
        yield package.failure(check, None, None, None,
                              f"“{path}” lies outside the package's root folder.")
    if package.root_folders and META_INF_FILE not in package.files:
        yield package.failure(check, None, None, None, f"{META_INF_FILE} is missing.")
    elif META_INF_FILE in package.files:
        document_type = _document_type(package.files[META_INF_FILE])
        if document_type != REPORT_PACKAGE_DOCUMENT_TYPE:
            yield package.failure(
                check, None, None, None,
                f"{META_INF_FILE} must be JSON with documentInfo.documentType "
                f"“{REPORT_PACKAGE_DOCUMENT_TYPE}”; found {document_type!r}.")


def _json(data: bytes):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None


def _document_type(data: bytes):
    document = _json(data)
    info = document.get("documentInfo") if isinstance(document, dict) else None
    return info.get("documentType") if isinstance(info, dict) else None


@check("104", layer="package", source=SECONDARY, zip_only=True,
       title="File names contain only letters, digits, hyphen, underscore and full stop")
def safe_file_names(check, package):
    names = [package.zip_name] if package.zip_name else []
    names += [part for path in package.files for part in path.split("/")]
    for name in dict.fromkeys(names):
        if not _SAFE_NAME.match(name):
            yield package.failure(
                check, None, None, None,
                f"The file name “{name}” may contain only letters, digits, “-”, “_” and “.”.")


@check("105", layer="package", source=SECONDARY, zip_only=True,
       title="Package named {LEI}.{CON|IND}_{CC}_DORA010100_DORA_{refdate}_{timestamp}")
def package_name_pattern(check, package):
    if package.zip_error or package.name is None:
        return
    if not PACKAGE_NAME_PATTERN.match(package.name):
        yield package.failure(
            check, None, None, None,
            f"The package name “{package.name}” does not follow "
            f"{{LEI}}.{{CON|IND}}_{{country}}_{MODULE_CODE}_DORA_{{yyyy-mm-dd}}_"
            "{yyyyMMddHHmmssSSS}.")


@check("106", layer="package", source=SECONDARY, zip_only=True,
       title=f"The module in the package name is the one in force ({MODULE_CODE})")
def module_code(check, package):
    parts = _name_parts(package)
    if parts and parts["module"] != MODULE_CODE:
        yield package.failure(
            check, None, None, None,
            f"The package name gives module “{parts['module']}”; the DORA module in force "
            f"is {MODULE_CODE}.")


@check("109", layer="package", source=SECONDARY, zip_only=True,
       title="The reference date in the package name is a valid date")
def name_reference_date(check, package):
    parts = _name_parts(package)
    if parts and parse_date(parts["ref_date"]) is None:
        yield package.failure(
            check, None, None, None,
            f"The reference date “{parts['ref_date']}” in the package name is not a valid "
            "yyyy-mm-dd date.")


@check("111", layer="package", source=SECONDARY, zip_only=True,
       title="The reference date in the package name is not in the future")
def name_reference_date_past(check, package):
    parts = _name_parts(package)
    ref_date = parse_date(parts["ref_date"]) if parts else None
    if ref_date and ref_date > package.today:
        yield package.failure(
            check, None, None, None,
            f"The reference date {ref_date.isoformat()} in the package name is in the future.")


@check("306", layer="package", source=SECONDARY, zip_only=True,
       title="Every file is encoded in UTF-8")
def utf8(check, package):
    for path in package.not_utf8:
        yield package.failure(check, None, None, None,
                              f"{path} is not valid UTF-8; save it as UTF-8.")


@check("T-CSV", layer="package", source=OWN, verified=True,
       title="Every file can be unpacked and read as comma-separated values")
def csv_readable(check, package):
    for path, line, problem in package.csv_errors:
        where = f" (line {line})" if line else ""
        yield package.failure(check, None, None, None, f"{path}{where} {problem}.")


@check("701", layer="package", source=SECONDARY, zip_only=True,
       title="report.json, parameters.csv and FilingIndicators.csv are present and not empty")
def metadata_files(check, package):
    if not package.root_folders:
        return
    for path in (REPORT_FILE, PARAMETERS_FILE, FILING_INDICATORS_FILE):
        if path not in package.files:
            yield package.failure(check, None, None, None, f"{path} is missing.")
        elif not package.files[path].strip():
            yield package.failure(check, None, None, None, f"{path} is empty.")


@check("505", layer="package", source=SECONDARY, zip_only=True,
       title="report.json extends the DORA 4.0 entry point")
def report_json(check, package):
    data = package.files.get(REPORT_FILE)
    if not data or not data.strip():
        return
    document = _json(data)
    info = document.get("documentInfo") if isinstance(document, dict) else None
    if not isinstance(info, dict):
        yield package.failure(check, None, None, None,
                              f"{REPORT_FILE} is not JSON with a documentInfo object.")
        return
    if info.get("documentType") != REPORT_DOCUMENT_TYPE:
        yield package.failure(
            check, None, None, None,
            f"{REPORT_FILE} documentType is {info.get('documentType')!r}; expected "
            f"“{REPORT_DOCUMENT_TYPE}”.")
    if info.get("extends") != [MODULE_URL]:
        yield package.failure(
            check, None, None, None,
            f"{REPORT_FILE} extends {info.get('extends')!r}; expected [“{MODULE_URL}”].")


@check("723", layer="package", source=SECONDARY, zip_only=True,
       title="parameters.csv has the header “name,value”")
def parameters_header(check, package):
    rows = package.parameter_rows
    if rows and tuple(rows[0]) != PARAMETERS_HEADER:
        yield package.failure(
            check, None, None, None,
            f"parameters.csv starts with “{','.join(rows[0])}”; expected “name,value”.")


@check("320", layer="package", source=SECONDARY,
       title="refPeriod is present, a valid date, and equal to the date in the package name")
def ref_period(check, package):
    if package.parameters is None:
        return
    value = package.parameters.get("refPeriod", "")
    if not value:
        yield package.failure(check, None, None, None, "The parameter refPeriod is missing.")
        return
    if parse_date(value) is None:
        yield package.failure(check, None, None, None,
                              f"refPeriod “{value}” is not a valid yyyy-mm-dd date.")
        return
    parts = _name_parts(package)
    if parts and parts["ref_date"] != value:
        yield package.failure(
            check, None, None, None,
            f"refPeriod “{value}” differs from the reference date “{parts['ref_date']}” in the "
            "package name.")


@check("514", layer="package", source=SECONDARY,
       title="entityID reads rs:{LEI}.CON or rs:{LEI}.IND")
def entity_id_format(check, package):
    if package.parameters is None:
        return
    value = package.parameters.get("entityID", "")
    if not value:
        yield package.failure(check, None, None, None, "The parameter entityID is missing.")
    elif not _ENTITY_ID.match(value):
        yield package.failure(
            check, None, None, None,
            f"entityID “{value}” must read rs:{{LEI}}.CON (consolidated) or rs:{{LEI}}.IND "
            "(individual).")


@check("714", layer="package", source=SECONDARY, zip_only=True,
       title="entityID matches the LEI and CON/IND of the package name")
def entity_id_matches_name(check, package):
    parts = _name_parts(package)
    value = (package.parameters or {}).get("entityID", "")
    if parts and value and value != f"rs:{parts['lei']}.{parts['scope']}":
        yield package.failure(
            check, None, None, None,
            f"entityID “{value}” differs from the package name's "
            f"“rs:{parts['lei']}.{parts['scope']}”.")


@check("T-PARAM", layer="package", source=OWN,
       title="Parameters are known, given once, with a valid base currency and decimals")
def other_parameters(check, package):
    if package.parameters is None:
        return
    names = [row[0] for row in (package.parameter_rows or [])[1:] if row]
    for name in dict.fromkeys(names):
        if names.count(name) > 1:
            yield package.failure(check, None, None, None,
                                  f"The parameter {name} is given more than once.")
    for name in package.parameters:
        if name not in PARAMETER_NAMES:
            yield package.failure(check, None, None, None, f"Unknown parameter “{name}”.",
                                  severity=WARNING)
    currency = package.parameters.get("baseCurrency", "")
    if not currency.startswith("iso4217:") or currency[8:] not in currency_codes():
        yield package.failure(
            check, None, None, None,
            f"baseCurrency “{currency}” must be iso4217: and an ISO 4217 code, e.g. iso4217:EUR.")
    for name in ("decimalsInteger", "decimalsMonetary"):
        value = package.parameters.get(name, "")
        if not re.fullmatch(r"-?\d+", value):
            yield package.failure(check, None, None, None,
                                  f"{name} “{value}” must be a whole number, e.g. 0 or -3.")


@check("T-LEI-ENTITY", layer="package", source=OWN, verified=True,
       title="The LEI in entityID is a valid ISO 17442 LEI")
def entity_id_lei(check, package):
    match = _ENTITY_ID.match((package.parameters or {}).get("entityID", ""))
    problem = lei_problem(match["lei"]) if match else None
    if problem:
        yield package.failure(check, None, None, None,
                              f"entityID LEI “{match['lei']}”: {problem}")


def _indicator_rows(package):
    rows = package.filing_indicator_rows
    return rows[1:] if rows else []


@check("702", layer="package", source=SECONDARY, zip_only=True,
       title="FilingIndicators.csv has the header “templateID,reported”")
def filing_indicators_header(check, package):
    rows = package.filing_indicator_rows
    if rows and tuple(rows[0]) != FILING_INDICATORS_HEADER:
        yield package.failure(
            check, None, None, None,
            f"FilingIndicators.csv starts with “{','.join(rows[0])}”; expected "
            "“templateID,reported”.")


@check("510", layer="package", source=SECONDARY, zip_only=True,
       title="Every filing indicator names a DORA template (e.g. B_01.01)")
def filing_indicator_templates(check, package):
    for number, row in enumerate(_indicator_rows(package), start=1):
        template = row[0] if row else ""
        if template not in TEMPLATES:
            yield package.failure(
                check, None, None, None,
                f"FilingIndicators.csv line {number + 1}: “{template}” is not a DORA template "
                "code (B_01.01 … B_99.01, upper case).")


@check("703", layer="package", source=SECONDARY, zip_only=True,
       title="Each template appears once in FilingIndicators.csv")
def filing_indicator_once(check, package):
    seen = set()
    for row in _indicator_rows(package):
        if row and row[0] in seen:
            yield package.failure(check, row[0], None, None,
                                  f"{row[0]} appears more than once in FilingIndicators.csv.")
        seen.add(row[0] if row else "")


@check("704", layer="package", source=SECONDARY, zip_only=True,
       title="Filing indicator values are true or false")
def filing_indicator_values(check, package):
    for number, row in enumerate(_indicator_rows(package), start=1):
        value = row[1] if len(row) > 1 else ""
        if value not in _TRUE_VALUES + _FALSE_VALUES:
            yield package.failure(
                check, row[0] if row else None, None, None,
                f"FilingIndicators.csv line {number + 1}: reported “{value}” must be true or "
                "false.")


@check("705", layer="package", source=SECONDARY, zip_only=True,
       title="Every template has a filing indicator")
def filing_indicator_every_template(check, package):
    if package.filing_indicator_rows is None:
        return
    present = {row[0] for row in _indicator_rows(package) if row}
    for template in TEMPLATES:
        if template not in present:
            yield package.failure(check, template, None, None,
                                  f"{template} has no line in FilingIndicators.csv.")


@check("808", layer="package", source=SECONDARY, zip_only=True,
       title="Every template is reported (true) and has its table file")
def filing_indicator_reported(check, package):
    if not package.root_folders:
        return
    for row in _indicator_rows(package):
        if len(row) > 1 and row[0] in TEMPLATES and row[1] in _FALSE_VALUES:
            yield package.failure(
                check, row[0], None, None,
                f"{row[0]} is reported “{row[1]}”; report every template as true and send a "
                "table without data as a file holding only its header.")
    for template in TEMPLATES.values():
        if template.code not in package.tables:
            yield package.failure(check, template.code, None, None,
                                  f"reports/{template.file_name} is missing.")


@check("720", layer="package", source=SECONDARY, zip_only=True,
       title="Only the known files: META-INF, report.json, parameters, indicators, 15 tables")
def known_files(check, package):
    known = {META_INF_FILE, REPORT_FILE, PARAMETERS_FILE, FILING_INDICATORS_FILE}
    known |= {f"reports/{file_name}" for file_name in TEMPLATES_BY_FILE_NAME}
    for path in package.files:
        if path not in known:
            hint = (" (table file names are lower case)"
                    if f"reports/{path.rpartition('/')[2].lower()}" in known else "")
            yield package.failure(check, None, None, None,
                                  f"Unexpected file “{path}” in the package{hint}.")


@check("724", layer="package", source=SECONDARY,
       title="At least one table holds data")
def not_empty(check, package):
    if package.zip_error or (package.from_zip and not package.tables):
        return
    if not any(package.tables.values()):
        yield package.failure(check, None, None, None,
                              "No table holds any data: an empty register cannot be filed.")


def reference_date(package) -> date | None:
    """The register's reference date: refPeriod, else the date in the package name."""
    value = (package.parameters or {}).get("refPeriod")
    parsed = parse_date(value) if value else None
    if parsed is None:
        parts = _name_parts(package)
        parsed = parse_date(parts["ref_date"]) if parts else None
    return parsed
