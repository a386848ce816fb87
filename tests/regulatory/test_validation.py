"""The DORA register validator: one failing case per registered check, and the valid round trip.

The passing case of every rule is the valid package (`roi_valid_tables`), which must produce
no failure at all; each case below breaks exactly one thing and names the check it expects.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import pytest

from tests.regulatory.conftest import (
    ENTITY_LEI,
    TODAY,
    VALID_NAME,
    roi_package_files,
    roi_valid_parameters,
    roi_valid_tables,
    roi_zip,
)
from tether.registry.validators import lei_with_check_digits
from tether.regulatory.validation import (
    CHECKS,
    ERROR,
    WARNING,
    has_errors,
    validate_package,
    validate_tables,
)

OTHER_LEI = lei_with_check_digits("529900OTHERENTITY0")
BAD_LEI = ENTITY_LEI[:-2] + ("00" if ENTITY_LEI[-2:] != "00" else "01")


@dataclass
class Case:
    """A valid package with one thing broken, and where the failure must be reported."""

    expected: str  # the failure's check code (807 failures carry R1–R22)
    tables: Callable[[dict], None] | None = None
    params: Callable[[dict], None] | None = None
    files: Callable[[dict], None] | None = None
    name: str = VALID_NAME
    file_name: str | None = None
    today: date = TODAY
    raw: bytes | None = None
    in_memory: bool = False
    where: tuple = field(default=())  # (template, row, column) of the failure, when precise

    def run(self):
        tables, params = roi_valid_tables(), roi_valid_parameters()
        if self.tables:
            self.tables(tables)
        if self.params:
            self.params(params)
        if self.in_memory:
            return validate_tables(tables, parameters=params, today=self.today)
        files = roi_package_files(tables, params, self.name)
        if self.files:
            self.files(files)
        data = self.raw if self.raw is not None else roi_zip(files)
        return validate_package(data, file_name=self.file_name or f"{self.name}.zip",
                                today=self.today)


def member(files: dict, suffix: str) -> str:
    return next(path for path in files if path.endswith(suffix))


def edit_text(suffix: str, old: str, new: str, count: int = -1):
    def edit(files):
        path = member(files, suffix)
        text = files[path].decode()
        assert old in text
        files[path] = text.replace(old, new, count).encode()
    return edit


def set_value(template, row, column, value):
    def edit(tables):
        tables[template][row - 1][column] = value
    return edit


def set_param(name, value):
    def edit(params):
        params[name] = value
    return edit


def drop(suffix):
    def edit(files):
        del files[member(files, suffix)]
    return edit


def add_file(path, data=b"x"):
    def edit(files):
        files[f"{VALID_NAME}/{path}"] = data
    return edit


def other_entity(tables):
    tables["B_01.01"][0]["c0010"] = OTHER_LEI


def second_entity_row(tables):
    tables["B_01.01"].append(dict(tables["B_01.01"][0], c0010=OTHER_LEI))


def duplicate_provider(tables):
    tables["B_05.01"].append(dict(tables["B_05.01"][0]))


def unused_arrangement(tables):
    tables["B_02.01"].append(dict(tables["B_02.01"][0], c0010="ARR-3", c0020="eba_CO:x1"))


def empty_all(tables):
    for rows in tables.values():
        rows.clear()


def unknown_template(tables):
    tables["B_08.01"] = [{"c0010": "x"}]


def latin1_cell(files):
    path = member(files, "b_99.01.csv")
    files[path] = files[path].replace(b"Definition 1,", "Définition 1,".encode("latin-1"))


def huge_cell(files):
    path = member(files, "b_99.01.csv")
    files[path] = files[path] + b"x" * 200_000 + b"\n"


CASES = {
    "T-ZIP": Case("T-ZIP", raw=b"PK\x03\x04 this is not really a zip"),
    "103": Case("103", file_name=VALID_NAME[:-3] + "999.zip"),
    "104": Case("104", files=add_file("reports/notes (1).txt")),
    "105": Case("105", name="register-of-information"),
    "106": Case("106", name=VALID_NAME.replace("DORA010100", "DORA010000")),
    "109": Case("109", name=VALID_NAME.replace("2025-03-31", "2025-02-30")),
    "111": Case("111", today=date(2025, 3, 30)),
    "306": Case("306", files=latin1_cell),
    "T-CSV": Case("T-CSV", files=huge_cell),
    "701": Case("701", files=drop("reports/parameters.csv")),
    "505": Case("505", files=edit_text("report.json", "dora/4.0", "dora/3.5")),
    "723": Case("723", files=edit_text("parameters.csv", "name,value", "key,value")),
    "320": Case("320", params=set_param("refPeriod", "2025-03-30")),
    "514": Case("514", params=set_param("entityID", ENTITY_LEI)),
    "714": Case("714", params=set_param("entityID", f"rs:{ENTITY_LEI}.IND")),
    "T-PARAM": Case("T-PARAM", params=set_param("baseCurrency", "EUR")),
    "T-LEI-ENTITY": Case("T-LEI-ENTITY", params=set_param("entityID", f"rs:{BAD_LEI}.CON")),
    "702": Case("702", files=edit_text("FilingIndicators.csv", "templateID", "template")),
    "510": Case("510", files=edit_text("FilingIndicators.csv", "B_01.01,", "b_01.01,")),
    "703": Case("703", files=edit_text("FilingIndicators.csv", "B_99.01,true",
                                       "B_99.01,true\nB_99.01,true")),
    "704": Case("704", files=edit_text("FilingIndicators.csv", "B_99.01,true", "B_99.01,yes")),
    "705": Case("705", files=edit_text("FilingIndicators.csv", "B_99.01,true\n", "")),
    "808": Case("808", files=edit_text("FilingIndicators.csv", "B_99.01,true", "B_99.01,false"),
                where=("B_99.01", None, None)),
    "720": Case("720", files=add_file("reports/B_01.01.csv")),
    "724": Case("724", tables=empty_all),
    "T-TEMPLATE": Case("T-TEMPLATE", tables=unknown_template, in_memory=True),
    "801": Case("801", files=edit_text("b_01.01.csv", "c0060", "c0061"),
                where=("B_01.01", None, "c0061")),
    "802": Case("802", files=edit_text("b_01.01.csv", "c0060\n", "c0060,c0060\n"),
                where=("B_01.01", None, "c0060")),
    "T-KEY-COLUMNS": Case("T-KEY-COLUMNS", files=edit_text("b_06.01.csv", "c0040", "c0041", 1),
                          where=("B_06.01", None, "c0040")),
    "809": Case("809", files=edit_text("b_01.03.csv", "DE\n", "DE,extra\n"),
                where=("B_01.03", 1, None)),
    "805": Case("805", tables=set_value("B_04.01", 1, "c0040", ""),
                where=("B_04.01", 1, "c0040")),
    "806": Case("806", tables=duplicate_provider, where=("B_05.01", 2, None)),
    "807": Case("R22", tables=set_value("B_07.01", 1, "c0020", "UNKNOWN-PROVIDER"),
                where=("B_07.01", 1, "c0020")),
    "T-MANDATORY": Case("T-MANDATORY", tables=set_value("B_05.01", 1, "c0050", ""),
                        where=("B_05.01", 1, "c0050")),
    "T-CODE": Case("T-CODE", tables=set_value("B_02.02", 2, "c0060", "S01"),
                   where=("B_02.02", 2, "c0060")),
    "T-COUNTRY": Case("T-COUNTRY", tables=set_value("B_01.01", 1, "c0030", "eba_GA:XX"),
                      where=("B_01.01", 1, "c0030")),
    "T-CURRENCY": Case("T-CURRENCY", tables=set_value("B_02.01", 1, "c0040", "eba_CU:EURO"),
                       where=("B_02.01", 1, "c0040")),
    "T-LEI": Case("T-LEI", tables=set_value("B_01.03", 1, "c0020", BAD_LEI),
                  where=("B_01.03", 1, "c0020")),
    "330": Case("330", tables=set_value("B_07.01", 1, "c0070", "01/11/2024"),
                where=("B_07.01", 1, "c0070")),
    "331": Case("331", tables=set_value("B_02.02", 1, "c0100", "90 days"),
                where=("B_02.02", 1, "c0100")),
    "305": Case("305", tables=set_value("B_02.01", 1, "c0050", "120,000"),
                where=("B_02.01", 1, "c0050")),
    "T-BOOLEAN": Case("T-BOOLEAN", tables=set_value("B_03.01", 1, "c0030", "yes"),
                      where=("B_03.01", 1, "c0030")),
    "T-IDTYPE": Case("T-IDTYPE", tables=set_value("B_05.01", 1, "c0030", OTHER_LEI),
                     where=("B_05.01", 1, "c0040")),
    "B-ONE-ENTITY": Case("B-ONE-ENTITY", tables=second_entity_row),
    "B-ENTITY-LISTED": Case("B-ENTITY-LISTED", tables=other_entity,
                            where=("B_01.01", 1, "c0010")),
    "B-ENTITY-ID": Case("B-ENTITY-ID", tables=other_entity, where=("B_01.01", 1, "c0010")),
    "B-END-AFTER-START": Case("B-END-AFTER-START",
                              tables=set_value("B_02.02", 1, "c0080", "2023-12-31"),
                              where=("B_02.02", 1, "c0080")),
    "B-DELETION-AFTER-INTEGRATION": Case(
        "B-DELETION-AFTER-INTEGRATION", tables=set_value("B_01.02", 1, "c0090", "2024-11-30"),
        where=("B_01.02", 1, "c0090")),
    "B-UPDATE-AFTER-INTEGRATION": Case(
        "B-UPDATE-AFTER-INTEGRATION", tables=set_value("B_01.02", 1, "c0070", "2024-11-30"),
        where=("B_01.02", 1, "c0070")),
    "B-NOT-AFTER-REFERENCE": Case("B-NOT-AFTER-REFERENCE",
                                  tables=set_value("B_06.01", 1, "c0070", "2025-04-01"),
                                  where=("B_06.01", 1, "c0070")),
    "B-REASON-NOT-SUBSTITUTABLE": Case("B-REASON-NOT-SUBSTITUTABLE",
                                       tables=set_value("B_07.01", 1, "c0060", ""),
                                       where=("B_07.01", 1, "c0060")),
    "B-OVERARCHING": Case("B-OVERARCHING", tables=set_value("B_02.01", 2, "c0030", ""),
                          where=("B_02.01", 2, "c0030")),
    "B-RANK": Case("B-RANK", tables=set_value("B_05.02", 1, "c0050", "0"),
                   where=("B_05.02", 1, "c0050")),
    "B-ARRANGEMENT-USED": Case("B-ARRANGEMENT-USED", tables=unused_arrangement,
                               where=("B_02.01", 3, "c0010")),
}


def test_every_registered_check_has_a_failing_case():
    assert set(CASES) == {registered.code for registered in CHECKS}


def test_checks_are_registered_once_in_layer_order():
    codes = [registered.code for registered in CHECKS]
    assert len(codes) == len(set(codes))
    layers = [registered.layer for registered in CHECKS]
    order = ["package", "structure", "keys", "values", "business"]
    assert layers == sorted(layers, key=order.index)
    assert all(registered.severity in (ERROR, WARNING) for registered in CHECKS)


def test_the_valid_package_passes_every_check():
    assert validate_package(roi_zip(roi_package_files()), file_name=f"{VALID_NAME}.zip",
                            today=TODAY) == []


def test_the_valid_tables_pass_in_memory():
    assert validate_tables(roi_valid_tables(), parameters=roi_valid_parameters(),
                           today=TODAY) == []


def test_a_package_path_is_read_with_its_name(tmp_path):
    path = tmp_path / f"{VALID_NAME}.zip"
    path.write_bytes(roi_zip(roi_package_files()))
    assert validate_package(path, today=TODAY) == []
    assert validate_package(str(path), today=TODAY) == []
    renamed = tmp_path / "register.zip"
    renamed.write_bytes(path.read_bytes())
    assert {"103", "105"} <= {failure.check for failure in validate_package(renamed,
                                                                            today=TODAY)}


@pytest.mark.parametrize("code", list(CASES))
def test_each_check_reports_its_failing_case(code):
    case = CASES[code]
    failures = case.run()
    found = [failure for failure in failures if failure.check == case.expected]
    assert found, f"{code} not reported; got {[str(failure) for failure in failures]}"
    registered = next(registered for registered in CHECKS if registered.code == code)
    failure = found[0]
    assert failure.message
    if registered.code not in ("T-PARAM",):
        assert failure.severity == registered.severity
    if case.where:
        assert (failure.template, failure.row, failure.column) == case.where
    if failure.row is not None:
        assert failure.key is not None


def test_failures_carry_the_row_key_to_find_the_object():
    failures = CASES["T-CODE"].run()
    (failure,) = failures
    assert failure.key == ("ARR-2", ENTITY_LEI, failure.key[2], "F1", "S01", "eba_GA:FR",
                           "eba_GA:FR", "eba_GA:DE")
    assert "eba_TA:S01" in failure.message  # tells what to write instead
    assert str(failure).startswith("[T-CODE error] B_02.02 row 2 c0060: “S01” lacks its prefix")


@pytest.mark.parametrize(("raw", "expected"), [
    (b"", "T-ZIP"),
    (b"not a zip", "T-ZIP"),
    (b"PK\x05\x06" + b"\x00" * 18, "103"),  # a readable zip holding nothing
], ids=["empty", "garbage", "empty-archive"])
def test_unreadable_input_is_one_failure_not_an_exception(raw, expected):
    failures = validate_package(raw, file_name=f"{VALID_NAME}.zip", today=TODAY)
    assert [failure.check for failure in failures] == [expected]
    assert has_errors(failures)


@pytest.mark.parametrize("source", [5, None, 3.5])
def test_a_source_that_is_no_file_is_a_failure(source):
    failures = validate_package(source, today=TODAY)
    assert [failure.check for failure in failures] == ["T-ZIP"]
    assert "Expected a zip file" in failures[0].message


def test_a_binary_file_object_is_read(tmp_path):
    path = tmp_path / "package.zip"
    path.write_bytes(roi_zip(roi_package_files()))
    with path.open("rb") as handle:
        assert validate_package(handle, file_name=f"{VALID_NAME}.zip", today=TODAY) == []


def test_a_corrupt_member_is_a_failure():
    data = bytearray(roi_zip(roi_package_files()))
    marker = data.index(b"b_99.01.csv") + len(b"b_99.01.csv")  # inside its local header's data
    data[marker + 5] ^= 0xFF
    failures = validate_package(bytes(data), file_name=f"{VALID_NAME}.zip", today=TODAY)
    (failure,) = [failure for failure in failures if failure.check == "T-CSV"]
    assert "b_99.01.csv cannot be unpacked" in failure.message
    assert "T-INTERNAL" not in {failure.check for failure in failures}


def test_a_missing_file_path_is_a_failure(tmp_path):
    failures = validate_package(tmp_path / "absent.zip", today=TODAY)
    assert [failure.check for failure in failures] == ["T-ZIP"]
    assert "cannot be opened" in failures[0].message


def test_files_outside_a_root_folder_are_reported():
    files = {path.split("/", 1)[1]: data for path, data in roi_package_files().items()}
    failures = validate_package(roi_zip(files), file_name=f"{VALID_NAME}.zip", today=TODAY)
    assert any(failure.check == "103" and "root folder" in failure.message
               for failure in failures)


def test_a_short_row_is_padded_so_later_checks_still_run():
    case = Case("809", files=edit_text("b_01.03.csv", ",eba_GA:DE\n", "\n"))
    failures = case.run()
    ragged = [failure for failure in failures if failure.check == "809"]
    assert ragged[0].message == "The row has 3 cells; the header has 4."
    assert any(failure.check == "T-MANDATORY" and failure.column == "c0040"
               for failure in failures)


def test_a_non_utf8_file_is_reported_and_still_read():
    failures = CASES["306"].run()
    assert [failure.check for failure in failures] == ["306"]
    assert "b_99.01.csv" in failures[0].message


def test_a_check_that_breaks_is_reported_and_the_others_still_run():
    def broken(check, package):
        raise RuntimeError("bug")

    index = next(i for i, registered in enumerate(CHECKS) if registered.code == "T-LEI")
    original = CHECKS[index]
    CHECKS[index] = replace(original, run=broken)
    try:
        failures = CASES["T-COUNTRY"].run()
    finally:
        CHECKS[index] = original
    assert {failure.check for failure in failures} == {"T-INTERNAL", "T-COUNTRY"}
    assert "T-LEI could not run" in next(f.message for f in failures if f.check == "T-INTERNAL")


@pytest.mark.parametrize(("edit", "why"), [
    (edit_text("FilingIndicators.csv", ",true", ",1"), "indicators may read 1/0"),
    (edit_text("b_01.01.csv", "c0010", "\ufeffc0010", 1), "a byte-order mark is tolerated"),
    (edit_text("b_02.02.csv", "\n", "\r\n"), "CRLF line ends"),
], ids=["indicator-1", "bom", "crlf"])
def test_tolerated_variants_pass(edit, why):
    files = roi_package_files()
    edit(files)
    assert validate_package(roi_zip(files), file_name=f"{VALID_NAME}.zip", today=TODAY) == [], why
