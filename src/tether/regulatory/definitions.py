"""The templates of the DORA register of information and the EBA plain-csv package around them.

Templates, columns and links R1–R22 are read from `data/columns.csv` and
`data/foreign_keys.csv` (sources in docs/dora-validation.md); what the data files do not say
(the kind of value a column holds, which column gives an identifier's type) is declared here.
Pure data: no Django models, so the package builder and the validator share one definition.
"""

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from tether.regulatory import codelists

DATA = Path(__file__).parent / "data"

# The DORA module in force since the reference date 2025-03-31 (DPM module version 1.1.0) and
# the xBRL-CSV entry point its reports extend, as in the EBA sample package.
MODULE_CODE = "DORA010100"
FRAMEWORK_CODE = "DORA"
MODULE_URL = "http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json"
REPORT_PACKAGE_DOCUMENT_TYPE = "https://xbrl.org/report-package/2023"
REPORT_DOCUMENT_TYPE = "https://xbrl.org/2021/xbrl-csv"
REPORT_PACKAGE_JSON = {"documentInfo": {"documentType": REPORT_PACKAGE_DOCUMENT_TYPE}}
REPORT_JSON = {"documentInfo": {"documentType": REPORT_DOCUMENT_TYPE, "extends": [MODULE_URL]}}

META_INF_FILE = "META-INF/reportPackage.json"
REPORT_FILE = "reports/report.json"
PARAMETERS_FILE = "reports/parameters.csv"
FILING_INDICATORS_FILE = "reports/FilingIndicators.csv"
PARAMETERS_HEADER = ("name", "value")
FILING_INDICATORS_HEADER = ("templateID", "reported")
PARAMETER_NAMES = ("entityID", "refPeriod", "baseCurrency", "decimalsInteger", "decimalsMonetary")
DECIMALS_INTEGER = "0"
DECIMALS_MONETARY = "-3"  # as in the EBA sample package

OPEN_ENDED_DATE = "9999-12-31"  # EBA convention for "no end date" / "not deleted"

KINDS = frozenset({
    "text", "date", "integer", "monetary", "code", "lei", "country", "currency",
    "identifier", "boolean",
})

# Identification codes of providers whose kind of code (LEI, EUID, VAT…) is given by another
# column of the same row: identifier column → its type column.
IDENTIFIER_TYPE_COLUMNS = {
    "B_02.02": {"c0030": "c0040"},
    "B_03.02": {"c0020": "c0030"},
    "B_05.01": {"c0010": "c0020", "c0030": "c0040", "c0110": "c0120"},
    "B_05.02": {"c0030": "c0040", "c0060": "c0070"},
    "B_07.01": {"c0020": "c0030"},
}

# Codes a column's list holds but that column may not take: the entity maintaining the
# register is a financial entity, so not one of the two non-financial types.
EXCLUDED_CODES = {"B_01.01.0040": codelists.NON_FINANCIAL_ENTITY_TYPES}

# The DPM concept (eba_met:xx1234) and key dimension prefixes that say what a value is.
_CONCEPT_KINDS = {"di": "date", "ii": "integer", "mi": "monetary"}
_LINK_CONCEPT = "eba_met:qAMI"  # the "Link" columns of B_02.03, B_03.01, B_03.03: true/false


@dataclass(frozen=True)
class Column:
    code: str
    datapoint: str
    label: str
    is_key: bool
    domain: str
    mandatory: bool
    kind: str
    code_list: str | None = None
    type_column: str | None = None
    excluded_codes: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Template:
    code: str
    title: str
    file_name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    def column(self, code: str) -> Column:
        for column in self.columns:
            if column.code == code:
                return column
        raise KeyError(f"{self.code} has no column {code}")

    @property
    def column_codes(self) -> tuple[str, ...]:
        return tuple(column.code for column in self.columns)


@dataclass(frozen=True)
class ForeignKey:
    name: str
    description: str
    child: str
    child_columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]


def _column_kind(row: dict[str, str]) -> str:
    domain = row["value_domain_prefix"]
    concept = row["xbridge_concept"]
    local_name = concept.rpartition(":")[2]
    if concept == _LINK_CONCEPT:
        return "boolean"
    if domain == "eba_GA":
        return "country"
    if domain == "eba_CU":
        return "currency"
    if domain:
        return "code"
    if row["label"].startswith("LEI "):
        return "lei"
    if row["template"] in IDENTIFIER_TYPE_COLUMNS and (
            row["column"] in IDENTIFIER_TYPE_COLUMNS[row["template"]]):
        return "identifier"
    # Key columns have no concept: their typed dimension (e.g. ii1713, the rank) says the type.
    prefix = (local_name or row["key_dimension"])[:2]
    return _CONCEPT_KINDS.get(prefix, "text")


def _code_lists_by_datapoint() -> dict[str, str]:
    lists: dict[str, str] = {}
    with (DATA / "code_lists.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for datapoint in row["used_in"].split(";"):
                if datapoint.startswith("B_"):
                    lists[datapoint] = row["list_id"]
    return lists


def _load_templates() -> dict[str, Template]:
    lists = _code_lists_by_datapoint()
    rows_by_template: dict[str, list[dict[str, str]]] = {}
    with (DATA / "columns.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows_by_template.setdefault(row["template"], []).append(row)
    templates = {}
    for code in sorted(rows_by_template):
        rows = sorted(rows_by_template[code], key=lambda row: row["column"])
        columns = []
        for row in rows:
            kind = _column_kind(row)
            datapoint = row["datapoint_code"]
            columns.append(Column(
                code=row["column"],
                datapoint=datapoint,
                label=" ".join(row["label"].split()),
                is_key=row["is_primary_key"] == "Y",
                domain=row["value_domain_prefix"],
                mandatory=row["eba_active_notnull_rule_2025_03_20"] == "Y",
                kind=kind,
                code_list=lists[datapoint] if kind == "code" else None,
                type_column=IDENTIFIER_TYPE_COLUMNS.get(code, {}).get(row["column"]),
                excluded_codes=EXCLUDED_CODES.get(datapoint, frozenset()),
            ))
        templates[code] = Template(
            code=code,
            title=rows[0]["template_title"],
            file_name=f"{code.lower()}.csv",
            columns=tuple(columns),
            key=tuple(column.code for column in columns if column.is_key),
        )
    return templates


def _unparenthesised(text: str) -> str:
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _load_foreign_keys() -> tuple[ForeignKey, ...]:
    with (DATA / "foreign_keys.csv").open(encoding="utf-8", newline="") as f:
        links = [
            ForeignKey(
                name=row["dpm_association"],
                description=_unparenthesised(row["dpm_name_paraphrase"]),
                child=row["child_template"],
                child_columns=tuple(row["child_columns"].split("+")),
                parent=row["parent_template"],
                parent_columns=tuple(row["parent_columns"].split("+")),
            )
            for row in csv.DictReader(f)
        ]
    return tuple(sorted(links, key=lambda link: int(link.name[1:])))


TEMPLATES: dict[str, Template] = _load_templates()
FOREIGN_KEYS: tuple[ForeignKey, ...] = _load_foreign_keys()
TEMPLATES_BY_FILE_NAME = {template.file_name: template for template in TEMPLATES.values()}


# {LEI}.{CON|IND}_{CC}_DORA010100_DORA_{yyyy-mm-dd}_{yyyyMMddHHmmssSSS}
PACKAGE_NAME_PATTERN = re.compile(
    r"(?P<lei>[A-Z0-9]{20})\.(?P<scope>CON|IND)_(?P<country>[A-Z]{2})_(?P<module>DORA\d{6})"
    r"_(?P<framework>DORA)_(?P<ref_date>\d{4}-\d{2}-\d{2})_(?P<created>\d{17})\Z"
)


def package_name(lei: str, consolidated: bool, country: str, ref_date: date,
                 created_at: datetime) -> str:
    """The package's file name without `.zip`, e.g.
    `DUMMYLEI123456789012.CON_FR_DORA010100_DORA_2024-12-31_20241210113351223`.

    `country` is the competent authority's ISO 3166 alpha-2 code; `created_at` is written to
    the millisecond, in the time zone it carries.
    """
    scope = "CON" if consolidated else "IND"
    created = created_at.strftime("%Y%m%d%H%M%S") + f"{created_at.microsecond // 1000:03d}"
    return (f"{lei.upper()}.{scope}_{country.upper()}_{MODULE_CODE}_{FRAMEWORK_CODE}_"
            f"{ref_date.isoformat()}_{created}")


def entity_id(lei: str, consolidated: bool) -> str:
    """The `entityID` parameter: `rs:{LEI}.CON` or `rs:{LEI}.IND`."""
    return f"rs:{lei.upper()}.{'CON' if consolidated else 'IND'}"


def parameters(lei: str, consolidated: bool, ref_date: date,
               base_currency: str = "EUR") -> dict[str, str]:
    """The rows of `parameters.csv`, in the order of the EBA sample package."""
    return {
        "entityID": entity_id(lei, consolidated),
        "refPeriod": ref_date.isoformat(),
        "baseCurrency": f"iso4217:{base_currency}",
        "decimalsInteger": DECIMALS_INTEGER,
        "decimalsMonetary": DECIMALS_MONETARY,
    }
