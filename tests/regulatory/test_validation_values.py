"""Value and consistency checks in detail, in-memory input, the EBA sample, and speed."""

import re
import time
from pathlib import Path

import pytest

from tests.regulatory.conftest import (
    ENTITY_LEI,
    PROVIDER_LEI,
    TODAY,
    roi_valid_parameters,
    roi_valid_tables,
)
from tether.regulatory.definitions import TEMPLATES
from tether.regulatory.validation import CHECKS, validate_package, validate_tables

SAMPLE_DIR = Path("/work/shared/regulatory/eba_sample_package")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "dora-validation.md"


def failures_after(template, row, column, value, **kwargs):
    tables = roi_valid_tables()
    tables[template][row - 1][column] = value
    return validate_tables(tables, parameters=roi_valid_parameters(), today=TODAY, **kwargs)


def checks_of(failures):
    return sorted({failure.check for failure in failures})


@pytest.mark.parametrize(("template", "row", "column", "value"), [
    ("B_02.02", 1, "c0150", "eba_GA:qx2007"),  # "not applicable" in a key country column
    ("B_02.02", 1, "c0120", "eba_GA:x28"),  # other countries
    ("B_02.02", 1, "c0120", ""),  # optional
    ("B_01.02", 1, "c0100", "eba_CU:x46"),  # other currency
    ("B_05.01", 1, "c0090", "eba_CU:CHF"),
    ("B_02.01", 1, "c0050", "0"),
    ("B_02.01", 1, "c0050", "-1250.75"),
    ("B_02.02", 1, "c0100", "0"),
    ("B_02.02", 1, "c0080", "9999-12-31"),
    ("B_01.02", 1, "c0090", "2025-01-31"),
    ("B_07.01", 1, "c0050", "eba_ZZ:x962"),  # easily substitutable
    ("B_07.01", 1, "c0060", ""),  # …only then may the reason be empty (with x962 above: next)
    ("B_03.03", 1, "c0031", "false"),
    ("B_05.02", 1, "c0050", "3"),
    ("B_01.02", 1, "c0040", "eba_CT:x317"),  # non-financial types are fine in B_01.02
], ids=lambda value: str(value))
def test_accepted_values(template, row, column, value):
    tables = roi_valid_tables()
    tables[template][row - 1][column] = value
    if (template, column) == ("B_07.01", "c0060"):
        tables["B_07.01"][0]["c0050"] = "eba_ZZ:x962"
    assert validate_tables(tables, parameters=roi_valid_parameters(), today=TODAY) == []


@pytest.mark.parametrize(("template", "column", "value", "check", "says"), [
    ("B_01.03", "c0020", ENTITY_LEI.lower(), "T-LEI", "only upper-case letters"),
    ("B_01.03", "c0020", ENTITY_LEI[:19], "T-LEI", "20 characters, this one has 19"),
    ("B_01.03", "c0020", ENTITY_LEI[:18] + "99", "T-LEI", "check digits are wrong"),
    ("B_02.02", "c0070", "2025-02-30", "330", "yyyy-mm-dd"),
    ("B_02.02", "c0070", "2025-2-3", "330", "yyyy-mm-dd"),
    ("B_02.02", "c0070", "20250101", "330", "yyyy-mm-dd"),
    ("B_02.01", "c0050", "1.000,50", "305", "plain number"),
    ("B_02.01", "c0050", "€100", "305", "plain number"),
    ("B_02.01", "c0050", "1e5", "305", "plain number"),
    ("B_06.01", "c0080", "1.5", "331", "whole number"),
    ("B_01.01", "c0030", "FR", "T-COUNTRY", "write “eba_GA:FR”"),
    ("B_01.01", "c0030", "eba_GA:fr", "T-COUNTRY", "ISO 3166"),
    ("B_01.02", "c0100", "EUR", "T-CURRENCY", "write “eba_CU:EUR”"),
    ("B_01.01", "c0040", "eba_CT:x317", "T-CODE", "not allowed"),
    ("B_02.02", "c0060", "eba_TA:S99", "T-CODE", "not a value of the list"),
    ("B_07.01", "c0110", "true", "T-CODE", "not a value of the list"),
    ("B_03.02", "c0030", "eba_qCO:qx2001", "T-IDTYPE", "is an LEI"),
    ("B_03.02", "c0020", "NOT-AN-LEI", "T-IDTYPE", "typed LEI"),
])
def test_rejected_values_are_named_with_what_is_wrong(template, column, value, check, says):
    failures = failures_after(template, 1, column, value)
    found = [failure for failure in failures if failure.check == check]
    assert found, [str(failure) for failure in failures]
    assert says in found[0].message
    assert found[0].template == template and found[0].row == 1


def test_an_empty_deletion_date_hints_at_the_open_ended_date():
    failures = failures_after("B_01.02", 1, "c0090", "")
    assert [failure.message for failure in failures] == [
        "Date of deletion in the Register of information (c0090) is empty; the EBA expects a "
        "value (9999-12-31 when there is none)."]


def test_an_empty_optional_link_is_not_a_broken_link():
    # ARR-1 is standalone: no overarching arrangement (R13); B_01.02 c0060 may be empty (R6).
    tables = roi_valid_tables()
    assert tables["B_02.01"][0]["c0030"] == ""
    tables["B_01.02"][0]["c0060"] = ""
    failures = validate_tables(tables, parameters=roi_valid_parameters(), today=TODAY)
    assert checks_of(failures) == ["T-MANDATORY"]  # the EBA expects the parent, as a warning
    assert failures[0].severity == "warning"


def test_a_composite_link_needs_both_values_in_one_parent_row():
    tables = roi_valid_tables()
    tables["B_06.01"].append(dict(tables["B_06.01"][0], c0010="F2", c0040=PROVIDER_LEI))
    tables["B_02.02"][0]["c0050"] = "F2"  # F2 exists, but for another LEI
    failures = validate_tables(tables, parameters=roi_valid_parameters(), today=TODAY)
    r7 = [failure for failure in failures if failure.check == "R7"]
    assert len(r7) == 1
    assert r7[0].message.startswith(f"R7: {ENTITY_LEI} + F2 (c0020, c0050) is not in B_06.01")


def test_in_memory_values_of_other_types_are_read_as_text():
    tables = roi_valid_tables()
    tables["B_02.01"][0]["c0050"] = 120000
    tables["B_05.02"][0]["c0050"] = 1
    tables["B_05.01"][0]["c0050"] = None
    del tables["B_06.01"][0]["c0060"]  # an optional column left out of one row
    failures = validate_tables(tables, parameters=roi_valid_parameters(), today=TODAY)
    assert [(failure.check, failure.template, failure.column) for failure in failures] == [
        ("T-MANDATORY", "B_05.01", "c0050")]


@pytest.mark.parametrize(("tables", "says"), [
    ([], "not a mapping"),
    ({"B_01.01": "oops"}, "rows are not a list"),
    ({"B_01.01": [["a", "b"]]}, "row 1 is a list"),
])
def test_malformed_in_memory_input_is_a_failure(tables, says):
    failures = validate_tables(tables, parameters=roi_valid_parameters(), today=TODAY)
    assert any(failure.check == "T-CSV" and says in failure.message for failure in failures)


def test_without_parameters_the_parameter_checks_are_skipped():
    assert validate_tables(roi_valid_tables(), today=TODAY) == []


def test_parameters_are_checked_in_memory():
    params = roi_valid_parameters() | {"refPeriod": "31/03/2025", "decimalsMonetary": "k"}
    failures = validate_tables(roi_valid_tables(), parameters=params, today=TODAY)
    assert checks_of(failures) == ["320", "T-PARAM"]


def _sample_zip() -> Path:
    zips = sorted(SAMPLE_DIR.glob("DUMMYLEI*.zip"))
    if not zips:
        pytest.skip("the EBA sample package is not available here")
    return zips[0]


def test_the_eba_sample_package_passes_structure_and_fails_on_its_random_values():
    failures = validate_package(_sample_zip())
    codes = checks_of(failures)
    layer = {registered.code: registered.layer for registered in CHECKS}
    # Its layout, names, metadata, headers and keys are right…
    structural = [code for code in codes if layer.get(code) in ("package", "structure")]
    assert structural == ["T-LEI-ENTITY"]  # DUMMYLEI123456789012 has no valid check digits
    assert not {"805", "806", "809"} & set(codes)
    # …its values are random: bad LEIs, unprefixed ICT service types, broken links.
    assert {"T-LEI", "T-IDTYPE", "T-CODE", "B-END-AFTER-START"} <= set(codes)
    assert {f"R{n}" for n in range(1, 23)} <= set(codes)
    unprefixed = [failure for failure in failures if failure.check == "T-CODE"]
    assert [(failure.template, failure.column) for failure in unprefixed] == [
        ("B_02.02", "c0060"), ("B_05.02", "c0020"), ("B_07.01", "c0040")]
    assert all("write “eba_TA:S01”" in failure.message for failure in unprefixed)


def test_the_xbridge_conversion_of_the_sample_is_read_too():
    path = SAMPLE_DIR / "xbridge_generated_plaincsv_from_test1_in.zip"
    if not path.exists():
        pytest.skip("the converted sample is not available here")
    failures = validate_package(path)
    codes = set(checks_of(failures))
    assert "105" in codes  # its root folder "test1_in" is not a package name
    assert "T-CODE" not in codes  # it writes eba_TA:S01 with its prefix


def test_a_large_register_is_validated_quickly():
    tables = roi_valid_tables()
    count = 25_000
    for template, column in (("B_02.01", "c0010"), ("B_02.02", "c0010"), ("B_03.02", "c0010"),
                             ("B_04.01", "c0010"), ("B_07.01", "c0010")):
        first = tables[template][0]
        tables[template] += [dict(first, **{column: f"A{n}"}) for n in range(count)]
    started = time.perf_counter()
    failures = validate_tables(tables, parameters=roi_valid_parameters(), today=TODAY)
    elapsed = time.perf_counter() - started
    assert failures == []
    assert elapsed < 10, f"{5 * count} rows took {elapsed:.1f} s"


def test_every_check_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE))
    assert {registered.code for registered in CHECKS} <= documented
    assert len(TEMPLATES) == 15
