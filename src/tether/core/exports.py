"""Spreadsheet downloads for every app: CSV (UTF-8 with BOM, for Excel) or XLSX.

Text a spreadsheet would run as a formula is prefixed with a quote (core.spreadsheet).
"""

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.utils.timezone import localtime

from tether.core.spreadsheet import escape_formula

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CSV_FLUSH_CHARS = 64 * 1024


def _plain(value):
    """A value as a cell: countries as codes, date-times in local time without zone."""
    if hasattr(value, "code") and not isinstance(value, str):
        return value.code
    if isinstance(value, datetime):
        return localtime(value).replace(tzinfo=None)
    return value


def _csv_cell(value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return escape_formula(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_spreadsheet(*, fmt: str, out, sheet: str, headers: Sequence[str],
                      rows: Iterable[Sequence]) -> int:
    """Write a header and rows to the binary file `out`; returns the number of rows."""
    if fmt == "csv":
        return _write_csv(out, headers, rows)
    if fmt == "xlsx":
        return _write_xlsx(out, sheet, headers, rows)
    raise ValueError(f"“{fmt}” is not a format Tether exports: use csv or xlsx.")


def _write_csv(out, headers, rows) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    out.write(codecs.BOM_UTF8)
    writer.writerow(headers)
    count = 0
    for row in rows:
        count += 1
        writer.writerow([_csv_cell(value) for value in row])
        if buffer.tell() > CSV_FLUSH_CHARS:
            out.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue().encode("utf-8"))
    return count


def _write_xlsx(out, sheet_name, headers, rows) -> int:
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    decimal = workbook.add_format({"num_format": "0.00"})
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(headers) - 1, 16)
    for index, header in enumerate(headers):
        sheet.write_string(0, index, header, bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            value = _plain(value)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(count, index, value)
            elif isinstance(value, str):
                sheet.write_string(count, index, escape_formula(value))
            elif isinstance(value, datetime):
                sheet.write_datetime(count, index, value, moment)
            elif isinstance(value, date):
                sheet.write_datetime(count, index, value, day)
            elif isinstance(value, Decimal):
                sheet.write_number(count, index, float(value), decimal)
            else:
                sheet.write_number(count, index, value)
    workbook.close()
    return count
