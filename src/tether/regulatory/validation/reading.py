"""Reading a package (zip) or in-memory tables into a `Package`, never raising on bad input."""

import csv
import gc
import io
import os
import zipfile
import zlib
from datetime import date
from pathlib import Path
from typing import BinaryIO

from tether.regulatory.definitions import (
    FILING_INDICATORS_FILE,
    PARAMETERS_FILE,
    TEMPLATES_BY_FILE_NAME,
)
from tether.regulatory.validation.model import Package

# A register of 200,000 rows is about 30 MB of csv; far larger is not a register.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024

Source = bytes | bytearray | str | os.PathLike | BinaryIO


def read_zip(source: Source, *, file_name: str | None, today: date) -> Package:
    package = Package(tables={}, headers={}, parameters=None, today=today, from_zip=True)
    if file_name is None and isinstance(source, str | os.PathLike):
        file_name = Path(source).name
    if file_name:
        base = Path(file_name).name
        package.zip_name = base[:-4] if base.lower().endswith(".zip") else base
    if not isinstance(source, bytes | bytearray | str | os.PathLike) and not hasattr(
            source, "read"):
        package.zip_error = (f"Expected a zip file (a path, bytes or a binary file), not "
                             f"{type(source).__name__}.")
        return package
    try:
        stream = (io.BytesIO(bytes(source)) if isinstance(source, bytes | bytearray)
                  else open(source, "rb") if isinstance(source, str | os.PathLike)  # noqa: SIM115
                  else source)
    except OSError as error:
        package.zip_error = f"The file cannot be opened: {error.strerror or error}."
        return package
    try:
        with zipfile.ZipFile(stream) as archive:
            _read_members(package, archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError,
            EOFError) as error:
        package.zip_error = f"The file is not a readable zip archive ({error})."
        return package
    finally:
        if isinstance(source, str | os.PathLike):
            stream.close()
    # Hundreds of thousands of small dicts set off the cyclic collector over and over; none of
    # them holds a cycle, so it is paused while they are built (and resumed even on error).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _parse_files(package)
    finally:
        if collecting:
            gc.enable()
    return package


def _read_members(package: Package, archive: zipfile.ZipFile) -> None:
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        package.zip_error = (f"The archive unpacks to more than {MAX_UNCOMPRESSED_BYTES} bytes; "
                             "it is not a register of information.")
        return
    by_root: dict[str, list[zipfile.ZipInfo]] = {}
    stray = []
    for info in infos:
        root, slash, _ = info.filename.partition("/")
        if slash:
            by_root.setdefault(root, []).append(info)
        else:
            stray.append(info.filename)
    package.root_folders = tuple(sorted(by_root))
    if not by_root:
        package.stray_paths = tuple(stray)
        return
    # With several root folders, read the one holding the most files and report the rest.
    root = max(sorted(by_root), key=lambda name: len(by_root[name]))
    for other, infos_of_other in by_root.items():
        if other != root:
            stray.extend(info.filename for info in infos_of_other)
    package.stray_paths = tuple(stray)
    for info in by_root[root]:
        relative = info.filename[len(root) + 1:]
        try:
            package.files[relative] = archive.read(info)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError,
                ValueError, EOFError) as error:
            package.csv_errors.append((relative, None, f"cannot be unpacked ({error})"))


def _decode(package: Package, path: str) -> str:
    data = package.files[path]
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        package.not_utf8 = (*package.not_utf8, path)
        return data.decode("utf-8-sig", errors="replace")


def _csv_rows(package: Package, path: str) -> list[list[str]] | None:
    reader = csv.reader(io.StringIO(_decode(package, path), newline=""))
    try:
        return list(reader)
    except csv.Error as error:
        package.csv_errors.append((path, reader.line_num, f"is not valid CSV ({error})"))
        return None


def _parse_files(package: Package) -> None:
    if PARAMETERS_FILE in package.files:
        rows = _csv_rows(package, PARAMETERS_FILE)
        package.parameter_rows = rows
        if rows is not None:
            package.parameters = {row[0]: row[1] for row in rows[1:] if len(row) >= 2}
    if FILING_INDICATORS_FILE in package.files:
        package.filing_indicator_rows = _csv_rows(package, FILING_INDICATORS_FILE)
    for path in package.files:
        folder, _, file_name = path.rpartition("/")
        template = TEMPLATES_BY_FILE_NAME.get(file_name)
        if folder != "reports" or template is None:
            continue
        header, table = _template_rows(package, path, template.code)
        package.header_rows[template.code] = list(header)
        package.headers[template.code] = header
        package.tables[template.code] = table


def _template_rows(package: Package, path: str, template: str):
    """A table file's header and rows, read as a stream: the file's bytes are let go once
    decoded (checks only ask whether a table file exists), and no list of the raw CSV rows
    is kept beside the parsed ones."""
    text = _decode(package, path)
    package.files[path] = b""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = tuple(next(reader, ()))
        return header, _table_rows(package, template, header, reader)
    except csv.Error as error:
        package.csv_errors.append((path, reader.line_num, f"is not valid CSV ({error})"))
        return (), []


def _table_rows(package: Package, template: str, header: tuple[str, ...],
                lines) -> list[dict[str, str]]:
    width = len(header)
    table = []
    # Registers repeat a few values endlessly (codes, countries, references): one string
    # object per distinct value keeps a 200,000-row package's memory down.
    distinct: dict[str, str] = {}
    for number, cells in enumerate(lines, start=1):
        if len(cells) != width:
            package.ragged_rows.append((template, number, len(cells), width))
            cells = (cells + [""] * width)[:width]
        cells = [distinct.setdefault(cell, cell) for cell in cells]
        table.append(dict(zip(header, cells)))  # noqa: B905 (cells padded to width)
    return table


def read_tables(tables: dict, parameters: dict | None, *, today: date) -> Package:
    """In-memory tables: template code → rows of column code → value as it would be written.

    Values that are not strings (None, numbers) are read as the text the package would hold,
    None as empty, so that a caller's slip becomes a failure rather than an exception.
    """
    package = Package(tables={}, headers={}, parameters=None, today=today)
    if isinstance(parameters, dict):
        package.parameters = {str(name): _text(value) for name, value in parameters.items()}
    if not isinstance(tables, dict):
        package.csv_errors.append(
            ("tables", None, f"are a {type(tables).__name__}, not a mapping of template code to "
                             "rows"))
        tables = {}
    for template, given in tables.items():
        rows = []
        if not isinstance(given, list | tuple):
            package.csv_errors.append((str(template), None, "rows are not a list"))
            given = []
        for number, row in enumerate(given, start=1):
            if not isinstance(row, dict):
                package.csv_errors.append(
                    (str(template), None, f"row {number} is a {type(row).__name__}, not a mapping"))
                row = {}
            rows.append(row)
        header = tuple(dict.fromkeys(str(column) for row in rows for column in row))
        width = len(header)
        if all(len(row) == width and all(type(column) is str and type(value) is str
                                         for column, value in row.items()) for row in rows):
            normalised = rows  # the usual case: taken as given, no copy
        else:
            normalised = []
            for row in rows:
                texts = {str(column): value for column, value in row.items()}
                normalised.append({column: _text(texts.get(column)) for column in header})
        package.tables[str(template)] = normalised
        package.headers[str(template)] = header
    return package


def _text(value) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)
