"""The one-cell notation of a question's scoring, shared by CSV/XLSX files and the question form.

Options (yes/no and choice questions), items separated by semicolons::

    yes=1; no=0
    iso27001|ISO/IEC 27001 certified=1; soc2|SOC 2 Type II report=0.8; none|Neither=0

Each item is ``value=score`` or ``value|label=score``; the score is from 0 to 1. Bands (number
questions), ``min-max=score`` with min included and max excluded, either may be left out::

    -0=0; 0-3=0.5; 3-=1

meaning below 0 scores 0, from 0 to under 3 scores 0.5, 3 or more scores 1. A decimal comma
works too (``0,5``). A value or label holding ``;``, ``=``, ``|`` or ``\\`` writes it with a
backslash before it (``a\\;b``). Answers that show a conditional question are listed the
same way: ``yes`` or ``partly; no``.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SPECIAL = ";=|\\"
NUMBER = r"-?\d+(?:[.,]\d+)?"
BAND = re.compile(rf"\s*({NUMBER})?\s*[-–]\s*({NUMBER})?\s*=\s*(\S+)\s*")
MAX_ITEMS = 200


class NotationError(ValueError):
    """Text that does not follow the notation; the message says what to write instead."""


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    score: Decimal


@dataclass(frozen=True)
class Band:
    min: Decimal | None
    max: Decimal | None
    score: Decimal


def number(raw) -> Decimal | None:
    """A number from a cell or a YAML value: 1, 0.5, "0,5", " 2 "; None if it is none."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float | Decimal):
        text = str(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if "," in text and "." not in text:
            text = text.replace(",", ".")
    else:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _split(text: str, separator: str) -> list[str]:
    """Split on an unescaped separator, keeping escapes for the next step."""
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\\\")
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


def _escape(text: str) -> str:
    return "".join("\\" + char if char in SPECIAL else char for char in str(text))


def _items(text: str) -> list[str]:
    items = [item for item in _split(text or "", ";") if item.strip()]
    if len(items) > MAX_ITEMS:
        raise NotationError(f"{len(items)} items; at most {MAX_ITEMS} are allowed.")
    return items


def _score(raw: str, what: str) -> Decimal:
    score = number(_unescape(raw))
    if score is None:
        raise NotationError(f"{what}: “{_unescape(raw)}” is not a score; write a number "
                            "from 0 to 1, e.g. 0.5.")
    if not Decimal(0) <= score <= Decimal(1):
        raise NotationError(f"{what} scores {score}; a score is from 0 to 1.")
    return score


def parse_options(text: str) -> list[Option]:
    """Options from ``value|label=score; …``."""
    options = []
    for item in _items(text):
        pieces = _split(item, "=")
        if len(pieces) != 2:
            shown = _unescape(item)
            raise NotationError(f"“{shown}” has no score: write value=score or "
                                "value|label=score, e.g. yes=1; no=0.")
        head, score = pieces
        names = _split(head, "|")
        if len(names) > 2:
            raise NotationError(f"“{_unescape(head)}” has more than one “|”: write "
                                "value|label=score.")
        value = _unescape(names[0])
        label = _unescape(names[1]) if len(names) == 2 else ""
        if not value:
            raise NotationError(f"“{_unescape(item)}” has no value before the “=”.")
        options.append(Option(value, label, _score(score, f"Option “{value}”")))
    return options


def format_options(options) -> str:
    """The notation of a list of options (objects with value, label, score)."""
    items = []
    for option in options:
        head = _escape(option.value)
        if option.label:
            head += "|" + _escape(option.label)
        items.append(f"{head}={format_number(option.score)}")
    return "; ".join(items)


def parse_bands(text: str) -> list[Band]:
    """Bands from ``min-max=score; …``."""
    bands = []
    for item in _items(text):
        match = BAND.fullmatch(item)
        if match is None:
            raise NotationError(f"“{item.strip()}” is not a band: write min-max=score, e.g. "
                                "0-10=0.5, or 10-=1 for 10 or more, -0=0 for below 0.")
        low, high, score = match.groups()
        bands.append(Band(number(low) if low else None, number(high) if high else None,
                          _score(score, f"Band “{item.split('=')[0].strip()}”")))
    return bands


def format_bands(bands) -> str:
    """The notation of a list of bands (objects with min, max, score)."""
    return "; ".join(
        f"{format_number(band.min) if band.min is not None else ''}-"
        f"{format_number(band.max) if band.max is not None else ''}={format_number(band.score)}"
        for band in bands
    )


def parse_values(text: str) -> list[str]:
    """A list of answers, ``yes`` or ``partly; no``."""
    return [_unescape(item) for item in _items(text)]


def format_values(values) -> str:
    return "; ".join(_escape(value) for value in values)


def format_number(value: Decimal) -> str:
    """A number without trailing zeros: 1, 0.5, 12.25."""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text
