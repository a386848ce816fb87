"""Refuse damaged PDFs and images at upload: they would fail later, for the provider or the
watermark, with nobody left to ask for a good copy."""

import io
import logging
import warnings

from django.core.exceptions import ValidationError

MAX_IMAGE_PIXELS = 100_000_000


def check_readable(media_type: str, data: bytes) -> None:
    if media_type == "application/pdf":
        _check_pdf(data)
    elif media_type.startswith("image/"):
        _check_image(data)


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError("The PDF is password-protected; upload it without the "
                                  "password so it can be watermarked and read.")
        if len(reader.pages) == 0:
            raise ValidationError("The PDF has no pages.")
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ValidationError(f"The PDF is damaged and cannot be read ({type(error).__name__})."
                              ) from None


def _check_image(data: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise ValidationError(f"The image is {image.width}×{image.height} pixels; "
                                          "at most 100 megapixels are accepted.")
                image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(f"The image is damaged and cannot be read ({type(error).__name__})."
                              ) from None
