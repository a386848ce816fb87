import io
import random
import struct
import zlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    RectangleObject,
)

from tests.documents.test_sniff import image_bytes, ooxml_bytes, pdf_bytes
from tether.documents.watermark import (
    MAX_IMAGE_PIXELS,
    Mark,
    WatermarkError,
    apply_watermark,
    clean_recipient,
    read_watermark,
)

COPY_ID = "3f9a0c1d2e4b5a69"
ISSUED = datetime(2025, 3, 1, 14, 2, tzinfo=UTC)
MARK = Mark(copy_id=COPY_ID, recipient="Jane Doe (Beta Cloud GmbH)", issued_at=ISSUED)


def text_pdf(rotations=(0,), origin=(0, 0), unbalanced=False) -> bytes:
    """A PDF with real text content and its own font, one page per rotation."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Times-Roman"),
            }
        )
    )
    left, bottom = origin
    for number, rotation in enumerate(rotations, start=1):
        page = writer.add_blank_page(width=595, height=842)
        page.mediabox = RectangleObject([left, bottom, left + 595, bottom + 842])
        # An unclosed "q" and a changed text state must not leak into the watermark.
        prefix = "q 2 0 0 2 0 0 cm 7 Tr 5 Tc " if unbalanced else ""
        content = DecodedStreamObject()
        text = f"BT /F1 18 Tf {left + 72} {bottom + 720} Td (Original page {number}) Tj ET"
        content.set_data(f"{prefix}{text}".encode())
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        if rotation:
            page.rotate(rotation)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, keep_metadata: bool = False) -> bytes:
    """Copy the pages into a fresh PDF, as a tool stripping metadata would."""
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    if keep_metadata:
        writer.add_metadata(PdfReader(io.BytesIO(data)).metadata)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size without holding the pixels: a decompression bomb's header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


# Mark ------------------------------------------------------------------------------------


def test_mark_wording_names_copy_recipient_and_utc_time():
    paris = timezone(timedelta(hours=1))
    mark = Mark(COPY_ID, "Jane Doe", datetime(2025, 3, 1, 15, 2, tzinfo=paris))

    assert mark.visible_text == f"Confidential — copy {COPY_ID} for Jane Doe, 2025-03-01 14:02 UTC"


@pytest.mark.parametrize("copy_id", ["", "has space", "x" * 65, "semi;colon", "ünï"])
def test_mark_refuses_copy_ids_that_could_not_be_read_back(copy_id):
    with pytest.raises(ValueError, match="copy_id"):
        Mark(copy_id, "Jane", ISSUED)


def test_mark_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        Mark(COPY_ID, "Jane", datetime(2025, 3, 1, 14, 2))  # noqa: DTZ001


def test_recipient_is_cleaned_of_controls_bidi_overrides_and_forged_markers():
    assert clean_recipient("Jane\u202e eoD\n\x00 Smith") == "Jane eoD Smith"
    assert clean_recipient("tether-copy:0000") == "TETHER COPY:0000"
    assert clean_recipient("   ") == "unnamed recipient"
    assert len(clean_recipient("x" * 1000)) == 120


# PDF -------------------------------------------------------------------------------------


def test_pdf_round_trip_marks_every_page_including_rotated_ones():
    original = text_pdf(rotations=(0, 90, 180, 270, 0))

    marked = apply_watermark(original, "application/pdf", MARK)

    reader = PdfReader(io.BytesIO(marked))
    assert len(reader.pages) == 5
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Original page {number}" in text
        assert f"copy {COPY_ID} for Jane Doe (Beta Cloud GmbH), 2025-03-01 14:02 UTC" in text
        assert f"TETHER-COPY:{COPY_ID}" in text
    assert [page.rotation for page in reader.pages] == [0, 90, 180, 270, 0]
    assert read_watermark(marked) == COPY_ID


def test_pdf_machine_readable_marks_are_in_info_and_xmp():
    marked = apply_watermark(pdf_bytes(pages=2), "application/pdf", MARK)

    reader = PdfReader(io.BytesIO(marked))
    assert reader.metadata["/TetherCopyId"] == COPY_ID
    xmp = reader.root_object["/Metadata"].get_object()
    assert xmp["/Subtype"] == "/XML"
    assert f"<tether:CopyId>{COPY_ID}</tether:CopyId>".encode() in xmp.get_data()


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_pdf_footer_sits_at_the_bottom_of_the_page_as_displayed(rotation):
    origin = (100, 50)  # a media box that does not start at 0, 0
    marked = apply_watermark(text_pdf((rotation,), origin=origin), "application/pdf", MARK)
    page = PdfReader(io.BytesIO(marked)).pages[0]
    found = []

    def visit(text, cm, tm, font, size):
        if "Confidential — copy" in text:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            direction = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3])
            found.append((x, y, direction))

    page.extract_text(visitor_text=visit)

    x0, y0, x1, y1 = 100, 50, 695, 892
    x, y, (dx, dy) = found[-1]
    distance_from_bottom, reading_direction = {
        0: (y - y0, (1, 0)),
        90: (x1 - x, (0, 1)),
        180: (y1 - y, (-1, 0)),
        270: (x - x0, (0, -1)),
    }[rotation]
    assert 0 < distance_from_bottom < 20
    assert (round(dx), round(dy)) == reading_direction
    assert x0 <= x <= x1 and y0 <= y <= y1


def test_pdf_watermark_is_not_disturbed_by_unbalanced_page_content():
    marked = apply_watermark(text_pdf((0, 0), unbalanced=True), "application/pdf", MARK)

    overlay = PdfReader(io.BytesIO(marked)).pages[0]["/Contents"][-1].get_object()
    operations = [op for _, op in ContentStream(overlay, None).operations]
    assert operations[:2] == [b"Q", b"q"]  # closes the q put before the page's content
    assert b"Tz" in operations and b"Tc" in operations  # text state reset before drawing
    assert read_watermark(marked) == COPY_ID


def test_pdf_with_metadata_stripped_is_still_traced_by_its_invisible_text():
    marked = apply_watermark(text_pdf((0, 90)), "application/pdf", MARK)

    stripped = rewrite(marked)

    reader = PdfReader(io.BytesIO(stripped))
    assert "/TetherCopyId" not in (reader.metadata or {})
    assert "/Metadata" not in reader.root_object
    assert read_watermark(stripped) == COPY_ID


def test_pdf_whose_content_was_reencoded_is_traced_through_text_extraction():
    marked = apply_watermark(pdf_bytes(), "application/pdf", MARK)
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(marked)).pages:
        writer.add_page(page)
    for page in writer.pages:
        for reference in page["/Contents"]:
            stream = reference.get_object()
            literal = f"({MARK.marker})".encode()
            stream.set_data(
                stream.get_data().replace(
                    literal, b"<" + MARK.marker.encode().hex().encode() + b">"
                )
            )
    buffer = io.BytesIO()
    writer.write(buffer)

    assert f"({MARK.marker})".encode() not in buffer.getvalue()
    assert read_watermark(buffer.getvalue()) == COPY_ID


HOSTILE_RECIPIENTS = [
    "(evil) \\ ) Tj",
    "<script>alert(1)</script>",
    "Emoji 😀👍 Person",
    "\u202eevil RTL override",
    "Zoë Ünal-Łukasz Żółć",
    "Иван Петров",
    "null\x00 and\nnewline",
    "endstream endobj %%EOF",
    ") Tj ET BT /F1 99 Tf (",
    "TETHER-COPY:0000000000000000",
    "x" * 500,
]


@pytest.mark.parametrize("recipient", HOSTILE_RECIPIENTS)
def test_hostile_recipient_names_give_valid_pdfs_that_read_back(recipient):
    mark = Mark(COPY_ID, recipient, ISSUED)

    marked = apply_watermark(text_pdf((0, 90)), "application/pdf", mark)

    reader = PdfReader(io.BytesIO(marked), strict=True)
    for page in reader.pages:
        overlay = page["/Contents"][-1].get_object()
        operators = [op for _, op in ContentStream(overlay, reader).operations]
        assert operators.count(b"Tj") == 3  # diagonal, footer, invisible: nothing injected
        assert f"copy {COPY_ID} for" in page.extract_text()
    assert read_watermark(marked) == COPY_ID
    assert read_watermark(rewrite(marked)) == COPY_ID


def test_recipient_pretending_to_be_a_marker_does_not_fool_text_extraction():
    mark = Mark(COPY_ID, "TETHER-COPY:0000000000000000", ISSUED)
    marked = apply_watermark(pdf_bytes(), "application/pdf", mark)

    text = PdfReader(io.BytesIO(marked)).pages[0].extract_text()

    assert "TETHER-COPY:0000" not in text
    assert read_watermark(rewrite(marked)) == COPY_ID


def test_watermarking_a_copy_again_records_the_new_copy_id():
    first = apply_watermark(pdf_bytes(), "application/pdf", MARK)

    second = apply_watermark(first, "application/pdf", Mark("bbbbbbbbbbbbbbbb", "Joe", ISSUED))

    assert read_watermark(second) == "bbbbbbbbbbbbbbbb"
    xmp = PdfReader(io.BytesIO(second)).root_object["/Metadata"].get_object().get_data()
    assert xmp.count(b"tether:CopyId>") == 2  # one element, opened and closed


def test_pdf_without_a_mark_reads_as_none():
    assert read_watermark(text_pdf((0, 90))) is None


def _encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_password_protected_pdf_cannot_be_watermarked():
    with pytest.raises(WatermarkError, match="encrypted PDF"):
        apply_watermark(_encrypted_pdf("open-sesame"), "application/pdf", MARK)
    with pytest.raises(WatermarkError, match="encrypted PDF"):
        read_watermark(_encrypted_pdf("open-sesame"))


def test_pdf_encrypted_only_for_permissions_is_watermarked():
    marked = apply_watermark(_encrypted_pdf(""), "application/pdf", MARK)

    assert read_watermark(marked) == COPY_ID


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
        pdf_bytes()[:40],
    ],
)
def test_broken_pdf_raises_watermark_error(data):
    with pytest.raises(WatermarkError, match="PDF"):
        apply_watermark(data, "application/pdf", MARK)
    with pytest.raises(WatermarkError, match="PDF"):
        read_watermark(data)


# Images ----------------------------------------------------------------------------------

IMAGE_CASES = [
    ("image/png", "PNG", {}),
    ("image/jpeg", "JPEG", {}),
    ("image/gif", "GIF", {}),
    ("image/webp", "WEBP", {"lossless": True}),
    ("image/webp", "WEBP", {"quality": 80}),
]


@pytest.mark.parametrize(("media_type", "image_format", "options"), IMAGE_CASES)
def test_image_round_trip_keeps_format_and_size_and_marks_the_footer(
    media_type, image_format, options
):
    original = image_bytes(image_format, size=(320, 200), color=(240, 240, 240), **options)

    marked = apply_watermark(original, media_type, MARK)

    before = Image.open(io.BytesIO(original)).convert("RGB")
    after = Image.open(io.BytesIO(marked))
    assert after.format == image_format
    assert after.size == (320, 200)
    footer = (0, 185, 320, 200)
    difference = ImageChops.difference(before.crop(footer), after.convert("RGB").crop(footer))
    assert max(ImageStat.Stat(difference).mean) > 40  # a dark band with light text
    assert read_watermark(marked) == COPY_ID


def test_png_without_metadata_is_traced_by_its_pixels():
    marked = apply_watermark(image_bytes("PNG", size=(300, 200)), "image/png", MARK)
    image = Image.open(io.BytesIO(marked))
    assert image.text["TetherCopyId"] == COPY_ID

    resaved = io.BytesIO()
    image.save(resaved, format="PNG")  # no pnginfo: the text chunk is gone

    assert "TetherCopyId" not in Image.open(io.BytesIO(resaved.getvalue())).info
    assert read_watermark(resaved.getvalue()) == COPY_ID


def test_png_payload_survives_cropping_the_top_and_conversion_to_bmp():
    marked = Image.open(
        io.BytesIO(apply_watermark(image_bytes("PNG", size=(300, 200)), "image/png", MARK))
    )
    cropped = marked.crop((0, 30, 300, 200))
    buffer = io.BytesIO()
    cropped.save(buffer, format="BMP")

    assert read_watermark(buffer.getvalue()) == COPY_ID


def test_lossless_webp_payload_survives_resaving_as_png_without_metadata():
    marked = apply_watermark(image_bytes("WEBP", lossless=True), "image/webp", MARK)
    buffer = io.BytesIO()
    Image.open(io.BytesIO(marked)).save(buffer, format="PNG")

    assert read_watermark(buffer.getvalue()) == COPY_ID


def test_jpeg_carries_the_mark_in_its_comment_and_exif():
    marked = apply_watermark(image_bytes("JPEG"), "image/jpeg", MARK)
    image = Image.open(io.BytesIO(marked))

    assert image.info["comment"] == f"TETHER-COPY:{COPY_ID}".encode()
    assert COPY_ID.encode() in image.getexif().get_ifd(0x8769)[0x9286]

    pixels_only = Image.frombytes(image.mode, image.size, image.tobytes())  # no info at all
    without_comment = io.BytesIO()
    pixels_only.save(without_comment, format="JPEG", exif=image.info["exif"])
    assert read_watermark(without_comment.getvalue()) == COPY_ID

    # Documented limit: a JPEG stripped of all metadata keeps only the visible mark.
    stripped = io.BytesIO()
    pixels_only.save(stripped, format="JPEG")
    assert read_watermark(stripped.getvalue()) is None


def test_grey_png_stays_grey_and_transparent_png_stays_transparent():
    grey = apply_watermark(image_bytes("PNG", mode="L", color=200), "image/png", MARK)
    transparent = apply_watermark(
        image_bytes("PNG", mode="RGBA", color=(10, 20, 30, 0)), "image/png", MARK
    )

    assert Image.open(io.BytesIO(grey)).mode == "L"
    image = Image.open(io.BytesIO(transparent))
    assert image.mode == "RGBA"
    assert image.getpixel((32, 10))[3] < 128  # away from the footer, still see-through
    assert read_watermark(grey) == read_watermark(transparent) == COPY_ID


def test_palette_png_with_transparency_becomes_rgba():
    image = Image.new("P", (64, 48), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", transparency=1)

    marked = Image.open(io.BytesIO(apply_watermark(buffer.getvalue(), "image/png", MARK)))

    assert marked.mode == "RGBA"


def test_sixteen_bit_grey_png_is_scaled_not_clipped_to_white():
    image = Image.frombytes("I;16", (64, 48), (1000).to_bytes(2, "little") * 64 * 48)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")

    marked = Image.open(io.BytesIO(apply_watermark(buffer.getvalue(), "image/png", MARK)))

    assert marked.mode == "L"
    assert marked.getpixel((60, 2)) in (3, 4)  # 1000 / 256, give or take the payload bit


def test_jpeg_orientation_is_applied_before_marking():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when displayed
    original = image_bytes("JPEG", size=(120, 80), exif=exif.tobytes())

    marked = Image.open(io.BytesIO(apply_watermark(original, "image/jpeg", MARK)))

    assert marked.size == (80, 120)
    assert 0x0112 not in marked.getexif()


def test_animated_gif_keeps_its_frames_and_timing():
    frames = [Image.new("RGB", (90, 60), (index * 60, 80, 160)) for index in range(3)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[50, 100, 150],
        loop=0,
    )

    marked_bytes = apply_watermark(buffer.getvalue(), "image/gif", MARK)
    marked = Image.open(io.BytesIO(marked_bytes))

    assert marked.n_frames == 3
    durations = []
    for index in range(3):
        marked.seek(index)
        durations.append(marked.info["duration"])
    assert durations == [50, 100, 150]
    assert read_watermark(buffer.getvalue()) is None
    assert read_watermark(marked_bytes) == COPY_ID


def test_tiny_image_is_marked_by_metadata_when_pixels_cannot_hold_the_payload():
    marked = apply_watermark(image_bytes("PNG", size=(8, 8)), "image/png", MARK)

    assert read_watermark(marked) == COPY_ID


@pytest.mark.parametrize("recipient", HOSTILE_RECIPIENTS)
def test_hostile_recipient_names_are_drawn_on_images(recipient):
    marked = apply_watermark(
        image_bytes("PNG", size=(200, 100)), "image/png", Mark(COPY_ID, recipient, ISSUED)
    )

    assert read_watermark(marked) == COPY_ID


def test_image_without_a_mark_reads_as_none():
    for image_format in ("PNG", "JPEG", "GIF", "WEBP", "BMP"):
        assert read_watermark(image_bytes(image_format)) is None


def test_image_too_large_is_refused_before_decoding():
    side = int(MAX_IMAGE_PIXELS**0.5) + 10
    with pytest.raises(WatermarkError, match="megapixels"):
        apply_watermark(png_header(side, side), "image/png", MARK)
    with pytest.raises(WatermarkError, match="megapixels"):
        read_watermark(png_header(side, side))


def test_decompression_bomb_becomes_a_watermark_error():
    with pytest.raises(WatermarkError, match="too many pixels"):
        read_watermark(png_header(100_000, 100_000))
    with pytest.raises(WatermarkError, match="too many pixels"):
        apply_watermark(png_header(100_000, 100_000), "image/png", MARK)


def test_image_whose_content_is_not_the_declared_type_is_refused():
    with pytest.raises(WatermarkError, match="not a valid PNG image"):
        apply_watermark(image_bytes("JPEG"), "image/png", MARK)


# Other types and malformed input ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (
            ooxml_bytes("word"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (b"a,b\n1,2\n", "text/csv"),
        (b"notes", "text/plain"),
    ],
)
def test_types_that_cannot_be_watermarked_return_none(data, media_type):
    assert apply_watermark(data, media_type, MARK) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"just some text", "not a PDF or a supported image"),
        (ooxml_bytes("word"), "not a PDF or a supported image"),
        (image_bytes("PNG")[:60], "corrupt or truncated"),
        (image_bytes("JPEG")[:200], "corrupt or truncated"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "corrupt"),
        (b"GIF89a" + b"\xff" * 20, "corrupt"),
    ],
)
def test_malformed_input_raises_a_clear_watermark_error(data, message):
    with pytest.raises(WatermarkError, match=message):
        read_watermark(data)


def test_empty_pdf_or_image_cannot_be_watermarked():
    for media_type in ("application/pdf", "image/png"):
        with pytest.raises(WatermarkError, match="empty"):
            apply_watermark(b"", media_type, MARK)


def _outcome(function, *args):
    try:
        result = function(*args)
    except WatermarkError:
        return "error"
    assert result is None or isinstance(result, str | bytes)
    return result


def test_arbitrary_bytes_never_escape_as_unexpected_exceptions():
    rng = random.Random(20250301)
    marked_pdf = apply_watermark(text_pdf((0, 90)), "application/pdf", MARK)
    marked_png = apply_watermark(image_bytes("PNG", size=(64, 48)), "image/png", MARK)
    samples = [rng.randbytes(rng.randint(1, 400)) for _ in range(20)]
    for prefix in (b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"BM"):
        samples += [prefix + rng.randbytes(rng.randint(0, 300)) for _ in range(4)]
    for source in (marked_pdf, marked_png):
        samples += [source[: rng.randint(1, len(source) - 1)] for _ in range(12)]
        for _ in range(12):
            mutated = bytearray(source)
            for _ in range(rng.randint(1, 20)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            samples.append(bytes(mutated))

    for sample in samples:
        _outcome(read_watermark, sample)
        if sample.startswith(b"%PDF"):
            _outcome(apply_watermark, sample, "application/pdf", MARK)
        elif sample.startswith(b"\x89PNG"):
            _outcome(apply_watermark, sample, "image/png", MARK)
