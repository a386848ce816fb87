"""The demo's risk picture: country ratings, intakes, a risk register with controls, scores.

Runs after the register's demo, through the app's own services (every row audited, source
"demo"); deterministic, and nothing is written when the demo's risks already exist.
The country ratings are illustrative, for the demo only: a real install imports its own.
"""

import random

from django.db import transaction

from tether.core.audit import BulkChange, record_bulk, snapshot
from tether.core.models import AuditAction, User
from tether.core.roles import Role
from tether.core.services import object_create
from tether.registry.choices import ArrangementStatus
from tether.registry.models import Activity, Arrangement, Provider
from tether.risk import engine, services
from tether.risk.choices import (
    BusinessCriticality,
    ControlStatus,
    ControlType,
    DataSensitivity,
    SystemAccess,
    Treatment,
)
from tether.risk.models import ArrangementIntake, CountryRisk, RiskCategory

SEED = 20_261_126
SOURCE = "demo"
DEMO_SOURCE_NAME = "Tether demo (illustrative ratings, not a real source)"

# political, economic, legal: 1 (low risk) to 5 (high)
COUNTRY_RATINGS = {
    "AT": (1, 1, 1), "BE": (1, 2, 1), "BG": (2, 3, 3), "BR": (3, 3, 3), "CA": (1, 1, 1),
    "CH": (1, 1, 1), "CN": (4, 3, 4), "CZ": (1, 2, 2), "DE": (1, 1, 1), "DK": (1, 1, 1),
    "EE": (2, 2, 1), "EG": (4, 4, 4), "ES": (2, 2, 2), "FI": (1, 1, 1), "FR": (2, 2, 1),
    "GB": (2, 2, 1), "HU": (3, 2, 3), "IE": (1, 2, 1), "IL": (3, 2, 2), "IN": (3, 3, 3),
    "IT": (2, 3, 2), "JP": (1, 1, 1), "LT": (2, 2, 2), "LU": (1, 1, 1), "LV": (2, 2, 2),
    "MA": (3, 3, 3), "MX": (3, 3, 3), "NL": (1, 1, 1), "NO": (1, 1, 1), "PH": (3, 3, 3),
    "PL": (2, 2, 2), "PT": (2, 2, 2), "RO": (2, 3, 3), "RS": (3, 3, 3), "SE": (1, 1, 1),
    "SG": (1, 1, 1), "TN": (3, 4, 3), "TR": (4, 4, 4), "UA": (5, 5, 4), "US": (2, 1, 2),
    "VN": (3, 3, 4), "ZA": (3, 3, 3),
}

# category, title, description, likelihood, impact, treatment, control (title, type, -L, -I)
RISKS = [
    ("loss_of_control", "Service quality drifts below contract",
     "Ticket backlog and first-call resolution have worsened for two quarters.", 4, 3,
     Treatment.MITIGATE, ("Monthly service review with penalties", ControlType.DETECTIVE, 1, 0)),
    ("data_security_ip", "Customer data exposed by the provider",
     "The provider processes customer records; a breach would need notification.", 3, 5,
     Treatment.MITIGATE, ("Encryption and annual penetration test", ControlType.PREVENTIVE,
                          1, 1)),
    ("data_security_ip", "Source code ownership unclear",
     "Deliverables are not assigned to us explicitly in the contract.", 3, 4,
     Treatment.MITIGATE, ("IP assignment addendum", ControlType.PREVENTIVE, 2, 0)),
    ("customer_experience", "Language and time-zone gaps with customers",
     "Offshore agents cover European evening hours with limited German.", 4, 2,
     Treatment.MITIGATE, ("Language test and overlap hours", ControlType.PREVENTIVE, 1, 0)),
    ("reputation", "Labour practices at a subcontractor",
     "Press reports of unpaid overtime at a second-tier supplier.", 2, 4,
     Treatment.MITIGATE, ("Supplier code of conduct audit", ControlType.DETECTIVE, 1, 0)),
    ("external_dependency", "Political instability at the delivery site",
     "Delivery centre in a country with elevated political risk.", 3, 4,
     Treatment.TRANSFER, ("Business interruption insurance", ControlType.TRANSFER, 0, 1)),
    ("external_dependency", "Single-source component supply",
     "One machining supplier, no qualified second source.", 3, 4,
     Treatment.MITIGATE, ("Qualify a second source", ControlType.CORRECTIVE, 1, 1)),
    ("innovation_strategy", "Loss of in-house engineering knowledge",
     "The last engineers who know the platform left; only the provider does.", 3, 3,
     Treatment.MITIGATE, ("Knowledge transfer sessions", ControlType.CORRECTIVE, 1, 0)),
    ("concentration", "Too many critical services on one cloud",
     "Most critical workloads run on one hyperscaler region.", 2, 5,
     Treatment.ACCEPT, None),
    ("compliance", "Register of Information incomplete for the provider",
     "Subcontractor chain and data locations are not confirmed.", 4, 3,
     Treatment.MITIGATE, ("Annual subcontractor attestation", ControlType.DETECTIVE, 2, 0)),
    ("financial", "Provider's financial weakness",
     "Declining revenue and a covenant breach in the last annual report.", 2, 4,
     Treatment.MITIGATE, ("Quarterly financial monitoring", ControlType.DETECTIVE, 1, 0)),
    ("financial", "Hidden costs in change requests",
     "Change requests exceed the contract's fixed fee by a third.", 4, 2,
     Treatment.AVOID, None),
]


def risk_demo_is_loaded() -> bool:
    return CountryRisk.objects.filter(source=DEMO_SOURCE_NAME).exists()


@transaction.atomic
def risk_demo_load() -> dict[str, int]:
    """Ratings, intakes, risks and controls for the demo portfolio, then a full scoring."""
    officer = User.objects.filter(role=Role.RISK_OFFICER, is_active=True).first()
    if risk_demo_is_loaded() or officer is None or not Provider.objects.exists():
        return {}
    rng = random.Random(SEED)
    ratings = _country_ratings(officer)
    intakes = _intakes(officer, rng)
    risks = _risks(officer, rng)
    scored = engine.providers_rescore(methodology=engine.methodology_current())
    return {"country ratings": ratings, "intakes": intakes, "risks": risks,
            "providers scored": scored}


def _country_ratings(actor) -> int:
    used = set()
    for country, serve, store in Provider.objects.values_list(
            "country", "service_countries", "data_storage_countries"):
        used.update(code for code in ",".join(filter(None, [country, serve, store])).split(",")
                    if code)
    rows = [CountryRisk(country=code, political=p, economic=e, legal=lg,
                        source=DEMO_SOURCE_NAME)
            for code, (p, e, lg) in sorted(COUNTRY_RATINGS.items()) if code in used]
    created = CountryRisk.objects.bulk_create(rows)
    record_bulk(actor=actor, model=CountryRisk, source=SOURCE, changes=[
        BulkChange(row.pk, str(row), AuditAction.CREATE, None, snapshot(row))
        for row in created])
    return len(created)


def _intakes(actor, rng: random.Random) -> int:
    critical = list(Arrangement.objects.filter(status=ArrangementStatus.ACTIVE,
                                               is_critical=True)
                    .order_by("reference")[:30])
    others = list(Arrangement.objects.filter(status=ArrangementStatus.ACTIVE,
                                             is_critical=False)
                  .order_by("reference")[:20])
    for arrangement in critical + others:
        is_critical = arrangement.is_critical
        object_create(ArrangementIntake, actor=actor, source=SOURCE, data={
            "arrangement": arrangement,
            "criticality": BusinessCriticality.CRITICAL if is_critical
            else rng.choice([BusinessCriticality.LOW, BusinessCriticality.MODERATE,
                             BusinessCriticality.HIGH]),
            "data_sensitivity": rng.choice(list(DataSensitivity)[2 if is_critical else 0:]),
            "system_access": rng.choice(list(SystemAccess)[1 if is_critical else 0:]),
        })
    return len(critical) + len(others)


def _risks(actor, rng: random.Random) -> int:
    categories = {c.code: c for c in RiskCategory.objects.all()}
    critical_arrangements = list(Arrangement.objects.filter(
        status=ArrangementStatus.ACTIVE, is_critical=True).select_related("provider")
        .order_by("reference")[:40])
    providers = list(Provider.objects.filter(arrangements__is_critical=True).distinct()
                     .order_by("name")[:40])
    activities = list(Activity.objects.order_by("name")[:20])
    owners = list(User.objects.filter(role__in=[Role.RISK_OFFICER, Role.VENDOR_MANAGER],
                                      is_active=True).order_by("username"))
    count = 0
    for round_number in range(4):
        for category, title, description, likelihood, impact, treatment, control in RISKS:
            subject = _subject(rng, round_number, providers, critical_arrangements, activities)
            if subject is None:
                continue
            risk = services.risk_create(actor=actor, source=SOURCE, data={
                "title": title, "description": description, "category": categories[category],
                **subject, "owner": rng.choice(owners) if owners else None,
                "treatment": treatment,
                "inherent_likelihood": max(1, min(5, likelihood + rng.choice([-1, 0, 0, 1]))),
                "inherent_impact": impact,
            })
            count += 1
            if control is not None:
                control_title, control_type, less_likely, less_impact = control
                services.control_create(actor=actor, source=SOURCE, data={
                    "risk": risk, "title": control_title, "control_type": control_type,
                    "status": rng.choice([ControlStatus.IMPLEMENTED, ControlStatus.IMPLEMENTED,
                                          ControlStatus.PLANNED]),
                    "likelihood_reduction": less_likely, "impact_reduction": less_impact,
                })
    return count


def _subject(rng, round_number, providers, arrangements, activities) -> dict | None:
    if round_number == 3 and activities:
        return {"activity": rng.choice(activities)}
    if round_number % 2 == 0 and providers:
        return {"provider": rng.choice(providers)}
    if arrangements:
        return {"arrangement": rng.choice(arrangements)}
    return None

