"""Checks on uploaded files: what the bytes really are, and a file name safe to store.

The type is decided from the content alone (magic bytes and structure); the file name's
extension is only compared with it. Office documents are zip files, which are inspected
through their central directory without extracting anything, so a zip bomb costs nothing.
Plain text and CSV cannot be told apart from the bytes: both are sniffed as text and the
extension (.txt or .csv) chooses between them.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TEXT = "text/plain"
CSV = "text/csv"

# What may be stored, with the extensions a file of that type may carry; the first is the
# one appended to a name that has none.
ALLOWED_MEDIA_TYPES: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    GIF: (".gif",),
    WEBP: (".webp",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PPTX: (".pptx",),
    TEXT: (".txt",),
    CSV: (".csv",),
}

# Names for messages, for the allowed types and for what is recognised only to be refused.
MEDIA_TYPE_LABELS: dict[str, str] = {
    PDF: "PDF",
    PNG: "PNG image",
    JPEG: "JPEG image",
    GIF: "GIF image",
    WEBP: "WebP image",
    DOCX: "Word document (.docx)",
    XLSX: "Excel workbook (.xlsx)",
    PPTX: "PowerPoint presentation (.pptx)",
    TEXT: "plain text",
    CSV: "CSV text",
    "application/zip": "zip archive",
    "application/x-msdownload": "Windows executable",
    "application/x-executable": "Linux executable (ELF)",
    "application/x-mach-binary": "macOS executable",
    "application/java-archive": "Java archive",
    "text/x-shellscript": "script",
    "text/html": "HTML page",
    "image/svg+xml": "SVG image",
    "application/xml": "XML document",
    "application/postscript": "PostScript file",
    "application/rtf": "RTF document",
    "application/x-ole-storage": "legacy Office (OLE) file",
    "application/vnd.ms-word.document.macroEnabled.12": "macro-enabled Word document",
    "application/vnd.ms-excel.sheet.macroEnabled.12": "macro-enabled Excel workbook",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.12": (
        "macro-enabled PowerPoint presentation"
    ),
    "image/tiff": "TIFF image",
    "image/bmp": "BMP image",
    "application/gzip": "gzip archive",
    "application/x-7z-compressed": "7-Zip archive",
    "application/vnd.rar": "RAR archive",
}

# Extensions that clearly claim a type: a file carrying one of them must have that content.
# Any other suffix ("Minutes v1.2") is treated as part of the name and the right extension
# is appended instead.
_CLAIMING_EXTENSIONS: dict[str, str] = {
    ext: media_type for media_type, exts in ALLOWED_MEDIA_TYPES.items() for ext in exts
} | {
    ".zip": "application/zip",
    ".exe": "application/x-msdownload",
    ".dll": "application/x-msdownload",
    ".com": "application/x-msdownload",
    ".scr": "application/x-msdownload",
    ".msi": "application/x-ole-storage",
    ".bat": "text/x-shellscript",
    ".cmd": "text/x-shellscript",
    ".ps1": "text/x-shellscript",
    ".sh": "text/x-shellscript",
    ".js": "text/x-shellscript",
    ".vbs": "text/x-shellscript",
    ".jar": "application/java-archive",
    ".htm": "text/html",
    ".html": "text/html",
    ".xhtml": "text/html",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".ps": "application/postscript",
    ".eps": "application/postscript",
    ".rtf": "application/rtf",
    ".doc": "application/x-ole-storage",
    ".xls": "application/x-ole-storage",
    ".ppt": "application/x-ole-storage",
    ".docm": "application/vnd.ms-word.document.macroEnabled.12",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".pptm": "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".bmp": "image/bmp",
}

MAX_NAME_LENGTH = 150
DEFAULT_NAME = "document"
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{device}{number}" for device in ("COM", "LPT") for number in "123456789"
}
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}\Z")

# Office Open XML: the main part's content type, read from [Content_Types].xml.
_OOXML_MAIN_PARTS = {
    b"wordprocessingml.document.main+xml": DOCX,
    b"wordprocessingml.template.main+xml": DOCX,
    b"spreadsheetml.sheet.main+xml": XLSX,
    b"spreadsheetml.template.main+xml": XLSX,
    b"presentationml.presentation.main+xml": PPTX,
    b"presentationml.template.main+xml": PPTX,
}
_OOXML_MACRO_TYPES = {
    "word/": "application/vnd.ms-word.document.macroEnabled.12",
    "xl/": "application/vnd.ms-excel.sheet.macroEnabled.12",
    "ppt/": "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
}
_OOXML_FOLDERS = {DOCX: "word/", XLSX: "xl/", PPTX: "ppt/"}
_ZIP_MAX_ENTRIES = 20_000
_CONTENT_TYPES_MAX_BYTES = 256 * 1024

_EXECUTABLE_MAGIC = (
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xfe\xed\xfa\xce", "application/x-mach-binary"),
    (b"\xfe\xed\xfa\xcf", "application/x-mach-binary"),
    (b"\xce\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xca\xfe\xba\xbe", "application/x-mach-binary"),
)
_OTHER_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"{\\rtf", "application/rtf"),
    (b"%!", "application/postscript"),
)
# C0 controls other than tab, line feed, form feed and carriage return mark binary data.
_BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: what to store it as."""

    safe_name: str
    media_type: str
    size: int
    sha256: str


def sniff_media_type(data: bytes) -> str | None:
    """The media type the content really is, or None when it is not recognised.

    Also recognises types that are then refused (executables, HTML, SVG, archives, ...),
    so messages can say what was found. Text is reported as text/plain, never text/csv.
    """
    head = bytes(data[:16])
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    for magic, media_type in _EXECUTABLE_MAGIC + _OTHER_MAGIC:
        if head.startswith(magic):
            return media_type
    return _sniff_text(data)


def _sniff_zip(data: bytes) -> str | None:
    """Tell Office documents from other zip files by reading the directory, never extracting."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _ZIP_MAX_ENTRIES:
                return "application/zip"
            names = {info.filename for info in infos}
            if "META-INF/MANIFEST.MF" in names and any(n.endswith(".class") for n in names):
                return "application/java-archive"
            if "[Content_Types].xml" not in names:
                return "application/zip"
            # A bounded read: a bomb disguised as [Content_Types].xml inflates no further.
            with archive.open("[Content_Types].xml") as stream:
                declared = stream.read(_CONTENT_TYPES_MAX_BYTES)
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        KeyError,
        struct.error,
        zlib.error,
    ):
        # Corrupt, encrypted or exotic archives are not something we can vouch for.
        return None
    macros = any(name.lower().endswith("vbaproject.bin") for name in names)
    for marker, media_type in _OOXML_MAIN_PARTS.items():
        if marker in declared:
            folder = _OOXML_FOLDERS[media_type]
            if not any(name.startswith(folder) for name in names):
                continue
            if macros or b"macroEnabled" in declared:
                return _OOXML_MACRO_TYPES[folder]
            return media_type
    return "application/zip"


def _sniff_text(data: bytes) -> str | None:
    """UTF-8 text without binary controls is text/plain, unless it is markup or a script."""
    if _BINARY_CONTROLS.search(data):
        return None
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return None
    start = text.lstrip("\ufeff \t\r\n\f").lower()
    if start.startswith("#!"):
        return "text/x-shellscript"
    if start.startswith("<"):
        # Browsers sniff leading markup as HTML; an SVG may carry scripts too.
        if "<svg" in start[:4096]:
            return "image/svg+xml"
        if start.startswith("<?xml") and "<html" not in start[:4096]:
            return "application/xml"
        return "text/html"
    return TEXT


def media_type_label(media_type: str | None) -> str:
    """A name for ``media_type`` a business user understands."""
    if media_type is None:
        return "an unrecognised format"
    return MEDIA_TYPE_LABELS.get(media_type, media_type)


def safe_file_name(name: str) -> str:
    """A file name safe to store and to send back in Content-Disposition.

    Keeps only the last path component (for both / and \\), drops control and bidi
    formatting characters, Windows-forbidden characters, leading dots and reserved
    device names, collapses whitespace, and caps the length at 150 characters while
    keeping the extension. Never empty.
    """
    name = unicodedata.normalize("NFKC", str(name))
    cleaned = []
    for char in name:
        category = unicodedata.category(char)
        if category == "Cc" or char.isspace():
            cleaned.append(" ")  # a newline or tab separates words
        elif category in ("Cf", "Cs", "Co", "Cn"):
            continue  # zero-width, bidi overrides (U+202E), surrogates, unassigned
        else:
            cleaned.append(char)
    name = "".join(cleaned)
    name = re.split(r"[/\\]", name)[-1]
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip()
    had_leading_dot = name.startswith(".")
    name = name.lstrip(". ").rstrip(". ")  # Windows drops trailing dots and spaces
    if had_leading_dot and f".{name.lower()}" in _CLAIMING_EXTENSIONS:
        name = f"{DEFAULT_NAME}.{name}"  # ".pdf" names a PDF, not a file called "pdf"
    if not name:
        return DEFAULT_NAME
    if name.split(".")[0].rstrip().upper() in _WINDOWS_RESERVED:
        name = f"_{name}"
    if len(name) > MAX_NAME_LENGTH:
        match = _EXTENSION.search(name)
        extension = match.group() if match else ""
        stem = name[: len(name) - len(extension)]
        name = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(". ") + extension
    return name or DEFAULT_NAME


def _extension(name: str) -> str:
    match = _EXTENSION.search(name)
    return match.group().lower() if match else ""


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def _allowed_list() -> str:
    return ", ".join(
        ext.lstrip(".").upper() for exts in ALLOWED_MEDIA_TYPES.values() for ext in exts[:1]
    )


def check_upload(name: str, data: bytes, max_bytes: int) -> CheckedUpload:
    """Check an upload's size, content type and name; raise ValidationError on a problem."""
    size = len(data)
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > max_bytes:
        raise ValidationError(
            f"The file is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}.",
            code="too_large",
        )
    safe_name = safe_file_name(name)
    extension = _extension(safe_name)
    media_type = sniff_media_type(data)
    if media_type == TEXT and extension == ".csv":
        media_type = CSV
    if media_type not in ALLOWED_MEDIA_TYPES:
        if media_type is None and extension in (".txt", ".csv"):
            raise ValidationError(
                "The file is not UTF-8 text: save it as UTF-8 (in Excel: “CSV UTF-8”) "
                "and upload it again.",
                code="not_utf8",
            )
        found = (
            "is not a format Tether recognises"
            if media_type is None
            else f"is {_with_article(media_type_label(media_type))}"
        )
        raise ValidationError(
            f"The file's content {found}, so it cannot be uploaded. Allowed: {_allowed_list()}.",
            code="type_not_allowed",
        )
    expected = ALLOWED_MEDIA_TYPES[media_type]
    claimed = _CLAIMING_EXTENSIONS.get(extension)
    if extension not in expected and claimed is not None:
        raise ValidationError(
            f"“{safe_name}” is named as {_with_article(media_type_label(claimed))} but its "
            f"content is {_with_article(media_type_label(media_type))}, not "
            f"{_with_article(media_type_label(claimed))}. Rename the file or upload the "
            "right one.",
            code="extension_mismatch",
        )
    if extension not in expected:
        safe_name = safe_file_name(safe_name + expected[0])
    return CheckedUpload(
        safe_name=safe_name,
        media_type=media_type,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _with_article(label: str) -> str:
    """ "PDF" -> "a PDF", "HTML page" -> "an HTML page", "plain text" stays as it is."""
    if label.startswith(("plain", "CSV", "an ")):
        return label
    vowel_sound = label[:1].upper() in "AEIOU" or label.startswith(("HTML", "SVG", "RTF", "XML"))
    return f"{'an' if vowel_sound else 'a'} {label}"
