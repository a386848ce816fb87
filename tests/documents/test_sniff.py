import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfWriter

from tether.documents.sniff import (
    ALLOWED_MEDIA_TYPES,
    CSV,
    DOCX,
    GIF,
    JPEG,
    PDF,
    PNG,
    PPTX,
    TEXT,
    WEBP,
    XLSX,
    check_upload,
    safe_file_name,
    sniff_media_type,
)

MB = 1024 * 1024


# Minimal real files, built here rather than checked in (also used by test_watermark).


def pdf_bytes(pages: int = 1, rotate: int = 0, width: float = 595, height: float = 842) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(width=width, height=height)
        if rotate:
            page.rotate(rotate)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(
    image_format: str, size=(64, 48), mode: str = "RGB", color=(30, 120, 200), **save
) -> bytes:
    image = Image.new(mode, size, color)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **save)
    return buffer.getvalue()


_MAIN_PARTS = {
    "word": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xl": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "ppt": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def ooxml_bytes(kind: str, macros: bool = False, extra: dict[str, bytes] | None = None) -> bytes:
    part, content_type = _MAIN_PARTS[kind]
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="application/'
        f'vnd.openxmlformats-officedocument.{content_type}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<root/>")
        if macros:
            archive.writestr(f"{kind}/vbaProject.bin", b"\x00" * 64)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


SAMPLES = {
    PDF: pdf_bytes(),
    PNG: image_bytes("PNG"),
    JPEG: image_bytes("JPEG"),
    GIF: image_bytes("GIF"),
    WEBP: image_bytes("WEBP"),
    DOCX: ooxml_bytes("word"),
    XLSX: ooxml_bytes("xl"),
    PPTX: ooxml_bytes("ppt"),
    TEXT: "Notes on the exit plan – ünïcödé\n".encode(),
}


@pytest.mark.parametrize("media_type", list(SAMPLES))
def test_each_allowed_type_is_detected_from_its_content(media_type):
    assert sniff_media_type(SAMPLES[media_type]) == media_type


def test_allowed_set_is_exactly_the_agreed_types():
    assert set(ALLOWED_MEDIA_TYPES) == {PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, TEXT, CSV}
    assert ALLOWED_MEDIA_TYPES[JPEG] == (".jpg", ".jpeg")


@pytest.mark.parametrize(
    "extension", [ext for exts in ALLOWED_MEDIA_TYPES.values() for ext in exts]
)
def test_every_allowed_extension_is_accepted_with_matching_content(extension):
    media_type = next(t for t, exts in ALLOWED_MEDIA_TYPES.items() if extension in exts)
    data = SAMPLES.get(media_type, b"a,b\n1,2\n")

    checked = check_upload(f"file{extension}", data, MB)

    assert checked.media_type == media_type
    assert checked.safe_name == f"file{extension}"


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56, "application/x-msdownload"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 57, "application/x-executable"),
        (b"\xcf\xfa\xed\xfe" + b"\x00" * 28, "application/x-mach-binary"),
        (b"#!/bin/sh\nrm -rf /\n", "text/x-shellscript"),
        (b"\xef\xbb\xbf  #!/usr/bin/env python\n", "text/x-shellscript"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "text/html"),
        (b"\n  <script>alert(1)</script>", "text/html"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b'<svg onload="alert(1)"/>', "image/svg+xml"),
        (b"{\\rtf1\\ansi hello}", "application/rtf"),
        (b"%!PS-Adobe-3.0\n", "application/postscript"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "application/x-ole-storage"),
        (ooxml_bytes("word", macros=True), "application/vnd.ms-word.document.macroEnabled.12"),
        (ooxml_bytes("xl", macros=True), "application/vnd.ms-excel.sheet.macroEnabled.12"),
    ],
)
def test_dangerous_or_unsupported_content_is_recognised_and_refused(data, media_type):
    assert sniff_media_type(data) == media_type
    with pytest.raises(ValidationError, match="cannot be uploaded"):
        check_upload("harmless.txt" if data[:1] == b"<" else "file", data, MB)


def test_plain_zip_is_not_an_office_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<root/>")  # no [Content_Types].xml

    assert sniff_media_type(buffer.getvalue()) == "application/zip"
    with pytest.raises(ValidationError, match="a zip archive"):
        check_upload("contract.docx", buffer.getvalue(), MB)


def test_office_document_with_mismatched_folder_is_only_a_zip():
    # Declares a spreadsheet but ships only a Word folder: it is neither.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<root/>")

    assert sniff_media_type(buffer.getvalue()) == "application/zip"


def test_zip_bomb_is_inspected_without_inflating_it():
    # 64 MB of zeros compress to ~64 kB; sniffing must not expand them.
    bomb_member = b"\x00" * (64 * MB)
    data = ooxml_bytes("word", extra={"word/media/bomb.bin": bomb_member})
    del bomb_member

    assert sniff_media_type(data) == DOCX


def test_corrupt_zip_is_unrecognised():
    data = ooxml_bytes("word")

    assert sniff_media_type(data[: len(data) // 2]) is None
    assert sniff_media_type(b"PK\x03\x04garbage") is None


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02binary",
        "Tab\tseparated but latin-1: caf\xe9".encode("latin-1"),
        "utf-16 text".encode("utf-16"),
        bytes(range(256)),
    ],
)
def test_binary_or_non_utf8_content_is_unrecognised(data):
    assert sniff_media_type(data) is None


def test_non_utf8_csv_gets_a_message_about_the_encoding():
    with pytest.raises(ValidationError, match="not UTF-8 text"):
        check_upload("export.csv", "Société;Montant\n".encode("cp1252"), MB)


def test_csv_and_text_are_told_apart_by_extension():
    data = b"provider;amount\nAlpha;12\n"

    assert check_upload("export.csv", data, MB).media_type == CSV
    assert check_upload("notes.txt", data, MB).media_type == TEXT
    assert check_upload("notes", data, MB).safe_name == "notes.txt"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", SAMPLES[PNG], "content is a PNG image, not a PDF"),
        ("photo.png", SAMPLES[JPEG], "content is a JPEG image, not a PNG image"),
        ("photo.jpg", SAMPLES[PDF], "content is a PDF, not a JPEG image"),
        ("budget.xlsx", SAMPLES[DOCX], "content is a Word document"),
        ("notes.txt", SAMPLES[PDF], "content is a PDF, not plain text"),
        ("invoice.pdf", b"just text", "content is plain text, not a PDF"),
        ("invoice.exe", SAMPLES[PDF], "not a Windows executable"),
        ("page.html", SAMPLES[PNG], "not an HTML page"),
    ],
)
def test_extension_contradicting_the_content_is_refused(name, data, message):
    with pytest.raises(ValidationError, match=message) as error:
        check_upload(name, data, MB)
    assert error.value.code == "extension_mismatch"


def test_jpg_and_jpeg_are_equivalent():
    assert check_upload("a.jpeg", SAMPLES[JPEG], MB).media_type == JPEG
    assert check_upload("a.JPG", SAMPLES[JPEG], MB).safe_name == "a.JPG"


def test_name_without_a_known_extension_gets_the_right_one():
    assert check_upload("scan", SAMPLES[PDF], MB).safe_name == "scan.pdf"
    assert check_upload("Minutes v1.2", SAMPLES[PDF], MB).safe_name == "Minutes v1.2.pdf"


def test_checked_upload_reports_size_and_digest():
    data = SAMPLES[PNG]

    checked = check_upload("logo.png", data, MB)

    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="The file is empty"):
        check_upload("empty.pdf", b"", MB)


def test_oversize_file_states_its_size_and_the_limit():
    data = SAMPLES[TEXT] * (3 * MB // len(SAMPLES[TEXT]) + 1)

    with pytest.raises(ValidationError, match=r"The file is 3\.0 MB; the limit is 2 MB") as error:
        check_upload("big.txt", data, 2 * MB)
    assert error.value.code == "too_large"
    assert check_upload("exact.txt", b"a" * (2 * MB), 2 * MB).size == 2 * MB


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("/absolute/path/report.pdf", "report.pdf"),
        ("..", "document"),
        ("../..", "document"),
        ("", "document"),
        ("   ", "document"),
        ("\x00\x01\x1f", "document"),
        ("report\x00.pdf", "report .pdf"),
        ("line\nbreak\r\n.pdf", "line break .pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("con", "_con"),
        ("lpt9.tar.gz", "_lpt9.tar.gz"),
        ("COM¹.txt", "_COM1.txt"),
        ("CONTRACT.pdf", "CONTRACT.pdf"),
        (".htaccess", "htaccess"),
        (".pdf", "document.pdf"),
        ("...hidden.txt", "hidden.txt"),
        ("trailing dots... ", "trailing dots"),
        ("a   lot \t of   space.pdf", "a lot of space.pdf"),
        ('what?<is>"this"|*:.pdf', "what__is__this____.pdf"),
        ("full\uff0fwidth\uff3cslash.pdf", "slash.pdf"),
        ("Rapport d’activité.pdf", "Rapport d’activité.pdf"),
        ("契約書.pdf", "契約書.pdf"),
    ],
)
def test_file_names_are_sanitised(name, expected):
    assert safe_file_name(name) == expected


def test_long_name_is_capped_at_150_characters_keeping_the_extension():
    name = safe_file_name("x" * 10_000 + ".pdf")

    assert len(name) == 150
    assert name.endswith("xxx.pdf")
    assert len(safe_file_name("y" * 10_000)) == 150


def test_upload_with_hostile_name_is_stored_under_a_safe_name():
    checked = check_upload("../../../etc/cron.d/evil\u202egnp.pdf", SAMPLES[PDF], MB)

    assert checked.safe_name == "evilgnp.pdf"
