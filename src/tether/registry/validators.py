"""Checks on identifiers and codes, with messages a business user understands."""

import csv
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from stdnum import lei as stdnum_lei
from stdnum.exceptions import ValidationError as StdnumError

DATA_DIR = Path(__file__).resolve().parent / "data"


def normalise_lei(value: str) -> str:
    return "".join(value.split()).upper()


def validate_lei(value: str) -> None:
    """An LEI: 20 letters and digits, the last two ISO 17442 (MOD 97-10) check digits."""
    lei = normalise_lei(value)
    if len(lei) != 20:
        raise ValidationError(
            "An LEI has exactly 20 characters; this one has %(n)d.", params={"n": len(lei)},
            code="lei_length",
        )
    if not (lei.isascii() and lei.isalnum()):
        raise ValidationError("An LEI contains only the letters A–Z and digits.",
                              code="lei_format")
    try:
        stdnum_lei.validate(lei)
    except StdnumError:
        raise ValidationError(
            "The LEI's check digits are wrong (ISO 17442): check for a typing error.",
            code="lei_checksum",
        ) from None


def lei_with_check_digits(prefix18: str) -> str:
    """Complete an 18-character LEI prefix with its ISO 7064 MOD 97-10 check digits."""
    digits = "".join(str(int(ch, 36)) for ch in prefix18.upper() + "00")
    return f"{prefix18.upper()}{98 - int(digits) % 97:02d}"


@cache
def currency_codes() -> dict[str, str]:
    """ISO 4217 alphabetic codes and their names, from the data file shipped with Tether."""
    with open(DATA_DIR / "iso4217_currencies.csv", newline="", encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def currency_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} – {name}") for code, name in currency_codes().items()]


def validate_currency(value: str) -> None:
    if value not in currency_codes():
        raise ValidationError(
            "“%(value)s” is not an ISO 4217 currency code (such as EUR, USD, GBP).",
            params={"value": value}, code="currency",
        )
