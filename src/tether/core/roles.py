"""Roles and what each may do: the one table every permission check reads."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    VENDOR_MANAGER = "vendor_manager", "Outsourcing / vendor manager"
    RISK_OFFICER = "risk_officer", "Risk & compliance officer"
    SECURITY_OFFICER = "security_officer", "Security officer"
    EXECUTIVE = "executive", "Executive (read-only)"
    AUDITOR = "auditor", "Auditor (read-only, audit trail)"
    PROVIDER_CONTACT = "provider_contact", "Provider contact (external)"


INTERNAL_ROLES = frozenset(Role) - {Role.PROVIDER_CONTACT}

# Every model names the permission domain it belongs to; a role writes the domains listed
# here and reads everything internal. Executives and auditors only read.
# "documents" and "requests" (what is exchanged with providers) belong to everyone who
# works with providers, and so do due-diligence questionnaires ("diligence"). How risk is
# rated ("methodology") is the administrator's; exit plans ("continuity") belong to those
# who manage providers and their risk, keep-or-outsource cases ("decisions") to the vendor
# manager. SLAs, measurements and periodic reviews ("performance") are the vendor
# manager's; the contract clause checklist ("contracts") also the compliance officer's;
# audits, findings, corrective actions and incidents ("oversight") belong to everyone who
# oversees providers. Regulatory data, filings and board reports ("reporting") are the
# compliance officer's and the vendor manager's. "jobs" are queued by the services of other
# domains, never written directly.
WRITE_DOMAINS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({"registry", "risk", "security", "performance", "users",
                           "documents", "requests", "diligence", "methodology", "continuity",
                           "decisions", "contracts", "oversight", "reporting"}),
    Role.VENDOR_MANAGER: frozenset({"registry", "performance", "documents", "requests",
                                    "diligence", "continuity", "decisions", "contracts",
                                    "oversight", "reporting"}),
    Role.RISK_OFFICER: frozenset({"risk", "documents", "requests", "diligence", "continuity",
                                  "contracts", "oversight", "reporting"}),
    Role.SECURITY_OFFICER: frozenset({"security", "documents", "requests", "diligence",
                                      "oversight"}),
    Role.EXECUTIVE: frozenset(),
    Role.AUDITOR: frozenset(),
    Role.PROVIDER_CONTACT: frozenset(),
}

# Who may read the change history of objects (PRODUCT.md: the auditor reads it; so do the
# people who make the changes). Executives see outcomes, not the trail.
AUDIT_TRAIL_READERS = frozenset(INTERNAL_ROLES - {Role.EXECUTIVE})

# Domains readable only by some roles (user accounts are the admin's business).
READ_RESTRICTED_DOMAINS: dict[str, frozenset[str]] = {
    "users": frozenset({Role.ADMIN}),
    "audit": AUDIT_TRAIL_READERS,
}

ACTIONS = ("view", "add", "change", "delete")


def role_allows(role: str, action: str, domain: str) -> bool:
    """Whether a role may take `action` on objects of a permission domain (internal surfaces)."""
    if role not in INTERNAL_ROLES:
        return False
    if action == "view":
        readers = READ_RESTRICTED_DOMAINS.get(domain)
        return readers is None or role in readers
    return domain in WRITE_DOMAINS.get(role, frozenset())
