"""Questionnaire templates to and from YAML, CSV and XLSX, through one format-neutral spec.

`read_template` checks a whole file and raises `TemplateFileError` listing every problem
with its row or line; it writes nothing (the import service does, once the file is sound).
`write_template` writes the spec of a stored template (`spec_of`), which imports unchanged.
"""

import io
import os
from pathlib import Path

from django.utils.text import slugify

from tether.diligence.transfer.document import (
    MAX_LENGTH,
    Problem,
    TemplateFileError,
    TemplateSpec,
    check_spec,
    spec_of,
)
from tether.diligence.transfer.sheets import read_sheet, write_csv, write_xlsx
from tether.diligence.transfer.yaml_io import read_yaml, write_yaml

FORMATS = ("yaml", "csv", "xlsx")
EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".txt": "csv", ".tsv": "csv",
              ".xlsx": "xlsx", ".xlsm": "xlsx"}
CONTENT_TYPES = {
    "yaml": "application/yaml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A questionnaire of a few thousand questions is well under 2 MB in any of the formats.
MAX_BYTES = 5 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"

__all__ = ["CONTENT_TYPES", "FORMATS", "MAX_BYTES", "Problem", "TemplateFileError",
           "TemplateSpec", "check_spec", "export_filename", "read_template", "spec_of",
           "write_template"]


def _fail(message: str):
    raise TemplateFileError([Problem("", message)])


def file_format(filename: str, fmt: str | None) -> str | None:
    """The format asked for, else the one the file name's extension says, else None."""
    if fmt:
        fmt = fmt.strip().lower().lstrip(".")
        fmt = {"yml": "yaml", "xlsm": "xlsx"}.get(fmt, fmt)
        if fmt not in FORMATS:
            _fail(f"“{fmt}” is not a questionnaire format: use yaml, csv or xlsx.")
        return fmt
    return EXTENSIONS.get(Path(filename or "").suffix.lower())


def _sniff(head: bytes) -> str:
    """The format of a file whose name says nothing: a zip is XLSX, text with a CSV header
    naming a code column is CSV, other text YAML."""
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    first_line = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].lower()
    if b"code" in first_line and any(sep in first_line for sep in (b",", b";", b"\t")):
        return "csv"
    return "yaml"


def _read_bytes(file) -> bytes:
    """All of a path or binary file object, refusing one over MAX_BYTES before reading it."""
    if isinstance(file, str | os.PathLike):
        with open(file, "rb") as handle:
            return _read_bytes(handle)
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size > MAX_BYTES:
        _fail(f"The file is {size / 2**20:,.1f} MB; a questionnaire file may be up to "
              f"{MAX_BYTES / 2**20:,.0f} MB.")
    return file.read(MAX_BYTES + 1)


def read_template(file, *, filename: str = "", fmt: str | None = None,
                  name: str = "") -> TemplateSpec:
    """The questionnaire in a YAML, CSV or XLSX file (a path or a binary file object).

    `name` replaces the name the file gives; a CSV or XLSX file without a template column is
    named after the file. Raises TemplateFileError with every problem found.
    """
    if isinstance(file, str | os.PathLike):
        filename = filename or os.fspath(file)
    data = _read_bytes(file)
    if not data.strip():
        _fail("The file is empty.")
    if data.startswith(OLE_MAGIC):
        _fail("This is an Excel 97–2003 (.xls) or password-protected workbook: save it as "
              ".xlsx, CSV UTF-8 or YAML, without a password.")
    fmt = file_format(filename, fmt) or _sniff(data[:4096])
    if fmt == "yaml":
        if data.startswith(ZIP_MAGIC):
            _fail("This is a zip archive or an Excel workbook, not a YAML file.")
        spec = read_yaml(data)
    else:
        spec = read_sheet(io.BytesIO(data), fmt=fmt)
    name = (name or "").strip() or spec.name or Path(filename or "").stem.strip()
    if not name:
        raise TemplateFileError([Problem(spec.place("name"), "The file does not name the "
                                                             "questionnaire: give it a name.")])
    if len(name) > MAX_LENGTH["name"]:
        raise TemplateFileError([Problem(spec.place("name"), f"The name is {len(name)} "
                                         f"characters long; at most {MAX_LENGTH['name']} fit.")])
    spec.name = name
    return spec


def write_template(spec: TemplateSpec, *, fmt: str, out) -> None:
    """Write a questionnaire to a binary file in one of FORMATS."""
    writers = {"yaml": write_yaml, "csv": write_csv, "xlsx": write_xlsx}
    if fmt not in writers:
        raise ValueError(f"“{fmt}” is not a questionnaire format: use yaml, csv or xlsx.")
    writers[fmt](spec, out)


def export_filename(template, fmt: str) -> str:
    """questionnaire-name-v2.yaml"""
    return f"{slugify(template.name) or 'questionnaire'}-v{template.version}.{fmt}"
