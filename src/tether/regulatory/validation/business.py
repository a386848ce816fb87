"""Consistency between values: dates in order, conditional values, the reporting entity.

The EBA's own validation rules of this kind are data-quality feedback (every DPM operation
scope of the DORA module has severity "warning"); Tether blocks (error) only what is plainly
contradictory, such as an end date before the start date.
"""

import re

from tether.regulatory import codelists
from tether.regulatory.validation.formats import INTEGER, parse_date
from tether.regulatory.validation.model import WARNING, check
from tether.regulatory.validation.package import reference_date

OWN = "own"
EBA_RULE = "EBA validation rule"

SUBSTITUTABILITY_NEEDING_REASON = frozenset({"eba_ZZ:x959", "eba_ZZ:x960"})
SUBSEQUENT_ARRANGEMENT = "eba_CO:x3"
# Dates that describe the past as at the reference date.
PAST_DATES = (
    ("B_01.02", "c0070", "date of last update"),
    ("B_01.02", "c0080", "date of integration in the register"),
    ("B_06.01", "c0070", "date of the last criticality assessment"),
    ("B_07.01", "c0070", "date of the last audit"),
)
_ENTITY_ID_LEI = re.compile(r"rs:(?P<lei>[^.]+)\.")


def _date_pairs(package, template, earlier, later):
    """(number, row, earlier date, later date) where both columns hold valid dates."""
    for number, row in enumerate(package.rows(template), start=1):
        first, second = parse_date(row.get(earlier, "")), parse_date(row.get(later, ""))
        if first and second:
            yield number, row, first, second


@check("B-ONE-ENTITY", layer="business", source=OWN, verified=True,
       title="B_01.01 holds exactly one row: the entity maintaining the register")
def one_entity(check, package):
    rows = package.rows("B_01.01")
    if package.from_zip and "B_01.01" not in package.tables:
        return  # the missing file is reported by 808
    if len(rows) != 1:
        yield package.failure(check, "B_01.01", None, None,
                              f"B_01.01 must hold exactly one row; it holds {len(rows)}.")


@check("B-ENTITY-LISTED", layer="business", source=OWN,
       title="The entity maintaining the register (B_01.01 c0010) is listed in B_01.02")
def entity_listed(check, package):
    listed = {row.get("c0010") for row in package.rows("B_01.02")}
    for number, row in enumerate(package.rows("B_01.01"), start=1):
        lei = row.get("c0010")
        if lei and lei not in listed:
            yield package.failure(
                check, "B_01.01", number, "c0010",
                f"{lei} maintains the register but is not in the list of entities (B_01.02).",
                row)


@check("B-ENTITY-ID", layer="business", source=OWN,
       title="The entity maintaining the register is the one of the entityID parameter")
def entity_matches_parameter(check, package):
    match = _ENTITY_ID_LEI.match((package.parameters or {}).get("entityID", ""))
    if not match:
        return
    for number, row in enumerate(package.rows("B_01.01"), start=1):
        lei = row.get("c0010")
        if lei and lei != match["lei"]:
            yield package.failure(
                check, "B_01.01", number, "c0010",
                f"B_01.01 names {lei}, but the package is filed for {match['lei']} (entityID).",
                row)


@check("B-END-AFTER-START", layer="business", source=OWN,
       title="B_02.02: the end date is not before the start date")
def end_after_start(check, package):
    for number, row, start, end in _date_pairs(package, "B_02.02", "c0070", "c0080"):
        if end < start:
            yield package.failure(
                check, "B_02.02", number, "c0080",
                f"The end date {end} is before the start date {start}.", row)


@check("B-DELETION-AFTER-INTEGRATION", layer="business", source=OWN,
       title="B_01.02: the date of deletion is not before the date of integration")
def deletion_after_integration(check, package):
    for number, row, integrated, deleted in _date_pairs(package, "B_01.02", "c0080", "c0090"):
        if deleted < integrated:
            yield package.failure(
                check, "B_01.02", number, "c0090",
                f"The date of deletion {deleted} is before the date of integration {integrated}.",
                row)


@check("B-UPDATE-AFTER-INTEGRATION", layer="business", source=OWN, severity=WARNING,
       title="B_01.02: the date of last update is not before the date of integration")
def update_after_integration(check, package):
    for number, row, integrated, updated in _date_pairs(package, "B_01.02", "c0080", "c0070"):
        if updated < integrated:
            yield package.failure(
                check, "B_01.02", number, "c0070",
                f"The date of last update {updated} is before the date of integration "
                f"{integrated}.", row)


@check("B-NOT-AFTER-REFERENCE", layer="business", source=OWN, severity=WARNING,
       title="Dates of past events (update, integration, assessment, audit) are not after "
             "the reference date")
def not_after_reference_date(check, package):
    ref_date = reference_date(package)
    if ref_date is None:
        return
    for template, column, what in PAST_DATES:
        for number, row in enumerate(package.rows(template), start=1):
            value = parse_date(row.get(column, ""))
            if value and value > ref_date:
                yield package.failure(
                    check, template, number, column,
                    f"The {what} {value} is after the reference date {ref_date}.", row)


@check("B-REASON-NOT-SUBSTITUTABLE", layer="business", source=EBA_RULE, severity=WARNING,
       title="B_07.01: a reason (c0060) is given when the provider is not or hardly substitutable")
def reason_not_substitutable(check, package):
    for number, row in enumerate(package.rows("B_07.01"), start=1):
        substitutability = row.get("c0050", "")
        if substitutability in SUBSTITUTABILITY_NEEDING_REASON and not row.get("c0060"):
            label = codelists.label(codelists.SUBSTITUTABILITY, substitutability)
            yield package.failure(
                check, "B_07.01", number, "c0060",
                f"Substitutability is “{label}”: the reason (c0060) is required.", row)


@check("B-OVERARCHING", layer="business", source=EBA_RULE, severity=WARNING,
       title="B_02.01: a subsequent or associated arrangement names its overarching arrangement")
def overarching_named(check, package):
    for number, row in enumerate(package.rows("B_02.01"), start=1):
        if row.get("c0020") == SUBSEQUENT_ARRANGEMENT and not row.get("c0030"):
            yield package.failure(
                check, "B_02.01", number, "c0030",
                f"{row.get('c0010')} is a subsequent or associated arrangement: give the "
                "reference number of its overarching arrangement (c0030).", row)


@check("B-RANK", layer="business", source=OWN, title="B_05.02: the rank is 1 or more")
def rank_positive(check, package):
    for number, row in enumerate(package.rows("B_05.02"), start=1):
        rank = row.get("c0050", "")
        if INTEGER.match(rank) and int(rank) < 1:
            yield package.failure(
                check, "B_05.02", number, "c0050",
                f"The rank {rank} must be 1 or more (1 is the direct provider).", row)


@check("B-ARRANGEMENT-USED", layer="business", source=OWN, severity=WARNING,
       title="Every arrangement of B_02.01 has at least one row in B_02.02")
def arrangement_used(check, package):
    used = {row.get("c0010") for row in package.rows("B_02.02")}
    for number, row in enumerate(package.rows("B_02.01"), start=1):
        reference = row.get("c0010")
        # A framework contract's services are those of the contracts concluded under it.
        if reference and reference not in used and row.get("c0020") != "eba_CO:x2":
            yield package.failure(
                check, "B_02.01", number, "c0010",
                f"The arrangement {reference} has no specific information in B_02.02.", row)
