"""The closed lists of the DORA register of information, as the EBA codes them.

Kept as data (`data/code_lists.csv`, compiled from the EBA "list of possible values"; see
docs/dora.md for sources). Values are stored in Tether exactly as they are filed (`eba_TA:S01`,
`eba_CT:x12`), so the package writes them unchanged and the validator compares like with like.
Countries and currencies are open lists: `eba_GA:<ISO 3166 alpha-2>` and `eba_CU:<ISO 4217>`.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

ENTITY_TYPE = "LIST0101040_entity_type"
HIERARCHY = "LIST0102050_hierarchy"
ARRANGEMENT_TYPE = "LIST0201020_contractual_arrangement_type"
TERMINATION_REASON = "LIST0202090_termination_reason"
ICT_SERVICE_TYPE = "LISTANNEXIII_ict_service_type"
YES_NO = "LISTBINARY_yes_no"
DATA_SENSITIVENESS = "LIST0202170_data_sensitiveness"
RELIANCE = "LIST0202180_level_of_reliance"
CRITICALITY = "LIST0601050_criticality_assessment"
LICENCED_ACTIVITY = "LIST0601020_licenced_activity"
DISCONTINUING_IMPACT = "LIST0601100_impact_of_discontinuing"
NATURE_OF_ENTITY = "LIST0401030_nature_of_entity"
PERSON_TYPE = "LIST0501040_type_of_person"
SUBSTITUTABILITY = "LIST0701050_substitutability"
NOT_SUBSTITUTABLE_REASON = "LIST0701060_reason_not_substitutable"
REINTEGRATION = "LIST0701090_reintegration"
ALTERNATIVES_IDENTIFIED = "B_07.01.0110_alternative_providers_identified"
IDENTIFIER_TYPE = "LISTIDTYPE_identifier_type"

YES = "eba_BT:x28"
NO = "eba_BT:x29"
NOT_ASSESSED = "eba_BT:x21"
LEI_TYPE = "eba_qCO:qx2000"
NOT_APPLICABLE_COUNTRY = "eba_GA:qx2007"
OTHER_COUNTRY = "eba_GA:x28"
OTHER_CURRENCY = "eba_CU:x46"
BRANCH = "eba_ZZ:x838"
NOT_A_BRANCH = "eba_ZZ:x839"

# The entity types of B_01.01 exclude the two non-financial ones (they only appear in B_01.02).
NON_FINANCIAL_ENTITY_TYPES = frozenset({"eba_CT:x317", "eba_CT:x318"})


@dataclass(frozen=True)
class Code:
    qname: str
    label: str


@cache
def code_lists() -> dict[str, tuple[Code, ...]]:
    lists: dict[str, list[Code]] = {}
    with (DATA / "code_lists.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if "{" in row["qname"]:  # a pattern (eba_GA:{ISO3166-1 alpha-2}), not a value
                continue
            label = " ".join(row["label"].split())
            lists.setdefault(row["list_id"], []).append(Code(row["qname"], label))
    return {list_id: tuple(codes) for list_id, codes in lists.items()}


def codes(list_id: str) -> frozenset[str]:
    return frozenset(code.qname for code in code_lists()[list_id])


def choices(list_id: str, *, exclude=frozenset()) -> list[tuple[str, str]]:
    """Form and model choices: the EBA code is the stored value, its label the text shown."""
    return [(code.qname, code.label) for code in code_lists()[list_id]
            if code.qname not in exclude]


def label(list_id: str, qname: str) -> str:
    for code in code_lists()[list_id]:
        if code.qname == qname:
            return code.label
    return qname


@cache  # a register repeats a few dozen countries: one string each
def country(iso_code: str) -> str:
    """`FR` → `eba_GA:FR`; empty stays empty."""
    return f"eba_GA:{iso_code}" if iso_code else ""


@cache
def currency(iso_code: str) -> str:
    return f"eba_CU:{iso_code}" if iso_code else ""
