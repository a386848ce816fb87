"""Value formats shared by the checks, fast on repeated values (registers repeat LEIs a lot)."""

import re
from datetime import date
from functools import cache, lru_cache

from django_countries.data import COUNTRIES
from stdnum import lei as stdnum_lei

from tether.registry.validators import currency_codes
from tether.regulatory import codelists

_LEI = re.compile(r"[A-Z0-9]{18}[0-9]{2}\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
INTEGER = re.compile(r"-?\d+\Z")
DECIMAL = re.compile(r"-?\d+(\.\d+)?\Z")
BOOLEANS = frozenset({"true", "false"})


@lru_cache(maxsize=1 << 16)
def lei_problem(value: str) -> str | None:
    """Why `value` is not an LEI (ISO 17442), or None when it is one."""
    if len(value) != 20:
        return f"an LEI has 20 characters, this one has {len(value)}."
    if not _LEI.match(value):
        return ("an LEI holds only upper-case letters A–Z and digits, the last two being "
                "digits.")
    if not stdnum_lei.is_valid(value):
        return "the check digits are wrong (ISO 17442, MOD 97-10): check for a typing error."
    return None


@lru_cache(maxsize=1 << 16)
def parse_date(value: str) -> date | None:
    """A yyyy-mm-dd date, or None when `value` is not one (e.g. 2025-02-30, 31/12/2025)."""
    if not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@cache
def country_values() -> frozenset[str]:
    special = {codelists.OTHER_COUNTRY, codelists.NOT_APPLICABLE_COUNTRY}
    return frozenset({f"eba_GA:{code}" for code in COUNTRIES} | special)


@cache
def currency_values() -> frozenset[str]:
    return frozenset({f"eba_CU:{code}" for code in currency_codes()} | {codelists.OTHER_CURRENCY})
