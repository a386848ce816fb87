"""Checks on single values: filled where mandatory, of the column's kind and code list."""

from tether.regulatory import codelists
from tether.regulatory.definitions import OPEN_ENDED_DATE, TEMPLATES
from tether.regulatory.validation.formats import (
    BOOLEANS,
    DECIMAL,
    INTEGER,
    country_values,
    currency_values,
    lei_problem,
    parse_date,
)
from tether.regulatory.validation.model import WARNING, check

SECONDARY = "secondary"
OWN = "own"
EBA_RULE = "EBA validation rule"

# Not-null rules that only apply under a condition, checked in business.py instead.
CONDITIONAL = frozenset({"B_02.01.0030", "B_07.01.0060"})
# Dates that are always filled, with 9999-12-31 for "no end date" / "not deleted".
OPEN_ENDED_DATAPOINTS = frozenset({"B_01.02.0090", "B_02.02.0080"})


def _is_lei(value):
    return lei_problem(value) is None


def _columns(package, kinds):
    """(template code, column) for every column of these kinds in a table given."""
    for code, template in TEMPLATES.items():
        rows = package.rows(code)
        if rows:
            for column in template.columns:
                if column.kind in kinds:
                    yield code, column


def _wrong(package, template, column, is_right):
    """(row number, row, value) for the filled cells of a column that `is_right` rejects."""
    rows = package.rows(template)
    for number, value in enumerate(package.values(template, (column.code,)), start=1):
        if value and not is_right(value):
            yield number, rows[number - 1], value


@check("T-MANDATORY", layer="values", source=EBA_RULE, severity=WARNING,
       title="Columns with an EBA not-null rule are filled")
def mandatory(check, package):
    for code, template in TEMPLATES.items():
        rows = package.rows(code)
        columns = [column for column in template.columns if column.mandatory
                   and not column.is_key and column.datapoint not in CONDITIONAL]
        for column in columns:
            hint = (f" ({OPEN_ENDED_DATE} when there is none)"
                    if column.datapoint in OPEN_ENDED_DATAPOINTS else "")
            for number, value in enumerate(package.values(code, (column.code,)), start=1):
                if not value:
                    yield package.failure(
                        check, code, number, column.code,
                        f"{column.label} ({column.code}) is empty; the EBA expects a value"
                        f"{hint}.", rows[number - 1])


@check("T-CODE", layer="values", source=OWN, verified=True,
       title="Closed-list columns hold a code of their list, with its eba_ prefix")
def code_list(check, package):
    for code, column in _columns(package, {"code"}):
        allowed = codelists.codes(column.code_list) - column.excluded_codes
        prefix = f"{column.domain}:"
        for number, row, value in _wrong(package, code, column, allowed.__contains__):
            if prefix + value in allowed:
                message = (f"“{value}” lacks its prefix: write “{prefix}{value}” "
                           f"({codelists.label(column.code_list, prefix + value)}).")
            elif value in column.excluded_codes:
                message = f"“{value}” is not allowed in {column.label}."
            else:
                message = (f"“{value}” is not a value of the list for {column.label} "
                           f"(e.g. {sorted(allowed)[0]}).")
            yield package.failure(check, code, number, column.code, message, row)


@check("T-COUNTRY", layer="values", source=OWN, verified=True,
       title="Country columns hold eba_GA: and an ISO 3166 alpha-2 code (or x28, qx2007)")
def country(check, package):
    allowed = country_values()
    for code, column in _columns(package, {"country"}):
        for number, row, value in _wrong(package, code, column, allowed.__contains__):
            hint = (f" write “eba_GA:{value}”" if f"eba_GA:{value}" in allowed
                    else " expected eba_GA: and an ISO 3166 alpha-2 code, e.g. eba_GA:FR")
            yield package.failure(check, code, number, column.code,
                                  f"“{value}” is not a country code;{hint}.", row)


@check("T-CURRENCY", layer="values", source=OWN, verified=True,
       title="Currency columns hold eba_CU: and an ISO 4217 code (or x46)")
def currency(check, package):
    allowed = currency_values()
    for code, column in _columns(package, {"currency"}):
        for number, row, value in _wrong(package, code, column, allowed.__contains__):
            hint = (f" write “eba_CU:{value}”" if f"eba_CU:{value}" in allowed
                    else " expected eba_CU: and an ISO 4217 code, e.g. eba_CU:EUR")
            yield package.failure(check, code, number, column.code,
                                  f"“{value}” is not a currency code;{hint}.", row)


@check("T-LEI", layer="values", source=OWN, verified=True,
       title="LEI columns hold a valid LEI (ISO 17442: 20 characters, check digits)")
def lei(check, package):
    for code, column in _columns(package, {"lei"}):
        for number, row, value in _wrong(package, code, column, _is_lei):
            problem = lei_problem(value)
            yield package.failure(check, code, number, column.code,
                                  f"“{value}” is not a valid LEI: {problem}", row)


@check("330", layer="values", source=SECONDARY, title="Dates are real dates written yyyy-mm-dd")
def dates(check, package):
    for code, column in _columns(package, {"date"}):
        for number, row, value in _wrong(package, code, column, parse_date):
            yield package.failure(
                check, code, number, column.code,
                f"“{value}” is not a date written yyyy-mm-dd (e.g. 2025-12-31).", row)


@check("331", layer="values", source=SECONDARY, title="Integer columns hold whole numbers")
def integers(check, package):
    for code, column in _columns(package, {"integer"}):
        for number, row, value in _wrong(package, code, column, INTEGER.match):
            yield package.failure(check, code, number, column.code,
                                  f"“{value}” is not a whole number ({column.label}).", row)


@check("305", layer="values", source=SECONDARY,
       title="Monetary columns hold plain numbers (no separators, currency or decimal comma)")
def monetary(check, package):
    for code, column in _columns(package, {"monetary"}):
        for number, row, value in _wrong(package, code, column, DECIMAL.match):
            yield package.failure(
                check, code, number, column.code,
                f"“{value}” is not a plain number such as 125000 or 125000.50 "
                f"({column.label}).", row)


@check("T-BOOLEAN", layer="values", source=OWN,
       title="“Link” columns hold true or false")
def booleans(check, package):
    for code, column in _columns(package, {"boolean"}):
        for number, row, value in _wrong(package, code, column, BOOLEANS.__contains__):
            yield package.failure(check, code, number, column.code,
                                  f"“{value}” must be true or false ({column.label}).", row)


@check("T-IDTYPE", layer="values", source=OWN,
       title="An identifier has a type; one typed LEI is a valid LEI; an LEI is typed LEI")
def identifier_type(check, package):
    for code, column in _columns(package, {"identifier"}):
        type_column = column.type_column
        rows = package.rows(code)
        for number, value in enumerate(package.values(code, (column.code,)), start=1):
            if not value:
                continue
            row = rows[number - 1]
            if not row.get(type_column):
                yield package.failure(
                    check, code, number, type_column,
                    f"“{value}” has no type of code ({type_column}): identify the provider by "
                    "an LEI, an EUID or another code of the EBA's list.", row)
                continue
            typed_lei = row.get(type_column) == codelists.LEI_TYPE
            problem = lei_problem(value)
            if typed_lei and problem:
                yield package.failure(
                    check, code, number, column.code,
                    f"“{value}” is typed LEI ({type_column}) but is not a valid LEI: {problem}",
                    row)
            elif not typed_lei and problem is None:
                yield package.failure(
                    check, code, number, type_column,
                    f"“{value}” is an LEI; its type ({type_column}) must be "
                    f"{codelists.LEI_TYPE}, not “{row.get(type_column, '')}”.", row)
