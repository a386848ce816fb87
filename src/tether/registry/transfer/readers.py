"""Reading a register file, CSV (Excel's dialects) or XLSX, one row at a time.

Rows are numbered as the user sees them in a spreadsheet: the header is row 1 when the
sheet starts at the top, and a CSV record with line breaks inside quotes is one row.
"""

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from tether.registry.transfer.cells import as_text, is_empty

FORMATS = ("csv", "xlsx")
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
DELIMITERS = (",", ";", "\t")
SAMPLE_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 workbooks, and password-protected ones
# An .xlsx is a zip; refuse one whose sheets unpack to far more than any real register.
XLSX_UNPACKED_RATIO = 5


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list]]


def file_format(filename: str, fmt: str | None) -> str | None:
    """The format asked for, else the one the file name's extension says, else None."""
    if fmt:
        if fmt not in FORMATS:
            raise FileProblem(f"“{fmt}” is not a format Tether imports: use csv or xlsx.")
        return fmt
    return EXTENSIONS.get(Path(filename or "").suffix.lower())


@contextmanager
def open_table(file, *, filename: str = "", fmt: str | None = None,
               encoding: str | None = None, sheet: str | None = None) -> Iterator[Table]:
    """Open a path or binary file object as a table of rows; `sheet` picks an XLSX worksheet."""
    with ExitStack() as stack:
        if isinstance(file, str | os.PathLike):
            filename = filename or os.fspath(file)
            handle = stack.enter_context(open(file, "rb"))  # noqa: SIM115 (closed by the stack)
        else:
            handle = file
            handle.seek(0)
        _check_size(handle)
        head = handle.read(SAMPLE_BYTES)
        handle.seek(0)
        if not head:
            raise FileProblem("The file is empty.")
        if head.startswith(OLE_MAGIC):
            raise FileProblem("This is an Excel 97–2003 (.xls) or password-protected workbook: "
                              "save it as .xlsx or as CSV UTF-8, without a password.")
        fmt = file_format(filename, fmt) or ("xlsx" if head.startswith(ZIP_MAGIC) else "csv")
        if fmt == "xlsx":
            yield _xlsx_table(handle, head, sheet)
        else:
            yield _csv_table(handle, head, encoding, stack)


def _check_size(handle) -> None:
    """Refuse a file larger than TETHER_IMPORT_MAX_BYTES before reading it."""
    size = handle.seek(0, io.SEEK_END)
    handle.seek(0)
    limit = settings.TETHER_IMPORT_MAX_BYTES
    if size > limit:
        raise FileProblem(f"The file is {size / 1e6:,.1f} MB; Tether imports files of up to "
                          f"{limit / 1e6:,.1f} MB. Split it into several files.")


def _csv_encoding(head: bytes, encoding: str | None) -> str:
    """The encoding asked for, else UTF-16 if it has that BOM, else UTF-8 with or without BOM."""
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise FileProblem(f"“{encoding}” is not a text encoding Tether knows.") from None
        return "utf-8-sig" if name == "utf-8" else name  # a BOM is no part of the header
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text" export
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise FileProblem("This is not a CSV or XLSX file: it contains binary data.")
    return "utf-8-sig"


def _undecodable(row: int | None, *, explicit: bool) -> FileProblem:
    """The problem of a CSV file in another encoding than the one expected, and what to do."""
    if explicit:
        return FileProblem("The file does not match the encoding chosen.", row=row)
    return FileProblem(
        "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)” or "
        "as .xlsx; or, if you know it was saved as “CSV (Windows)”, import it with the "
        "encoding cp1252.", row=row,
    )


def _csv_table(handle, head: bytes, encoding: str | None, stack: ExitStack) -> Table:
    """A CSV table: the delimiter is whichever of , ; TAB splits the header into most columns."""
    codec = _csv_encoding(head, encoding)
    sample = codecs.getincrementaldecoder(codec)("replace").decode(head, final=False)
    delimiter = max(DELIMITERS, key=lambda d: len(next(csv.reader(io.StringIO(sample),
                                                                  delimiter=d), [])))
    try:
        codecs.getincrementaldecoder(codec)().decode(head, final=False)
    except UnicodeDecodeError:
        raise _undecodable(_row_of_bad_bytes(handle, codec, delimiter),
                           explicit=bool(encoding)) from None
    # newline="" lets the csv module keep line breaks that sit inside quoted cells.
    text = io.TextIOWrapper(handle, encoding=codec, newline="")
    # Detach on the way out, or closing the wrapper would close the caller's file.
    stack.callback(text.detach)
    records = _csv_records(csv.reader(text, delimiter=delimiter), explicit=bool(encoding),
                           locate=lambda: _row_of_bad_bytes(handle, codec, delimiter))
    return _table(records)


def _csv_records(reader, *, explicit: bool, locate) -> Iterator[tuple[int, list]]:
    """Number the CSV records, turning decoding and quoting errors into FileProblem."""
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record
    except UnicodeDecodeError:
        # The text layer decodes ahead in 8 KB blocks, so find the row again exactly.
        raise _undecodable(locate(), explicit=explicit) from None
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise FileProblem(f"A cell holds more than {csv.field_size_limit():,} characters.",
                              row=number + 1) from None
        raise FileProblem(f"The file is not valid CSV here: {error}.", row=number + 1) from None


def _row_of_bad_bytes(handle, codec: str, delimiter: str) -> int | None:
    """The row of the first bytes that are not valid in `codec`, decoding line by line."""
    if codec == "utf-16":
        return None  # its lines do not split at b"\n"
    handle.seek(0)
    lines = (line.decode(codec) for line in handle)
    number = 0
    try:
        for _ in csv.reader(lines, delimiter=delimiter):
            number += 1
    except UnicodeDecodeError:
        return number + 1
    except csv.Error:
        return None
    return None


def _xlsx_table(handle, head: bytes, sheet: str | None) -> Table:
    """The worksheet named `sheet` if the workbook has one, else its first visible worksheet."""
    if not head.startswith(ZIP_MAGIC):
        raise FileProblem("This file is not an Excel workbook (.xlsx).")
    _check_unpacked_size(handle)
    try:
        workbook = CalamineWorkbook.from_filelike(handle)
        visible = [m.name for m in workbook.sheets_metadata
                   if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet]
        names = {name.strip().lower(): name for name in workbook.sheet_names}
        name = names.get((sheet or "").lower()) or (visible or workbook.sheet_names)[0]
        worksheet = workbook.get_sheet_by_name(name)
        workbook.close()  # the sheet keeps its cells; the archive and other sheets can go
    except (CalamineError, IndexError, ValueError) as error:
        raise FileProblem(f"This Excel workbook cannot be read ({error}).") from None
    return _table(enumerate(worksheet.iter_rows(), start=1))


def _check_unpacked_size(handle) -> None:
    """Refuse a zip bomb: a small .xlsx that unpacks to gigabytes."""
    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileProblem(
            "This file is not an Excel workbook (.xlsx): the archive is damaged.") from None
    finally:
        handle.seek(0)
    limit = XLSX_UNPACKED_RATIO * settings.TETHER_IMPORT_MAX_BYTES
    if unpacked > limit:
        raise FileProblem(f"This workbook unpacks to {unpacked / 1e6:,.0f} MB, more than the "
                          f"{limit / 1e6:,.0f} MB Tether reads. Split it into several files.")


def _table(records: Iterator[tuple[int, list]]) -> Table:
    """Take the first non-empty row as the header; the rest are data rows."""
    for number, cells in records:
        if any(not is_empty(cell) for cell in cells):
            headers = [as_text(cell) for cell in cells]
            while headers and not headers[-1]:
                headers.pop()
            return Table(headers=headers, header_row=number, rows=records)
    raise FileProblem("The file is empty: it has no header row.")
