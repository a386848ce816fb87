"""Per-recipient watermarks on shared copies of PDFs and images, and reading them back.

Every copy carries its copy id twice over:

* a **visible** mark a person reads ("Confidential — copy 3f9a… for Jane Doe, 2025-03-01
  14:02 UTC"): a footer line and a light diagonal line on every PDF page; a footer band
  and a faint tiled line on images;
* **machine-readable** marks that `read_watermark` finds again:

  - PDF: the document information dictionary (``/TetherCopyId``), XMP metadata
    (``tether:CopyId``), and invisible text (render mode 3) ``TETHER-COPY:<id>`` on every
    page, which survives metadata stripping and page extraction;
  - images: metadata (PNG tEXt ``TetherCopyId``; JPEG COM and EXIF UserComment; GIF comment;
    WebP EXIF UserComment) and, for PNG and lossless WebP, a payload hidden in the least
    significant bits of the pixels (magic, length, copy id, CRC-32) from the start of
    several rows, which survives metadata stripping, cropping top or bottom, and re-saving
    in a lossless format (PNG, BMP, lossless WebP). JPEG and lossy WebP stay lossy (and
    GIF is re-quantised to a palette), which would wipe out such a payload, so those
    carry metadata and the visible mark only.

Images keep their format, size and, where the format allows, their mode (grey stays grey,
transparency stays); EXIF orientation is applied to the pixels first, so the footer is at
the bottom as displayed; other metadata (EXIF, GPS, text chunks) is not passed on, except
the ICC profile and resolution.

Other media types (Office files, text) cannot be watermarked: `apply_watermark` returns
None for them and the caller decides whether the recipient may have an unmarked copy.

A watermark deters and traces; it is not DRM. Someone who edits the PDF or repaints the
image can remove it, which is why copies are also recorded in the audit trail.
"""

from __future__ import annotations

import functools
import io
import math
import re
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from PIL import ExifTags, Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

PDF = "application/pdf"
IMAGE_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
WATERMARKABLE_MEDIA_TYPES = frozenset({PDF, *IMAGE_FORMATS})

COPY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
MARKER_PREFIX = "TETHER-COPY:"
# The lookahead stops a match running on into whatever bytes follow a marker.
_MARKER = re.compile(rb"TETHER-COPY:([A-Za-z0-9_-]{1,64})(?![A-Za-z0-9_-])")
_TEXT_MARKER = re.compile(r"TETHER-COPY:\s?([A-Za-z0-9_-]{1,64})(?![A-Za-z0-9_-])")
PDF_INFO_KEY = "/TetherCopyId"
PNG_TEXT_KEY = "TetherCopyId"
XMP_NAMESPACE = "https://tether.invalid/ns/watermark/1.0/"
_XMP_MARK = re.compile(rb"tether:CopyId(?:>|=[\"'])([A-Za-z0-9_-]{1,64})[<\"']")

# Pillow's own bomb guard (Image.MAX_IMAGE_PIXELS) is process-wide; rather than lower it
# for everyone, images are measured from their header before any pixel is decoded.
MAX_IMAGE_PIXELS = 40_000_000
MAX_FRAMES = 300
MAX_ANIMATION_PIXELS = 200_000_000
# Reading invisible text is slow; every page carries the mark, so a few pages suffice.
_TEXT_SCAN_PAGES = 20

LSB_MAGIC = b"TWM1"
MAX_RECIPIENT_LENGTH = 120


# Letters that NFKD cannot simplify, for fonts that lack them (WinAnsi Helvetica has no
# "ł"; Pillow's bundled font covers little beyond ASCII).
_LATIN_FALLBACKS = {
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
    "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i",
    "—": "-", "–": "-",
}  # fmt: skip


class WatermarkError(Exception):
    """The file cannot be watermarked or read: corrupt, encrypted, too large, or not a
    PDF or image."""


@dataclass(frozen=True)
class Mark:
    """What a copy is marked with: its id (from the copy record), who got it, and when."""

    copy_id: str
    recipient: str
    issued_at: datetime

    def __post_init__(self):
        if not isinstance(self.copy_id, str) or not COPY_ID_PATTERN.fullmatch(self.copy_id):
            raise ValueError("copy_id must be 1 to 64 letters, digits, '_' or '-'.")
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be timezone-aware.")

    @property
    def recipient_label(self) -> str:
        return clean_recipient(self.recipient)

    @property
    def visible_text(self) -> str:
        issued = self.issued_at.astimezone(UTC)
        return (
            f"Confidential — copy {self.copy_id} for {self.recipient_label}, "
            f"{issued:%Y-%m-%d %H:%M} UTC"
        )

    @property
    def marker(self) -> str:
        return f"{MARKER_PREFIX}{self.copy_id}"


def clean_recipient(recipient: str) -> str:
    """The recipient as shown in the mark: one line, no bidi tricks, no forged marker."""
    cleaned = []
    for char in unicodedata.normalize("NFC", str(recipient)):
        category = unicodedata.category(char)
        if category == "Cc" or char.isspace():
            cleaned.append(" ")
        elif category not in ("Cf", "Cs", "Co", "Cn"):
            cleaned.append(char)
    text = re.sub(r"\s+", " ", "".join(cleaned)).strip()
    # A name such as "TETHER-COPY:0000" must not read back as somebody else's copy id.
    text = re.sub(r"(?i)tether-copy", "TETHER COPY", text)
    if len(text) > MAX_RECIPIENT_LENGTH:
        text = text[: MAX_RECIPIENT_LENGTH - 1].rstrip() + "…"
    return text or "unnamed recipient"


def apply_watermark(data: bytes, media_type: str, mark: Mark) -> bytes | None:
    """A copy of ``data`` marked for ``mark``'s recipient, in the same format.

    Returns None when the media type cannot be watermarked (Office files, text): the caller
    decides whether the recipient may have the unmarked file. Raises WatermarkError when
    the file is of a supported type but cannot be processed (corrupt, encrypted PDF,
    too many pixels).
    """
    media_type = (media_type or "").split(";")[0].strip().lower()
    if not isinstance(mark, Mark):
        raise TypeError("mark must be a Mark.")
    if media_type not in WATERMARKABLE_MEDIA_TYPES:
        return None
    if not data:
        raise WatermarkError("The file is empty.")
    if media_type == PDF:
        return _watermark_pdf(bytes(data), mark)
    return _watermark_image(bytes(data), IMAGE_FORMATS[media_type], mark)


def read_watermark(data: bytes) -> str | None:
    """The copy id a Tether watermark left in ``data``, or None if the PDF/image has none.

    Looks at metadata first, then at the marks that survive its removal (invisible PDF
    text, pixel payload). Raises WatermarkError if ``data`` is not a readable PDF or image.
    """
    if not data:
        raise WatermarkError("The file is empty.")
    data = bytes(data)
    if b"%PDF-" in data[:1024]:
        return _read_pdf(data)
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")) or (
        data.startswith(b"RIFF") and data[8:12] == b"WEBP"
    ):
        return _read_image(data)
    raise WatermarkError("The file is not a PDF or a supported image (PNG, JPEG, GIF, WebP).")


# PDF --------------------------------------------------------------------------------------

_FONT_NAME = "/TetherWmFont"
_LIGHT_STATE = "/TetherWmLight"
_FOOTER_STATE = "/TetherWmFooter"

# Helvetica advance widths (1/1000 em) for printable ASCII, from the standard AFM; other
# WinAnsi characters are counted as 556, the width of most letters. Only used to fit lines.
# fmt: off
_HELVETICA_WIDTHS = dict(zip(range(32, 127), (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
), strict=True)) | {0x97: 1000, 0x96: 556, 0x85: 1000}  # em dash, en dash, ellipsis
# fmt: on


def _win_ansi(text: str) -> bytes:
    """``text`` in WinAnsiEncoding, the encoding of the standard Helvetica font.

    Characters it lacks lose their accents where that helps ("Ż" becomes "Z", "ł" "l") and
    are otherwise replaced by "?"; the bytes then go into a hex string, so no character
    of a recipient's name can end the string or inject PDF operators.
    """
    encoded = bytearray()
    for char in text:
        try:
            encoded += char.encode("cp1252")
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            encoded += base.encode("cp1252") if base else b"?"
        except UnicodeEncodeError:
            encoded += _LATIN_FALLBACKS.get(char, "?").encode("cp1252")
    return bytes(encoded)


def _text_width(encoded: bytes, size: float) -> float:
    return sum(_HELVETICA_WIDTHS.get(byte, 556) for byte in encoded) * size / 1000


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def _display_matrix(box: tuple[float, float, float, float], rotation: int):
    """Map "as displayed" coordinates (origin bottom-left of the rotated page) to user space,
    so the footer sits at the bottom of the page the reader sees, reading left to right."""
    x0, y0, x1, y1 = box
    return {
        0: (1, 0, 0, 1, x0, y0),
        90: (0, 1, -1, 0, x1, y0),
        180: (-1, 0, 0, -1, x1, y1),
        270: (0, -1, 1, 0, x0, y1),
    }[rotation]


def _pdf_overlay(box, rotation: int, mark: Mark) -> bytes:
    """The content stream drawn over one page of the given box and rotation."""
    x0, y0, x1, y1 = box
    width, height = (y1 - y0, x1 - x0) if rotation in (90, 270) else (x1 - x0, y1 - y0)
    matrix = " ".join(_number(v) for v in _display_matrix(box, rotation))

    footer = _win_ansi(mark.visible_text)
    margin = max(2.0, min(24.0, width * 0.04))
    footer_size = max(3.0, min(8.0, (width - 2 * margin) / max(_text_width(footer, 1), 1)))
    footer_y = max(3.0, min(14.0, height * 0.02))
    footer_width = _text_width(footer, footer_size)

    diagonal = _win_ansi(f"Confidential · {mark.recipient_label} · {mark.copy_id}")
    angle = math.atan2(height, width)
    cos, sin = math.cos(angle), math.sin(angle)
    diagonal_size = max(6.0, min(48.0, 0.75 * math.hypot(width, height) / _text_width(diagonal, 1)))
    half = _text_width(diagonal, diagonal_size) / 2
    drop = 0.35 * diagonal_size  # centre the line vertically on the diagonal
    diagonal_x = width / 2 - half * cos + drop * sin
    diagonal_y = height / 2 - half * sin - drop * cos

    n = _number
    return "\n".join(
        [
            "",
            "Q",  # closes the "q" put in front of the page's own content
            "q",
            f"{matrix} cm",
            f"{_LIGHT_STATE} gs 0.5 0.5 0.5 rg",
            # Text state is reset in case the page's own content left it changed.
            f"BT 0 Tr 0 Tc 0 Tw 100 Tz 0 Ts {_FONT_NAME} {n(diagonal_size)} Tf "
            f"{n(cos)} {n(sin)} {n(-sin)} {n(cos)} {n(diagonal_x)} {n(diagonal_y)} Tm "
            f"<{diagonal.hex()}> Tj ET",
            f"{_FOOTER_STATE} gs 1 1 1 rg",
            f"{n(margin - 2)} {n(footer_y - 0.35 * footer_size)} "
            f"{n(footer_width + 4)} {n(footer_size * 1.3)} re f",
            "0.15 0.15 0.15 rg",
            f"BT {_FONT_NAME} {n(footer_size)} Tf 1 0 0 1 {n(margin)} {n(footer_y)} Tm "
            f"<{footer.hex()}> Tj ET",
            # Invisible (render mode 3) but extractable: survives metadata stripping.
            f"BT 3 Tr {_FONT_NAME} 4 Tf 1 0 0 1 {n(margin)} {n(footer_y + footer_size * 1.5)} Tm "
            f"({mark.marker}) Tj ET",
            "Q",
            "",
        ]
    ).encode("ascii")


def _open_pdf(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are encrypted only to set permissions, with an empty user password.
            try:
                opened = reader.decrypt("")
            except Exception:  # pypdf raises many types for broken crypto
                opened = 0
            if not opened:
                raise WatermarkError(
                    "This is an encrypted PDF that needs a password to open; it cannot be "
                    "watermarked. Upload a copy without password protection."
                )
        if len(reader.pages) == 0:
            raise WatermarkError("The PDF has no pages.")
    except WatermarkError:
        raise
    except Exception as error:  # pypdf signals corruption with many types
        raise WatermarkError("The PDF is corrupt or truncated and cannot be read.") from error
    return reader


def _add_page_resources(page, font: IndirectObject, light, footer) -> None:
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    for category, name, value in (
        ("/Font", _FONT_NAME, font),
        ("/ExtGState", _LIGHT_STATE, light),
        ("/ExtGState", _FOOTER_STATE, footer),
    ):
        entries = resources.get(category)
        entries = entries.get_object() if entries is not None else None
        if not isinstance(entries, DictionaryObject):
            entries = DictionaryObject()
            resources[NameObject(category)] = entries
        entries[NameObject(name)] = value


def _page_box(page) -> tuple[float, float, float, float]:
    box = page.cropbox
    x0, x1 = sorted((float(box.left), float(box.right)))
    y0, y1 = sorted((float(box.bottom), float(box.top)))
    if x1 - x0 < 1 or y1 - y0 < 1:
        box = page.mediabox
        x0, x1 = sorted((float(box.left), float(box.right)))
        y0, y1 = sorted((float(box.bottom), float(box.top)))
    return x0, y0, x1, y1


def _xmp_with_mark(existing: bytes | None, copy_id: str) -> bytes:
    description = (
        f'<rdf:Description rdf:about="" xmlns:tether="{XMP_NAMESPACE}">'
        f"<tether:CopyId>{copy_id}</tether:CopyId></rdf:Description>"
    ).encode("ascii")
    if existing and b"</rdf:RDF>" in existing:
        # Drop an earlier Tether description (a copy of a copy), keep everything else.
        existing = re.sub(
            rb"<rdf:Description[^>]*xmlns:tether=[^>]*>.*?</rdf:Description>",
            b"",
            existing,
            flags=re.DOTALL,
        )
        at = existing.rfind(b"</rdf:RDF>")
        return existing[:at] + description + existing[at:]
    return (
        b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        + description
        + b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )


def _watermark_pdf(data: bytes, mark: Mark) -> bytes:
    reader = _open_pdf(data)
    try:
        # A full rewrite, never an incremental update: an update could be cut off again
        # by truncating the file at the original %%EOF.
        writer = PdfWriter(clone_from=reader)
        # pypdf has no public way to add an indirect object to a writer.
        add = writer._add_object
        font = add(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject("/Helvetica"),
                    NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                }
            )
        )
        light = add(_graphics_state(0.18))
        footer = add(_graphics_state(0.8))
        push = _stream(b"q\n")
        push_ref = add(push)
        overlays: dict[tuple, IndirectObject] = {}
        for page in writer.pages:
            box = _page_box(page)
            rotation = (round(int(page.rotation or 0) / 90) * 90) % 360
            key = (tuple(round(v, 2) for v in box), rotation)
            if key not in overlays:  # pages of one size share one overlay stream
                overlays[key] = add(_stream(_pdf_overlay(box, rotation, mark)))
            _add_page_resources(page, font, light, footer)
            page[NameObject("/Contents")] = ArrayObject(
                [push_ref, *_content_refs(writer, page), overlays[key]]
            )
        writer.add_metadata({PDF_INFO_KEY: mark.copy_id})
        _set_xmp(writer, mark.copy_id)
        output = io.BytesIO()
        writer.write(output)
    except WatermarkError:
        raise
    except Exception as error:  # pypdf signals corruption with many types
        raise WatermarkError("The PDF is damaged and could not be watermarked.") from error
    return output.getvalue()


def _graphics_state(opacity: float) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/ExtGState"),
            NameObject("/ca"): FloatObject(opacity),
            NameObject("/CA"): FloatObject(opacity),
        }
    )


def _stream(content: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(content)
    return stream


def _content_refs(writer: PdfWriter, page) -> list:
    contents = page.get("/Contents")
    if contents is None:
        return []
    resolved = contents.get_object()
    if isinstance(resolved, ArrayObject):
        return list(resolved)
    if isinstance(contents, IndirectObject):
        return [contents]
    return [writer._add_object(resolved)]


def _set_xmp(writer: PdfWriter, copy_id: str) -> None:
    existing = None
    metadata = writer.root_object.get("/Metadata")
    if metadata is not None:
        try:
            existing = metadata.get_object().get_data()
        except Exception:  # unreadable XMP is replaced, not fatal
            existing = None
        del writer.root_object["/Metadata"]  # a fresh, uncompressed stream replaces it
    writer.xmp_metadata = _xmp_with_mark(existing, copy_id)
    stream = writer.root_object["/Metadata"].get_object()
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")


def _valid_copy_id(value) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, str):
        value = value.strip()
        if COPY_ID_PATTERN.fullmatch(value):
            return value
    return None


def _read_pdf(data: bytes) -> str | None:
    reader = _open_pdf(data)
    for source in (_pdf_info_mark, _pdf_xmp_mark, _pdf_content_mark, _pdf_text_mark):
        try:
            copy_id = source(reader)
        except Exception:  # noqa: S112 - a damaged part must not hide the other marks
            continue
        if copy_id:
            return copy_id
    return None


def _pdf_info_mark(reader: PdfReader) -> str | None:
    info = reader.metadata
    return _valid_copy_id(info.get(PDF_INFO_KEY)) if info else None


def _pdf_xmp_mark(reader: PdfReader) -> str | None:
    metadata = reader.root_object.get("/Metadata")
    if metadata is None:
        return None
    found = _XMP_MARK.search(metadata.get_object().get_data())
    return found.group(1).decode("ascii") if found else None


def _pdf_content_mark(reader: PdfReader) -> str | None:
    literal = re.compile(rb"\(" + _MARKER.pattern + rb"\)")
    for page in reader.pages:
        contents = page.get_contents()
        if contents is None:
            continue
        found = literal.search(contents.get_data())
        if found:
            return found.group(1).decode("ascii")
    return None


def _pdf_text_mark(reader: PdfReader) -> str | None:
    # For copies whose content streams were rewritten (e.g. re-saved by another tool).
    for page in list(reader.pages)[:_TEXT_SCAN_PAGES]:
        found = _TEXT_MARKER.search(page.extract_text())
        if found:
            return found.group(1)
    return None


# Images ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


@functools.lru_cache(maxsize=1024)
def _has_glyph(char: str) -> bool:
    """Whether the default font draws ``char`` rather than its "missing glyph" box."""
    font = _font(20)
    try:
        missing = bytes(font.getmask("\U0010fffd"))
    except Exception:  # a bitmap fallback font cannot even encode it
        missing = None
    try:
        return char.isspace() or bytes(font.getmask(char)) != missing
    except Exception:  # the bitmap font raises for characters outside Latin-1
        return False


def _drawable(text: str) -> str:
    """``text`` with what the font cannot draw simplified ("é" to "e") or replaced by "?"."""
    result = []
    for char in text:
        if _has_glyph(char):
            result.append(char)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if base and all(_has_glyph(c) for c in base):
            result.append(base)
        else:
            result.append(_LATIN_FALLBACKS.get(char, "?"))
    return "".join(result)


def _open_image(data: bytes, formats: list[str]) -> Image.Image:
    """Open (without decoding pixels) and refuse images too large to process safely."""
    try:
        image = Image.open(io.BytesIO(data), formats=formats)
    except Image.DecompressionBombError as error:
        raise WatermarkError("The image has too many pixels to be processed safely.") from error
    except UnidentifiedImageError as error:
        raise WatermarkError(
            f"The file is not a valid {formats[0]} image, or it is corrupt."
            if len(formats) == 1
            else "The image is corrupt or truncated, or its format is not supported."
        ) from error
    except Exception as error:  # Pillow's plugins signal damage with many exception types
        raise WatermarkError("The image is corrupt or truncated.") from error
    width, height = image.size
    if width <= 0 or height <= 0:
        raise WatermarkError("The image has no pixels.")
    if width * height > MAX_IMAGE_PIXELS:
        raise WatermarkError(
            f"The image is {width}×{height} pixels; at most "
            f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels can be processed."
        )
    return image


def _frame_count(image: Image.Image) -> int:
    try:
        frames = int(getattr(image, "n_frames", 1))
    except Exception as error:  # counting frames parses the whole file
        raise WatermarkError("The image is corrupt or truncated.") from error
    width, height = image.size
    if frames > MAX_FRAMES or frames * width * height > MAX_ANIMATION_PIXELS:
        raise WatermarkError(f"The animation has too many frames ({frames}) to be watermarked.")
    return frames


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _output_mode(image: Image.Image, image_format: str) -> str:
    """Keep grey images grey and transparent ones transparent, within what the format holds."""
    grey = image.mode in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F")
    if image_format == "JPEG":
        return "L" if grey else "RGB"
    if image_format == "GIF":
        return "P"
    if _has_alpha(image):
        return "RGBA"
    # WebP stores no grey images: Pillow would widen them to RGB on its own.
    return "L" if grey and image_format == "PNG" else "RGB"


def _fitted_font(draw: ImageDraw.ImageDraw, text: str, size: int, max_width: float):
    font = _font(size)
    length = draw.textlength(text, font=font)
    if length > max_width and length > 0:
        size = max(6, int(size * max_width / length))
        font = _font(size)
    return font, size


def _draw_overlay(size: tuple[int, int], mark: Mark) -> Image.Image:
    """A transparent layer with the tiled diagonal line and the footer band."""
    width, height = size
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)

    tile_text = _drawable(f"{mark.copy_id} · {mark.recipient_label}")
    tile_font, tile_size = _fitted_font(
        draw, tile_text, max(10, min(64, min(width, height) // 16)), max(width * 0.6, 40)
    )
    left, top, right, bottom = draw.textbbox((0, 0), tile_text, font=tile_font)
    tile = Image.new("RGBA", (right - left + tile_size * 2, bottom - top + tile_size * 2))
    ImageDraw.Draw(tile).text(
        (tile_size - left, tile_size - top), tile_text, font=tile_font, fill=(128, 128, 128, 80)
    )
    tile = tile.rotate(25, expand=True, resample=Image.Resampling.BICUBIC)
    for row, y in enumerate(range(0, height, tile.height)):
        offset = (row % 2) * tile.width // 2
        for x in range(-offset, width, tile.width):
            if x >= 0:
                overlay.alpha_composite(tile, dest=(x, y))
            else:
                overlay.alpha_composite(tile.crop((-x, 0, tile.width, tile.height)), dest=(0, y))

    text = _drawable(mark.visible_text)
    padding = max(2, width // 100)
    font, font_size = _fitted_font(
        draw, text, max(9, min(40, width // 45)), max(width - 2 * padding, 1)
    )
    if draw.textlength(text, font=font) > width - 2 * padding:
        # Too narrow for one line even in small type: break after the copy id.
        text = text.replace(" for ", "\nfor ", 1)
        widest = max(text.splitlines(), key=lambda line: draw.textlength(line, font=font))
        font, font_size = _fitted_font(draw, widest, font_size, max(width - 2 * padding, 1))
    left, top, right, bottom = draw.multiline_textbbox((0, 0), text, font=font)
    band = bottom - top + 2 * padding
    draw.rectangle((0, height - band, width, height), fill=(0, 0, 0, 150))
    draw.multiline_text(
        (padding - left, height - band + padding - top), text, font=font, fill=(255, 255, 255, 240)
    )
    return overlay


def _mark_frame(frame: Image.Image, mark: Mark, mode: str, hide_payload: bool) -> Image.Image:
    if frame.mode in ("I", "I;16", "I;16B", "I;16L"):
        # 16-bit grey: scale to 8 bits, which a plain conversion would clip to white.
        frame = frame.convert("I").point(lambda value: value / 256).convert("L")
    base = frame.convert("RGBA")
    marked = Image.alpha_composite(base, _draw_overlay(base.size, mark))
    if mode != "P":
        result = marked.convert(mode)
        if hide_payload:
            _embed_lsb(result, mark.copy_id)
        return result
    # GIF: back to at most 255 colours; index 255 is kept for transparency.
    alpha = marked.getchannel("A")
    paletted = marked.convert("RGB").quantize(colors=255, dither=Image.Dither.NONE)
    if alpha.getextrema()[0] < 128:
        paletted.paste(255, mask=alpha.point(lambda a: 255 if a < 128 else 0))
        paletted.info["transparency"] = 255
    return paletted


def _exif_with_marker(mark: Mark, source: Image.Exif | None = None) -> bytes:
    exif = Image.Exif()
    if source is not None:
        # Only what a viewer needs; GPS, device and author data are not passed on.
        for tag in (ExifTags.Base.XResolution, ExifTags.Base.YResolution):
            if tag in source:
                exif[tag] = source[tag]
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.UserComment] = (
        b"ASCII\x00\x00\x00" + mark.marker.encode("ascii") + b"\x00"
    )
    return exif.tobytes()


def _watermark_image(data: bytes, image_format: str, mark: Mark) -> bytes:
    image = _open_image(data, [image_format])
    frame_count = _frame_count(image)
    # A lossy WebP stays lossy (re-encoding it losslessly would triple its size), so only
    # lossless WebP carries the pixel payload.
    lossless_webp = image_format == "WEBP" and _webp_is_lossless(data)
    try:
        info = dict(image.info)
        exif = image.getexif()
        frames, durations = [], []
        for index in range(frame_count):
            image.seek(index)
            frame = image if frame_count > 1 else ImageOps.exif_transpose(image)
            mode = _output_mode(frame, image_format)
            # Lossy compression would wipe out a pixel payload: only lossless output gets one.
            hide_payload = image_format == "PNG" or lossless_webp
            frames.append(_mark_frame(frame, mark, mode, hide_payload))
            durations.append(image.info.get("duration", info.get("duration", 100)))
    except WatermarkError:
        raise
    except Exception as error:  # Pillow's decoders signal damage with many exception types
        raise WatermarkError("The image is corrupt or truncated.") from error

    options: dict = {"format": image_format}
    for key in ("icc_profile", "dpi"):
        if info.get(key):
            options[key] = info[key]
    if frame_count > 1:
        options.update(
            save_all=True, append_images=frames[1:], duration=durations, loop=info.get("loop", 0)
        )
    if image_format == "PNG":
        text = PngInfo()
        text.add_text(PNG_TEXT_KEY, mark.copy_id)
        options["pnginfo"] = text
        # zlib level 3, not Pillow's default 6: a 12-megapixel copy is written in ~0.8 s
        # instead of ~3 s, at about the same size (bench/security.py).
        options["compress_level"] = 3
    elif image_format == "JPEG":
        options.update(
            quality=90, comment=mark.marker.encode("ascii"), exif=_exif_with_marker(mark, exif)
        )
    elif image_format == "GIF":
        options["comment"] = mark.marker.encode("ascii")
        if "transparency" in frames[0].info:
            options["transparency"] = 255
    elif image_format == "WEBP":
        if lossless_webp:
            # Exact, so the pixel payload under transparent areas is kept too.
            options.update(lossless=True, exact=True, quality=50, method=2)
        else:
            options.update(quality=90)
        options["exif"] = _exif_with_marker(mark, exif)
    output = io.BytesIO()
    try:
        frames[0].save(output, **options)
    except (OSError, ValueError) as error:
        raise WatermarkError("The watermarked image could not be written.") from error
    return output.getvalue()


def _webp_is_lossless(data: bytes) -> bool:
    """Whether a WebP file's (first) image is VP8L, by walking its RIFF chunks."""
    position, end = 12, min(len(data), 12 + int.from_bytes(data[4:8], "little"))
    while position + 8 <= end:
        fourcc = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        if fourcc == b"ANMF":
            position += 8 + 16  # into the first frame: its header, then its image chunks
            continue
        position += 8 + size + (size & 1)
    return False


def _lsb_payload(copy_id: str) -> bytes:
    body = bytes([len(copy_id)]) + copy_id.encode("ascii")
    return LSB_MAGIC + body + zlib.crc32(body).to_bytes(4, "big")


def _channels(mode: str) -> int:
    return {"L": 1, "RGB": 3, "RGBA": 3}[mode]  # alpha is left alone


def _embed_lsb(image: Image.Image, copy_id: str) -> None:
    """Hide the payload in the pixels' lowest bits, from the start of a few rows."""
    payload = _lsb_payload(copy_id)
    bits = [(byte >> shift) & 1 for byte in payload for shift in range(7, -1, -1)]
    channels = _channels(image.mode)
    width, height = image.size
    rows = math.ceil(math.ceil(len(bits) / channels) / width)
    if rows > height:
        return  # too small to carry it; the metadata still does
    starts, next_free = [], 0
    for row in (0, height // 4, height // 2, 3 * height // 4, height - rows):
        if row >= next_free and row + rows <= height:
            starts.append(row)
            next_free = row + rows
    pixels = image.load()
    for start in starts:
        for pixel in range(math.ceil(len(bits) / channels)):
            x, y = pixel % width, start + pixel // width
            chunk = bits[pixel * channels : (pixel + 1) * channels]
            if channels == 1:
                pixels[x, y] = (pixels[x, y] & ~1) | chunk[0]
            else:
                value = list(pixels[x, y])
                for channel, bit in enumerate(chunk):
                    value[channel] = (value[channel] & ~1) | bit
                pixels[x, y] = tuple(value)


def _read_lsb(image: Image.Image) -> str | None:
    if image.mode not in ("L", "RGB", "RGBA"):
        return None
    pixels = image.load()
    width, height = image.size
    # A grey image widened to RGB keeps its payload in each channel: try one channel too.
    layouts = (1,) if image.mode == "L" else (3, 1)

    def read(start: int, channels: int, first_bit: int, count: int) -> bytes | None:
        value = 0
        for bit in range(first_bit, first_bit + count * 8):
            pixel, channel = divmod(bit, channels)
            x, y = pixel % width, start + pixel // width
            if y >= height:
                return None
            sample = pixels[x, y]
            if not isinstance(sample, int):
                sample = sample[channel]
            value = (value << 1) | (sample & 1)
        return value.to_bytes(count, "big")

    for channels in layouts:
        for start in range(height):
            if read(start, channels, 0, len(LSB_MAGIC)) != LSB_MAGIC:
                continue
            length = read(start, channels, 32, 1)
            if not length:
                continue
            body_and_crc = read(start, channels, 32, 1 + length[0] + 4)
            if body_and_crc is None:
                continue
            body, crc = body_and_crc[:-4], body_and_crc[-4:]
            if zlib.crc32(body).to_bytes(4, "big") == crc:
                copy_id = _valid_copy_id(body[1:])
                if copy_id:
                    return copy_id
    return None


def _read_image(data: bytes) -> str | None:
    image = _open_image(data, ["PNG", "JPEG", "GIF", "WEBP", "BMP"])
    try:
        image.load()  # decodes everything: a truncated or corrupt file fails here
    except Image.DecompressionBombError as error:
        raise WatermarkError("The image has too many pixels to be processed safely.") from error
    except Exception as error:  # Pillow's decoders signal damage with many exception types
        raise WatermarkError("The image is corrupt or truncated.") from error
    copy_id = _valid_copy_id(image.info.get(PNG_TEXT_KEY))
    if copy_id:
        return copy_id
    for value in image.info.values():  # COM, GIF comment, raw EXIF, XMP
        if isinstance(value, str):
            value = value.encode("utf-8", "replace")
        if isinstance(value, bytes):
            found = _MARKER.search(value)
            if found:
                return found.group(1).decode("ascii")
    try:
        return _read_lsb(image)
    except (OSError, ValueError) as error:
        raise WatermarkError("The image is corrupt or truncated.") from error
