"""Builders of a small valid DORA register package, in memory and as a zip (validator tests)."""

import copy
import csv
import io
import json
import zipfile
from datetime import date, datetime

from tether.registry.validators import lei_with_check_digits
from tether.regulatory import codelists
from tether.regulatory.definitions import (
    FILING_INDICATORS_FILE,
    META_INF_FILE,
    PARAMETERS_FILE,
    REPORT_FILE,
    REPORT_JSON,
    REPORT_PACKAGE_JSON,
    TEMPLATES,
    package_name,
    parameters,
)

ENTITY_LEI = lei_with_check_digits("969500ALPHABANK000")
PROVIDER_LEI = lei_with_check_digits("5299000CLOUDPROV00")
REF_DATE = date(2025, 3, 31)
TODAY = date(2025, 4, 15)
CREATED_AT = datetime(2025, 4, 10, 9, 30, 15, 123000)  # noqa: DTZ001 (a wall-clock stamp)
VALID_NAME = package_name(ENTITY_LEI, True, "FR", REF_DATE, CREATED_AT)

_LICENCED_ACTIVITY = codelists.code_lists()[codelists.LICENCED_ACTIVITY][0].qname


def _rows(template: str, *values: tuple[str, ...]) -> list[dict[str, str]]:
    codes = TEMPLATES[template].column_codes
    return [dict(zip(codes, row, strict=True)) for row in values]


_VALID_TABLES = {
    "B_01.01": _rows("B_01.01", (ENTITY_LEI, "Alpha Bank SA", "eba_GA:FR", "eba_CT:x12",
                                 "ACPR", "2025-04-10")),
    "B_01.02": _rows("B_01.02", (ENTITY_LEI, "Alpha Bank SA", "eba_GA:FR", "eba_CT:x12",
                                 "eba_RP:x53", ENTITY_LEI, "2025-01-15", "2024-12-01",
                                 "9999-12-31", "eba_CU:EUR", "1500000000")),
    "B_01.03": _rows("B_01.03", ("BR-DE-1", ENTITY_LEI, "Alpha Bank Frankfurt", "eba_GA:DE")),
    "B_02.01": _rows("B_02.01",
                     ("ARR-1", "eba_CO:x2", "", "eba_CU:EUR", "120000"),
                     ("ARR-2", "eba_CO:x3", "ARR-1", "eba_CU:EUR", "35000.50")),
    "B_02.02": _rows("B_02.02", *[
        (arrangement, ENTITY_LEI, PROVIDER_LEI, "eba_qCO:qx2000", "F1", "eba_TA:S01",
         "2024-01-01", "9999-12-31", "", "90", "180", "eba_GA:FR", "eba_GA:FR", "eba_BT:x28",
         "eba_GA:FR", "eba_GA:DE", "eba_ZZ:x792", "eba_ZZ:x796")
        for arrangement in ("ARR-1", "ARR-2")]),
    "B_02.03": _rows("B_02.03", ("ARR-2", "ARR-1", "true")),
    "B_03.01": _rows("B_03.01", ("ARR-1", ENTITY_LEI, "true")),
    "B_03.02": _rows("B_03.02", *[(arrangement, PROVIDER_LEI, "eba_qCO:qx2000")
                                  for arrangement in ("ARR-1", "ARR-2")]),
    "B_03.03": _rows("B_03.03", ("ARR-1", ENTITY_LEI, "true")),
    "B_04.01": _rows("B_04.01", ("ARR-1", ENTITY_LEI, "eba_ZZ:x838", "BR-DE-1")),
    "B_05.01": _rows("B_05.01", (PROVIDER_LEI, "eba_qCO:qx2000", "FR40123456824",
                                 "eba_qCO:qx2004", "Cloud Provider SAS", "Cloud Provider SAS",
                                 "eba_CT:x212", "eba_GA:FR", "eba_CU:EUR", "155000.50",
                                 PROVIDER_LEI, "eba_qCO:qx2000")),
    "B_05.02": _rows("B_05.02", ("ARR-1", "eba_TA:S01", PROVIDER_LEI, "eba_qCO:qx2000", "1",
                                 PROVIDER_LEI, "eba_qCO:qx2000")),
    "B_06.01": _rows("B_06.01", ("F1", _LICENCED_ACTIVITY, "Payments", ENTITY_LEI, "eba_BT:x28",
                                 "Core payment processing", "2025-01-10", "4", "1",
                                 "eba_ZZ:x793")),
    "B_07.01": _rows("B_07.01", ("ARR-1", PROVIDER_LEI, "eba_qCO:qx2000", "eba_TA:S01",
                                 "eba_ZZ:x960", "eba_ZZ:x963", "2024-11-01", "eba_BT:x28",
                                 "eba_ZZ:x966", "eba_ZZ:x793", "eba_BT:x28", "Other Cloud SA")),
    "B_99.01": _rows("B_99.01", tuple(f"Definition {n}" for n in range(1, 20))),
}


def roi_valid_tables() -> dict[str, list[dict[str, str]]]:
    """A small register that passes every check (a fresh copy each call, to mutate freely)."""
    return copy.deepcopy(_VALID_TABLES)


def roi_valid_parameters() -> dict[str, str]:
    return parameters(ENTITY_LEI, True, REF_DATE)


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def roi_package_files(tables=None, params=None, name: str = VALID_NAME) -> dict[str, bytes]:
    """The package's members (zip path → bytes) in the EBA layout, under the root `name`."""
    tables = roi_valid_tables() if tables is None else tables
    params = roi_valid_parameters() if params is None else params
    files = {
        META_INF_FILE: json.dumps(REPORT_PACKAGE_JSON).encode(),
        REPORT_FILE: json.dumps(REPORT_JSON).encode(),
        PARAMETERS_FILE: _csv_bytes([["name", "value"], *params.items()]),
        FILING_INDICATORS_FILE: _csv_bytes(
            [["templateID", "reported"], *[[code, "true"] for code in TEMPLATES]]),
    }
    for code, template in TEMPLATES.items():
        header = list(template.column_codes)
        rows = [[row.get(column, "") for column in header] for row in tables.get(code, [])]
        files[f"reports/{template.file_name}"] = _csv_bytes([header, *rows])
    return {f"{name}/{path}": data for path, data in files.items()}


def roi_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def roi_package_zip(tables=None, params=None, name: str = VALID_NAME) -> bytes:
    return roi_zip(roi_package_files(tables, params, name))
