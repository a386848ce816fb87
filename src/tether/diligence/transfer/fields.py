"""Reading one value of a questionnaire file, whatever the format: text, numbers, yes/no, types.

Each function returns the value or raises `FieldError` with a sentence saying what to write
instead; the reader adds where (row and column, or line).
"""

import re
from datetime import date
from decimal import Decimal

from tether.core.spreadsheet import unescape_formula
from tether.diligence.choices import QuestionType
from tether.diligence.transfer.notation import number

CATEGORY_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
TRUE = frozenset({"yes", "y", "true", "1", "x", "✔"})
FALSE = frozenset({"no", "n", "false", "0"})
# Besides the codes and labels of QuestionType, names other questionnaires use.
TYPE_ALIASES = {"yes/no": QuestionType.YES_NO, "yesno": QuestionType.YES_NO,
                "boolean": QuestionType.YES_NO, "bool": QuestionType.YES_NO,
                "single choice": QuestionType.CHOICE, "select": QuestionType.CHOICE,
                "numeric": QuestionType.NUMBER, "integer": QuestionType.NUMBER,
                "free text": QuestionType.TEXT, "string": QuestionType.TEXT,
                "upload": QuestionType.FILE, "attachment": QuestionType.FILE}
TYPE_NAMES = {
    **{value: value for value in QuestionType.values},
    **{value.replace("_", " "): value for value in QuestionType.values},
    **{str(label).casefold(): value for value, label in QuestionType.choices},
    **TYPE_ALIASES,
}
TYPES = ", ".join(QuestionType.values)


class FieldError(ValueError):
    """A value that cannot be read; the message says why and what to write."""


def text(raw, *, max_length: int | None = None, required: str = "",
         spreadsheet: bool = False) -> str:
    """Text, trimmed. `required` is the message given when it is empty; from a spreadsheet,
    the quote the export put before formula-like text is removed."""
    if raw.__class__ is str:
        value = raw.strip()
    elif raw is None:
        value = ""
    elif isinstance(raw, bool):
        value = "yes" if raw else "no"
    elif isinstance(raw, float) and raw.is_integer():
        value = str(int(raw))
    elif isinstance(raw, date):  # a datetime too
        value = raw.isoformat()
    elif isinstance(raw, str | int | float | Decimal):
        value = str(raw).strip()
    else:
        raise FieldError("Expected text here, found a list or a mapping.")
    if spreadsheet and value[:1] == "'":
        value = unescape_formula(value)
    if not value and required:
        raise FieldError(required)
    if max_length is not None and len(value) > max_length:
        raise FieldError(f"The text is {len(value)} characters long; at most {max_length} fit.")
    return value


def decimal(raw, *, default: Decimal) -> Decimal:
    """A number; empty gives the default."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    value = number(raw)
    if value is None:
        raise FieldError(f"“{text_of(raw)}” is not a number.")
    return value


def yes_no(raw, *, default: bool) -> bool:
    """yes/no, true/false, 1/0, x; empty gives the default."""
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return default
    value = text_of(raw).casefold()
    if not value:
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise FieldError(f"“{text_of(raw)}” is neither yes nor no.")


def question_type(raw) -> str:
    """A question type by its code (yes_no), its label (Yes / no) or a common alias."""
    value = " ".join(text_of(raw).casefold().split())
    if not value:
        raise FieldError(f"Say what type the question is: one of {TYPES}.")
    found = TYPE_NAMES.get(value)
    if found is None:
        raise FieldError(f"“{text_of(raw)}” is not a question type: use one of {TYPES}.")
    return found


def risk_category(raw) -> str:
    """The code of a risk category (financial, data_security_ip…); empty for none."""
    value = "_".join(text(raw).casefold().replace("-", " ").split())
    if value and not CATEGORY_CODE.fullmatch(value):
        raise FieldError(f"“{text_of(raw)}” is not a risk category code: use letters, digits "
                         "and underscores, e.g. financial or data_security_ip.")
    return value


def text_of(raw) -> str:
    """Any scalar as text, for messages and lookups."""
    try:
        return text(raw)
    except FieldError:
        return str(raw)
