"""The EBA plain-csv reporting package of a register: a zip named as the supervisors require.

    {LEI}.{CON|IND}_{CC}_DORA010100_DORA_{ref date}_{created}.zip
      {same name}/META-INF/reportPackage.json
      {same name}/reports/report.json, parameters.csv, FilingIndicators.csv
      {same name}/reports/b_01.01.csv … b_99.01.csv

Every template is filed (an empty one as its header alone, with its indicator true), columns
in the order of the template, UTF-8, comma-separated, CRLF line ends as the sample has.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

from tether.regulatory import definitions
from tether.regulatory.roi import Register


@dataclass(frozen=True)
class Package:
    name: str  # the zip's file name, with `.zip`
    content: bytes


def _csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def country_of_authority(register: Register) -> str:
    """The `{CC}` of the name: the reporting entity's country (its competent authority's)."""
    return str(register.entity.country)


def write_package(register: Register, *, created_at: datetime | None = None) -> Package:
    created_at = created_at or datetime.now(UTC)
    root = definitions.package_name(register.entity.lei, register.consolidated,
                                    country_of_authority(register), register.reference_date,
                                    created_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def put(path: str, data: bytes) -> None:
            archive.writestr(f"{root}/{path}", data)

        put(definitions.META_INF_FILE, json.dumps(definitions.REPORT_PACKAGE_JSON).encode())
        put(definitions.REPORT_FILE, json.dumps(definitions.REPORT_JSON).encode())
        put(definitions.PARAMETERS_FILE,
            _csv(definitions.PARAMETERS_HEADER, register.parameters.items()))
        put(definitions.FILING_INDICATORS_FILE, _csv(
            definitions.FILING_INDICATORS_HEADER,
            [(code, "true") for code in definitions.TEMPLATES]))
        for code, template in definitions.TEMPLATES.items():
            columns = [column.code for column in template.columns]
            put(f"reports/{template.file_name}", _csv(columns, register.rows.get(code, ())))
    return Package(f"{root}.zip", buffer.getvalue())
