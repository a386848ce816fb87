"""The demo's register of information: the bank (Northbank AG) as a credit institution, with a
branch, one function per value-chain activity it outsources, and an ICT service row for each
of its live ICT arrangements; critical-or-important ones are assessed (B_07.01).

Runs after the register's and the continuity demo; deterministic; written in bulk with audit
rows (source "demo"); nothing is written when the bank already has a DORA profile. The demo's
register passes Tether's own validation: `tether export dora` on it reports no error.
"""

import random
from datetime import date

from django.db import transaction

from tether.core.audit import BulkChange, record_bulk, snapshot
from tether.core.models import User
from tether.core.roles import Role
from tether.registry.choices import Substitutability
from tether.registry.demo_data import BANK
from tether.registry.models import Arrangement, Organisation, ProviderIdentifier
from tether.regulatory.models import (
    ICT_OUTSOURCING_TYPES,
    ArrangementProfile,
    Branch,
    EntityProfile,
    Function,
    IctService,
)

SEED = 20_261_201
SOURCE = "demo"
# Annex III ICT service types of the demo's services (others: ICT operation management).
SERVICE_TYPES = {
    "Cloud infrastructure (IaaS)": "eba_TA:S17", "Cloud platform services (PaaS)": "eba_TA:S18",
    "Office productivity suite (SaaS)": "eba_TA:S19", "CRM platform (SaaS)": "eba_TA:S19",
    "Core banking software": "eba_TA:S13", "Managed hosting": "eba_TA:S14",
    "Data centre colocation": "eba_TA:S09", "Network connectivity": "eba_TA:S11",
    "Content delivery & DDoS protection": "eba_TA:S04", "Card processing": "eba_TA:S08",
    "Payment messaging (SWIFT)": "eba_TA:S10", "Market data feeds": "eba_TA:S05",
    "Contact centre platform (CCaaS)": "eba_TA:S19", "Application development": "eba_TA:S02",
    "Application maintenance": "eba_TA:S14", "IT service desk": "eba_TA:S03",
    "IT service management (SaaS)": "eba_TA:S19",
    "Security operations centre (SOC)": "eba_TA:S04", "HR information system (SaaS)": "eba_TA:S19",
    "ERP system (SaaS)": "eba_TA:S19", "Data analytics & modelling": "eba_TA:S06",
}
DEFAULT_SERVICE_TYPE = "eba_TA:S14"
LICENCED_ACTIVITY = {"Payments processing": "eba_TA:x28", "Card issuing": "eba_TA:x28"}
DEFAULT_LICENCED_ACTIVITY = "eba_TA:x162"  # taking deposits and other repayable funds
NOT_SUBSTITUTABLE = {Substitutability.NOT_SUBSTITUTABLE, Substitutability.HIGHLY_COMPLEX}


def regulatory_demo_is_loaded() -> bool:
    return EntityProfile.objects.filter(organisation__name=BANK.name).exists()


def _create(actor, objects: list) -> list:
    if not objects:
        return []
    model = type(objects[0])
    for obj in objects:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    created = model.objects.bulk_create(objects, batch_size=1000)
    record_bulk(actor=actor, model=model, source=SOURCE, changes=[
        BulkChange(obj.pk, str(obj), "create", None, snapshot(obj)) for obj in created])
    return created


def _first(countries, fallback) -> str:
    return countries[0].code if countries else str(fallback)


@transaction.atomic
def regulatory_demo_load() -> dict[str, int]:
    bank = Organisation.objects.filter(name=BANK.name).first()
    actor = User.objects.filter(role=Role.RISK_OFFICER, is_active=True).order_by(
        "username").first()
    if bank is None or actor is None or regulatory_demo_is_loaded():
        return {}
    rng = random.Random(SEED)
    today = date.today()  # noqa: DTZ011 (a calendar date for the demo's dates)
    _create(actor, [EntityProfile(
        organisation=bank, entity_type="eba_CT:x12", hierarchy="eba_RP:x53",
        competent_authority="BaFin", total_assets=38_400_000_000, total_assets_currency="EUR",
        integrated_on=date(2025, 1, 17))])
    branch = _create(actor, [Branch(head_office=bank, code="NB-AT-01",
                                    name="Northbank AG Zweigniederlassung Wien", country="AT")])[0]
    arrangements = list(
        Arrangement.objects.filter(organisation=bank, status="active",
                                   provider__outsourcing_type__in=ICT_OUTSOURCING_TYPES)
        .select_related("provider").prefetch_related("services__activities")
        .order_by("reference"))
    activities = {}
    for arrangement in arrangements:
        for service in arrangement.services.all():
            for activity in service.activities.all():
                activities.setdefault(activity.pk, activity)
    functions = {activity.pk: Function(
        organisation=bank, identifier=f"NB-F{n:03d}", name=activity.name, activity=activity,
        licenced_activity=LICENCED_ACTIVITY.get(activity.name, DEFAULT_LICENCED_ACTIVITY),
        criticality="eba_BT:x28" if activity.is_core_competency or rng.random() < 0.4
        else "eba_BT:x29",
        criticality_reasons="Customers cannot bank without it; a stop is visible within hours.",
        assessed_on=date(today.year - 1, 11, 15), rto_hours=rng.choice([2, 4, 8, 24]),
        rpo_hours=rng.choice([0, 1, 4]), discontinuing_impact=rng.choice(
            ["eba_ZZ:x792", "eba_ZZ:x793"]))
        for n, activity in enumerate(sorted(activities.values(), key=lambda a: a.name), 1)}
    _create(actor, list(functions.values()))
    services, profiles, identifiers = [], [], []
    for arrangement in arrangements:
        provider = arrangement.provider
        function = next((functions[a.pk] for s in arrangement.services.all()
                         for a in s.activities.all() if a.pk in functions), None)
        if function is None:
            continue
        names = [s.name for s in arrangement.services.all()] or [""]
        where = _first(provider.service_countries, provider.country)
        stored = _first(provider.data_storage_countries, "")
        for service_type in sorted({SERVICE_TYPES.get(n, DEFAULT_SERVICE_TYPE) for n in names}):
            services.append(IctService(
                arrangement=arrangement, organisation=bank, function=function,
                branch=branch if rng.random() < 0.1 else None, service_type=service_type,
                provision_country=where, stores_data=bool(stored), storage_country=stored,
                processing_country=where,
                data_sensitivity=rng.choice(["eba_ZZ:x792", "eba_ZZ:x793"]),
                reliance=rng.choice(["eba_ZZ:x796", "eba_ZZ:x797"]) if arrangement.is_critical
                else rng.choice(["eba_ZZ:x794", "eba_ZZ:x795"])))
        if arrangement.is_critical:
            profiles.append(ArrangementProfile(
                arrangement=arrangement, reintegration=rng.choice(["eba_ZZ:x966", "eba_ZZ:x967"]),
                discontinuing_impact="eba_ZZ:x793",
                not_substitutable_reason=("eba_ZZ:x963" if arrangement.substitutability
                                          in NOT_SUBSTITUTABLE else "")))
        if not provider.lei and not provider.identifiers.exists():
            # B_05.01 names EU providers by LEI or EUID: the demo's small ones get an EUID.
            identifiers.append(ProviderIdentifier(
                provider=provider, scheme="euid", country=provider.country,
                value=f"{provider.country}HRB{100000 + provider.pk}"))
    _create(actor, services)
    _create(actor, profiles)
    _create(actor, identifiers)
    return {"entity profiles": 1, "branches": 1, "functions": len(functions),
            "ICT services": len(services), "DORA assessments": len(profiles),
            "provider identifiers": len(identifiers)}
