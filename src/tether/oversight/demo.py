"""The demo's oversight story: a few audits (internal, a QA firm, a provider's
self-assessment, a planned regulator visit) with findings and corrective actions, some of
them overdue, and five incidents, among them a data breach and an outage with its timeline.

The first provider is the demo contact's, so the portal has findings to answer. Runs after
the register's demo, through the app's own services (every row audited, source "demo");
nothing is written when the demo's audits already exist.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tether.core.models import User
from tether.core.roles import Role
from tether.oversight import services
from tether.oversight.choices import (
    ActionStatus,
    AuditConclusion,
    AuditKind,
    AuditStatus,
    FindingStatus,
    IncidentKind,
    IncidentStatus,
    Severity,
)
from tether.oversight.models import Audit
from tether.registry.demo_data import PROVIDER_CONTACT
from tether.registry.models import Arrangement, Provider

SOURCE = "demo"

# (kind, title, auditor, conclusion, days ago completed (None: planned), findings)
# finding: (title, severity, status, raised days ago, due in days, actions)
# action: (description, status, due in days)
AUDITS = [
    (AuditKind.INTERNAL, "Annual outsourcing audit: customer contact centre",
     "Group Internal Audit", AuditConclusion.NEEDS_IMPROVEMENT, 75, [
         ("Call recordings kept beyond the agreed 90 days", Severity.HIGH,
          FindingStatus.IN_PROGRESS, 75, -10, [
              ("Purge recordings older than 90 days and confirm in writing",
               ActionStatus.IN_PROGRESS, -10),
              ("Configure automatic deletion in the recording platform", ActionStatus.OPEN, 20),
          ]),
         ("Agents' access not revoked within 24 hours of leaving", Severity.MEDIUM,
          FindingStatus.OPEN, 75, 15, [
              ("Daily leaver report reconciled against active accounts", ActionStatus.OPEN, -5),
          ]),
         ("Quality scoring sample below the contractual 2%", Severity.LOW,
          FindingStatus.CLOSED, 75, -30, [
              ("Raise the QA sample to 2% of calls and report it monthly",
               ActionStatus.DONE, -40),
          ]),
     ]),
    (AuditKind.THIRD_PARTY_QA, "Independent QA review of the core banking migration",
     "Meridian Assurance GmbH", AuditConclusion.UNSATISFACTORY, 40, [
         ("Regression tests not run before the monthly release", Severity.CRITICAL,
          FindingStatus.OPEN, 40, -3, [
              ("Block releases without a green regression run", ActionStatus.OPEN, -3),
              ("Report test coverage in the monthly service review", ActionStatus.OPEN, 25),
          ]),
         ("Change approvals recorded after deployment", Severity.HIGH,
          FindingStatus.IN_PROGRESS, 40, 30, [
              ("Enforce approval before deployment in the pipeline",
               ActionStatus.IN_PROGRESS, 30),
          ]),
     ]),
    (AuditKind.PROVIDER_SELF_ASSESSMENT, "Self-assessment against the information security "
     "schedule", "Provider's ISMS team", AuditConclusion.SATISFACTORY, 120, [
         ("Penetration test report older than twelve months", Severity.MEDIUM,
          FindingStatus.CLOSED, 120, -60, [
              ("Commission a new external penetration test", ActionStatus.DONE, -70),
          ]),
     ]),
    (AuditKind.REGULATOR, "Supervisory on-site inspection of outsourcing arrangements",
     "National competent authority", "", None, []),
]

INCIDENTS = [
    {"kind": IncidentKind.DATA_BREACH, "severity": Severity.CRITICAL, "major": True,
     "title": "Customer records exposed through a misconfigured storage bucket",
     "description": "A backup bucket used for call transcripts was publicly readable.",
     "days_ago": 21, "hours": 30, "status": IncidentStatus.RESOLVED,
     "customers": 4_800, "records": 12_650, "impact": Decimal("185000"),
     "services": "Customer contact centre; complaint handling",
     "root_cause": "A storage policy was changed by hand outside the change process.",
     "timeline": [(0, "Security researcher reports a readable bucket to the provider."),
                  (2, "Provider closes public access; forensic copy taken."),
                  (20, "Affected customers identified; DPO informed."),
                  (30, "Notification sent to the data protection authority.")],
     "actions": [("Review every storage policy change of the last 12 months",
                  ActionStatus.IN_PROGRESS, 10),
                 ("Notify affected customers", ActionStatus.DONE, -15)]},
    {"kind": IncidentKind.OUTAGE, "severity": Severity.HIGH, "major": True,
     "title": "Payments platform unavailable for six hours",
     "description": "Card payments and transfers failed after a failed storage upgrade.",
     "days_ago": 9, "hours": 6, "status": IncidentStatus.CLOSED,
     "customers": 62_000, "records": None, "impact": Decimal("340000"),
     "services": "Card payments; SEPA transfers; online banking",
     "root_cause": "Firmware upgrade of the primary storage array without a tested rollback.",
     "timeline": [(0, "Monitoring alerts: payment authorisations failing."),
                  (1, "Major incident declared; failover to the secondary site attempted."),
                  (3, "Failover incomplete: replication lag; rollback of firmware started."),
                  (6, "Service restored; backlog of transfers processed."),
                  (48, "Post-incident review held with the provider.")],
     "actions": [("Test rollback of every storage firmware upgrade", ActionStatus.OPEN, -2),
                 ("Quarterly failover test to the secondary site", ActionStatus.OPEN, 45)]},
    {"kind": IncidentKind.QUALITY_FAILURE, "severity": Severity.MEDIUM, "major": False,
     "title": "Mis-keyed invoices in the accounts payable run",
     "description": "About 300 supplier invoices were posted with wrong cost centres.",
     "days_ago": 30, "hours": 72, "status": IncidentStatus.RESOLVED,
     "customers": None, "records": 312, "impact": Decimal("12000"),
     "services": "Accounts payable", "root_cause": "New staff without the four-eyes check.",
     "timeline": [(0, "Controller spots unusual cost centre balances.")], "actions": []},
    {"kind": IncidentKind.SECURITY, "severity": Severity.HIGH, "major": False,
     "title": "Phishing campaign against the provider's service desk",
     "description": "Two agent accounts were phished; no customer data accessed so far.",
     "days_ago": 2, "hours": None, "status": IncidentStatus.CONTAINED,
     "customers": None, "records": None, "impact": None,
     "services": "IT service desk", "root_cause": "",
     "timeline": [(0, "Provider reports two compromised agent accounts."),
                  (4, "Accounts disabled, sessions revoked, MFA reset.")],
     "actions": [("Confirm no customer data was accessed (log review)", ActionStatus.OPEN, 5)]},
    {"kind": IncidentKind.OTHER, "severity": Severity.LOW, "major": False,
     "title": "Monthly service report delivered late",
     "description": "The SLA report arrived twelve days after the contractual date.",
     "days_ago": 45, "hours": None, "status": IncidentStatus.OPEN,
     "customers": None, "records": None, "impact": None, "services": "", "root_cause": "",
     "timeline": [], "actions": []},
]


def oversight_demo_is_loaded() -> bool:
    return Audit.objects.exists()


def _demo_providers() -> list[Provider]:
    """The demo contact's provider first, then providers of critical contracts, by name."""
    contact = User.objects.filter(username=PROVIDER_CONTACT[0]).select_related(
        "provider").first()
    providers = [contact.provider] if contact is not None and contact.provider else []
    critical = Provider.objects.filter(arrangements__is_critical=True).distinct().order_by(
        "name")
    providers += [p for p in critical[:10] if p not in providers]
    if len(providers) < 3:
        providers += [p for p in Provider.objects.filter(arrangements__isnull=False)
                      .distinct().order_by("name")[:5] if p not in providers]
    return providers


def _arrangement_of(provider) -> Arrangement | None:
    return provider.arrangements.order_by("-is_critical", "reference").first()


@transaction.atomic
def oversight_demo_load() -> dict[str, int]:
    """Audits with findings and actions, and incidents with timelines, for the demo."""
    actor = User.objects.filter(role=Role.RISK_OFFICER, is_active=True).order_by(
        "username").first()
    if oversight_demo_is_loaded() or actor is None:
        return {}
    providers = _demo_providers()
    if not providers:
        return {}
    owners = list(User.objects.filter(role__in=[Role.VENDOR_MANAGER, Role.RISK_OFFICER,
                                                Role.SECURITY_OFFICER],
                                      is_active=True).order_by("username"))
    counts = {"audits": 0, "findings": 0, "corrective actions": 0, "incidents": 0,
              "incident timeline entries": 0}
    _audits(actor, providers, owners, counts)
    _incidents(actor, providers, owners, counts)
    return counts


def _owner(owners, index):
    return owners[index % len(owners)] if owners else None


def _audits(actor, providers, owners, counts) -> None:
    today = timezone.localdate()
    for index, (kind, title, auditor, conclusion, completed_ago, findings) in enumerate(AUDITS):
        provider = providers[index % len(providers)]
        arrangement = _arrangement_of(provider)
        completed = today - timedelta(days=completed_ago) if completed_ago is not None else None
        audit = services.audit_create(actor=actor, source=SOURCE, data={
            "kind": kind, "title": title, "provider": provider, "auditor": auditor,
            "scope": "Processes, controls and records of the services under the contract, "
                     "for the last twelve months.",
            "lead": _owner(owners, index),
            "planned_on": (completed or today + timedelta(days=60)) - timedelta(days=30),
            "started_on": completed - timedelta(days=21) if completed else None,
            "status": AuditStatus.COMPLETED if completed else AuditStatus.PLANNED,
            "completed_on": completed, "conclusion": conclusion,
            "arrangements": [arrangement] if arrangement else [],
        })
        counts["audits"] += 1
        for number, (f_title, severity, status, raised_ago, due_in, actions) in enumerate(
                findings):
            finding = services.finding_create(actor=actor, source=SOURCE, data={
                "audit": audit, "provider": provider, "arrangement": arrangement,
                "title": f_title, "severity": severity,
                "description": f"Observed during “{title}”. {f_title}.",
                "raised_on": today - timedelta(days=raised_ago),
                "due_date": today + timedelta(days=due_in),
                "owner": _owner(owners, index + number),
            })
            counts["findings"] += 1
            for a_number, (description, a_status, a_due) in enumerate(actions):
                action = services.action_create(actor=actor, source=SOURCE, data={
                    "finding": finding, "description": description,
                    "owner": _owner(owners, number + a_number),
                    "due_date": today + timedelta(days=a_due)})
                if a_status != ActionStatus.OPEN:
                    services.action_update(action, actor=actor, source=SOURCE,
                                           data={"status": a_status})
                counts["corrective actions"] += 1
            if status != FindingStatus.OPEN:
                services.finding_update(finding, actor=actor, source=SOURCE,
                                        data={"status": status})


def _incidents(actor, providers, owners, counts) -> None:
    now = timezone.now()
    for index, spec in enumerate(INCIDENTS):
        provider = providers[(index + 1) % len(providers)]
        detected = timezone.make_aware(datetime.combine(
            (now - timedelta(days=spec["days_ago"])).date(), time(9, 15)))
        started = detected - timedelta(minutes=40)
        resolved = detected + timedelta(hours=spec["hours"]) if spec["hours"] else None
        incident = services.incident_create(actor=actor, source=SOURCE, data={
            "provider": provider, "arrangement": _arrangement_of(provider),
            "kind": spec["kind"], "severity": spec["severity"], "title": spec["title"],
            "description": spec["description"], "started_at": started,
            "detected_at": detected, "resolved_at": resolved, "status": spec["status"],
            "customers_affected": spec["customers"], "records_affected": spec["records"],
            "financial_impact": spec["impact"], "services_affected": spec["services"],
            "root_cause": spec["root_cause"], "is_major": spec["major"],
            "reported_to_authority_on": (detected + timedelta(days=1)).date()
            if spec["major"] else None,
        })
        counts["incidents"] += 1
        for hours, description in spec["timeline"]:
            services.incident_event_create(actor=actor, source=SOURCE, data={
                "incident": incident, "at": detected + timedelta(hours=hours),
                "description": description})
            counts["incident timeline entries"] += 1
        for number, (description, status, due_in) in enumerate(spec["actions"]):
            action = services.action_create(actor=actor, source=SOURCE, data={
                "incident": incident, "description": description,
                "owner": _owner(owners, index + number),
                "due_date": timezone.localdate() + timedelta(days=due_in)})
            if status != ActionStatus.OPEN:
                services.action_update(action, actor=actor, source=SOURCE,
                                       data={"status": status})
            counts["corrective actions"] += 1
