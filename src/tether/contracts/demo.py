"""The demo's contract clause checks: every live critical-or-important arrangement checked
(most clauses present, gaps on about a third of them, a few clauses not checked yet), and
about half of the other live arrangements checked against the clauses every contract needs.

Runs after the register's demo, written in bulk with its audit rows (source "demo");
deterministic, and nothing is written when the demo's checks already exist.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tether.contracts.choices import ClauseStatus
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.contracts.selectors import LIVE_STATUSES, applies_to_arrangement
from tether.contracts.services import clause_checks_bulk_create
from tether.core.models import User
from tether.core.roles import Role
from tether.registry.demo_data import MANUFACTURER
from tether.registry.models import Arrangement

SEED = 20_261_130
SOURCE = "demo"
SECTIONS = {
    "SERVICE_DESCRIPTION": "Schedule 1 (Services)", "SERVICE_LEVELS": "Schedule 2 (SLA)",
    "SUBCONTRACTING": "MSA §9", "LOCATIONS": "MSA §11.3 and Schedule 5",
    "DATA_SECURITY": "DPA §4 and Schedule 6", "DATA_RETURN": "MSA §21.4",
    "INCIDENT_ASSISTANCE": "Schedule 2 §6", "AUTHORITY_COOPERATION": "MSA §17",
    "TERMINATION": "MSA §20", "SECURITY_AWARENESS": "Schedule 6 §9",
    "IP_CONFIDENTIALITY": "MSA §13–14 and NDA", "GOVERNING_LAW": "MSA §27",
    "DISPUTE_RESOLUTION": "MSA §26", "PERFORMANCE_TARGETS": "Schedule 2 §2–4",
    "REPORTING_NOTICE": "MSA §12", "BUSINESS_CONTINUITY": "Schedule 7 (BCM)",
    "TLPT": "Schedule 6 §12", "AUDIT_ACCESS": "MSA §16", "EXIT_ASSISTANCE": "Schedule 8 (Exit)",
    "FINANCIAL_OBLIGATIONS": "Schedule 3 (Charges)", "INSURANCE": "MSA §19",
    "RESOLUTION_POWERS": "MSA §17.4",
}
# Clauses older contracts most often lack or only partly have (DORA's newer demands).
OFTEN_LACKING = ["TLPT", "SECURITY_AWARENESS", "EXIT_ASSISTANCE", "INCIDENT_ASSISTANCE",
                 "LOCATIONS", "AUDIT_ACCESS"]
NOT_A_BANK = {"RESOLUTION_POWERS": "Not a credit institution or investment firm: no "
                                   "resolution authority under Directive 2014/59/EU.",
              "TLPT": "Not required to run threat-led penetration tests (DORA Art. 26)."}


def contracts_demo_is_loaded() -> bool:
    return ArrangementClause.objects.exists()


@transaction.atomic
def contracts_demo_load() -> dict[str, int]:
    """Clause checks on the demo's live arrangements."""
    actor = User.objects.filter(role=Role.RISK_OFFICER, is_active=True).order_by(
        "username").first()
    if contracts_demo_is_loaded() or actor is None or not Arrangement.objects.exists():
        return {}
    rng = random.Random(SEED)
    today = timezone.localdate()
    requirements = {critical: list(ClauseRequirement.objects.filter(
        applies_to_arrangement(critical), is_active=True)) for critical in (False, True)}
    checks = []
    arrangements = Arrangement.objects.filter(status__in=LIVE_STATUSES).select_related(
        "organisation").order_by("reference")
    for index, arrangement in enumerate(arrangements):
        if not arrangement.is_critical and index % 2:
            continue  # half the other arrangements are not checked yet
        checked_on = today - timedelta(days=rng.randint(5, 300))
        lacking = _lacking(rng, index, arrangement.is_critical)
        for requirement in requirements[arrangement.is_critical]:
            status, reason = _status(requirement.code, arrangement, lacking)
            if status is None:
                continue  # left for a later review: "not checked"
            checks.append(ArrangementClause(
                arrangement=arrangement, requirement=requirement, status=status,
                reason=reason, checked_on=checked_on, checked_by=actor,
                location="" if status in (ClauseStatus.MISSING, ClauseStatus.NOT_APPLICABLE)
                else SECTIONS.get(requirement.code, "Main agreement"),
                note="Raise at the next renegotiation." if status != ClauseStatus.PRESENT
                and status != ClauseStatus.NOT_APPLICABLE else ""))
    return {"contract clause checks": clause_checks_bulk_create(actor=actor, checks=checks,
                                                                source=SOURCE)}


def _lacking(rng: random.Random, index: int, critical: bool) -> dict[str, str | None]:
    """The clauses an arrangement's contract lacks: code -> missing, partial or None (not
    checked yet). About a third of critical contracts and a fifth of the others lack some."""
    if index % (3 if critical else 5):
        return {}
    codes = rng.sample(OFTEN_LACKING if critical else OFTEN_LACKING[1:], rng.randint(1, 3))
    return {code: rng.choice([ClauseStatus.MISSING, ClauseStatus.PARTIAL, None])
            for code in codes}


def _status(code: str, arrangement, lacking: dict):
    if arrangement.organisation.name == MANUFACTURER.name and code in NOT_A_BANK:
        return ClauseStatus.NOT_APPLICABLE, NOT_A_BANK[code]
    if code in lacking:
        return lacking[code], ""
    return ClauseStatus.PRESENT, ""
