"""The demo portfolio: two organisations, their value chains, ~300 providers, ~400 arrangements.

Deterministic (fixed seed; dates relative to today, so deadlines are always upcoming) and
idempotent: nothing is written when the demo organisations already exist. Demo LEIs are
synthetic (prefix T3TH): their check digits are valid, but they identify no real entity.
Every row is written in bulk with its audit entry (source "demo").
"""

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tether.core.models import User
from tether.core.roles import Role
from tether.registry import demo_data as data
from tether.registry.bulk import add_links, bulk_insert, depth_layers, ultimate_parents
from tether.registry.choices import (
    PRIMARY_AREAS,
    ActivityCategory,
    ArrangementStatus,
    DataInvolved,
    IdentifierScheme,
    ProviderStatus,
    Sourcing,
)
from tether.registry.demo_plan import plan_arrangements
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
    compute_notice_deadline,
)
from tether.registry.synthetic import (
    LOCAL_CURRENCY,
    SECTORS,
    company_name,
    convert,
    sector_country,
    synthetic_lei,
)

SEED = 20_240_917
SOURCE = "demo"

# How many small providers of each sector surround the big names.
LONG_TAIL = {
    "it_services": 30, "contact": 10, "back_office": 10, "knowledge": 12, "security": 8,
    "hr": 10, "finance": 8, "marketing": 8, "translation": 5, "engineering": 8,
    "machining": 20, "electronics": 8, "field_service": 8, "facility": 6, "logistics": 12,
    "coating": 8, "saas": 10, "haulage": 12, "hosting": 10, "network": 5, "power": 4,
}
CLOUDS = {"aws_emea": 45, "microsoft_ie": 40, "google_cloud": 15}
COLOCATION = ("equinix_de", "interxion_de", "ntt_dc")


def demo_is_loaded() -> bool:
    return Organisation.objects.filter(name__in=[o.name for o in data.ORGANISATIONS]).exists()


@transaction.atomic
def demo_load(*, today: date | None = None) -> dict[str, int] | None:
    """Load the demo portfolio unless it is there already; returns how many rows of each kind."""
    if demo_is_loaded():
        return None
    return DemoLoader(today or timezone.now().date()).run()


class DemoLoader:
    """Plans the whole portfolio in memory with a seeded generator, then writes it in bulk."""

    def __init__(self, today: date):
        self.today = today
        self.rng = random.Random(SEED)
        self.counts: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        self.users = self._users()
        self.organisations = self._organisations()
        activities = self._activities()
        self.services = self._services(activities)
        providers = self._plan_providers()
        arrangements = plan_arrangements(
            self.rng, self.today, providers, users=list(self.users.values())
        )
        self._settle_providers(providers, arrangements)
        self.providers = self._insert_providers(providers)
        self._identifiers(providers)
        self.arrangements = self._insert_arrangements(arrangements)
        self._subcontracting(providers, arrangements)
        self._provider_contact()
        return self.counts

    def _insert(self, model, objects, **kwargs):
        bulk_insert(model, objects, source=SOURCE, **kwargs)
        name = model._meta.verbose_name_plural
        self.counts[name] = self.counts.get(name, 0) + len(objects)
        return objects

    def _users(self) -> dict[str, User]:
        existing = {u.username: u for u in User.objects.filter(
            username__in=[spec[0] for spec in data.USERS])}
        new = []
        for username, first, last, role in data.USERS:
            if username not in existing:
                user = User(username=username, first_name=first, last_name=last, role=role,
                            email=f"{username}@tether.example")
                # Demo people sign in only after an administrator sets their password.
                user.set_unusable_password()
                new.append(user)
        self._insert(User, new)
        return {**existing, **{u.username: u for u in new}}

    def _organisations(self) -> dict[str, Organisation]:
        objects = {
            spec.key: Organisation(name=spec.name, country=spec.country,
                                   lei=synthetic_lei(spec.lei_seed), description=spec.description)
            for spec in data.ORGANISATIONS
        }
        self._insert(Organisation, list(objects.values()))
        return objects

    def _activities(self) -> dict[str, list[Activity]]:
        """The value chains; returns, per service name, the activities it supports."""
        tops, pending, uses = [], [], {}
        for spec in data.ORGANISATIONS:
            organisation = self.organisations[spec.key]
            for area, (top_name, child_specs) in spec.value_chain.items():
                category = (ActivityCategory.PRIMARY if area in PRIMARY_AREAS
                            else ActivityCategory.SUPPORT)
                top = Activity(organisation=organisation, name=top_name, porter_area=area,
                               category=category, sourcing=_overall_sourcing(child_specs))
                tops.append(top)
                pending += [(top, child) for child in child_specs]
        self._insert(Activity, tops)
        children = []
        for top, child in pending:
            activity = Activity(
                organisation=top.organisation, parent=top, name=child.name,
                porter_area=top.porter_area, category=top.category, sourcing=child.sourcing,
                is_core_competency=child.core,
            )
            children.append(activity)
            for service in child.services:
                uses.setdefault(service, []).append(activity)
        self._insert(Activity, children)
        return uses

    def _services(self, uses: dict[str, list[Activity]]) -> dict[str, Service]:
        existing = {s.name: s for s in Service.objects.filter(
            name__in=[spec.name for spec in data.SERVICES])}
        new = [Service(name=spec.name, service_type=spec.service_type)
               for spec in data.SERVICES if spec.name not in existing]
        self._insert(Service, new, m2m={"activities": [
            [a.pk for a in uses.get(s.name, [])] for s in new]})
        # A service that already existed (loaded by the generator, say) gains our activities.
        reused = [s for s in existing.values() if uses.get(s.name)]
        add_links(Service, "activities", reused, [[a.pk for a in uses[s.name]] for s in reused],
                  source=SOURCE)
        return {**existing, **{s.name: s for s in new}}

    def _plan_providers(self) -> dict[str, dict]:
        """Every provider as a dict of field values plus planning keys (parent, tier, services)."""
        plans = {}
        for spec in data.NAMED_PROVIDERS:
            plans[spec.key] = {
                "key": spec.key, "name": spec.name, "country": spec.country,
                "parent": spec.parent, "kind": spec.kind, "tier": spec.tier,
                "services": list(spec.services), "named": True, "sector": None,
                "serve": list(spec.serve or ([spec.country] if spec.services else [])),
                "store": list(spec.store), "website": spec.website,
                "lei": synthetic_lei(f"{spec.name}|{spec.country}"),
                "description": "" if spec.services else "Group parent; no direct contract.",
            }
        taken = {(p["name"], p["country"]) for p in plans.values()}
        for sector_key, count in LONG_TAIL.items():
            sector = SECTORS[sector_key]
            for index in range(count):
                country = sector_country(self.rng, sector)
                name = company_name(self.rng, country, sector)
                while (name, country) in taken:
                    name = company_name(self.rng, country, sector)
                taken.add((name, country))
                services = self.rng.sample(sector.services,
                                           self.rng.randint(1, len(sector.services)))
                handles_data = any(_service_data(s) != DataInvolved.NONE for s in services)
                plans[f"{sector_key}_{index}"] = {
                    "key": f"{sector_key}_{index}", "name": name, "country": country,
                    "parent": None, "kind": sector.outsourcing_type, "tier": sector.tier,
                    "services": services, "named": False, "sector": sector_key,
                    "serve": [country], "store": [country] if handles_data else [],
                    "website": "", "description": "",
                    # Small firms often have no LEI; they are known by a VAT number instead.
                    "lei": (synthetic_lei(f"{name}|{country}") if self.rng.random() < 0.7
                            else None),
                }
        return plans

    def _settle_providers(self, providers: dict, arrangements: list[dict]) -> None:
        """Status, spend and owner of each provider follow from its arrangements."""
        by_provider: dict[str, list[dict]] = {}
        for plan in arrangements:
            by_provider.setdefault(plan["provider"], []).append(plan)
        for key, plan in providers.items():
            own = by_provider.get(key, [])
            statuses = {a["status"] for a in own}
            if own and statuses <= {ArrangementStatus.TERMINATED, ArrangementStatus.EXPIRED}:
                plan["status"] = ProviderStatus.EXITED
            elif statuses == {ArrangementStatus.DRAFT}:
                plan["status"] = ProviderStatus.PROSPECTIVE
            else:
                plan["status"] = ProviderStatus.ACTIVE
            active = [a for a in own if a["status"] == ArrangementStatus.ACTIVE]
            plan["currency"] = (LOCAL_CURRENCY.get(plan["country"], "EUR")
                                if self.rng.random() < 0.5 else "EUR")
            plan["spend"] = (convert(sum((a["cost_eur"] for a in active), Decimal(0)),
                                     plan["currency"]) if active else None)
            plan["owner"] = own[0]["owner"] if own else None
        small_active = [p for p in providers.values()
                        if not p["named"] and p["status"] == ProviderStatus.ACTIVE]
        for plan in self.rng.sample(small_active, 2):
            plan["status"] = ProviderStatus.SUSPENDED

    def _insert_providers(self, plans: dict) -> dict[str, Provider]:
        existing = {(p.name, p.country.code): p for p in Provider.objects.filter(
            name__in=[p["name"] for p in plans.values()])}
        parent_of = {key: plan["parent"] for key, plan in plans.items()}
        tops = ultimate_parents(parent_of)
        objects: dict[str, Provider] = {}
        for layer in depth_layers(parent_of):
            new = []
            for key in layer:
                plan = plans[key]
                found = existing.get((plan["name"], plan["country"]))
                if found is not None:  # registered before the demo: keep it as it is
                    objects[key] = found
                    continue
                objects[key] = Provider(
                    name=plan["name"], country=plan["country"], lei=plan["lei"],
                    parent=objects[plan["parent"]] if plan["parent"] else None,
                    ultimate_parent=objects[tops[key]] if tops[key] else None,
                    outsourcing_type=plan["kind"], status=plan["status"],
                    relationship_owner=plan["owner"], annual_spend=plan["spend"],
                    spend_currency=plan["currency"], service_countries=plan["serve"],
                    data_storage_countries=plan["store"], website=plan["website"],
                    description=plan["description"],
                )
                new.append((key, objects[key]))
            self._insert(Provider, [obj for _, obj in new], m2m={"services": [
                [self.services[s].pk for s in plans[key]["services"]] for key, _ in new]})
        return objects

    def _identifiers(self, plans: dict) -> None:
        identifiers = []
        for key, plan in plans.items():
            provider = self.providers[key]
            if plan["lei"] is None and provider.lei is None:
                scheme = IdentifierScheme.CRN if plan["country"] == "GB" else IdentifierScheme.VAT
                number = f"{self.rng.randrange(10**8, 10**9)}"
                value = number if scheme == IdentifierScheme.CRN else f"{plan['country']}{number}"
                identifiers.append(ProviderIdentifier(provider=provider, scheme=scheme,
                                                      value=value, country=plan["country"]))
        self._insert(ProviderIdentifier, identifiers)

    def _insert_arrangements(self, plans: list[dict]) -> dict[str, Arrangement]:
        objects: dict[str, Arrangement] = {}
        # Overarching agreements first: subsequent ones point at them.
        for batch in ([p for p in plans if p["overarching"] is None],
                      [p for p in plans if p["overarching"] is not None]):
            new = []
            for plan in batch:
                objects[plan["reference"]] = arrangement = Arrangement(
                    reference=plan["reference"], title=plan["title"],
                    organisation=self.organisations[plan["organisation"]],
                    provider=self.providers[plan["provider"]],
                    arrangement_type=plan["type"],
                    overarching=objects.get(plan["overarching"]), status=plan["status"],
                    start_date=plan["start"], end_date=plan["end"],
                    notice_period_entity_days=plan["notice_entity"],
                    notice_period_provider_days=plan["notice_provider"],
                    notice_deadline=compute_notice_deadline(plan["end"], plan["notice_entity"]),
                    renewal_type=plan["renewal"], annual_cost=plan["cost"],
                    currency=plan["currency"], governing_law_country=plan["law"],
                    is_critical=plan["critical"], criticality_reason=plan["reason"],
                    substitutability=plan["substitutability"], data_involved=plan["data"],
                    owner=plan["owner"], notes=plan["notes"],
                )
                new.append(arrangement)
            self._insert(Arrangement, new, m2m={"services": [
                [self.services[s].pk for s in plan["services"]] for plan in batch]})
        return objects

    def _subcontracting(self, providers: dict, arrangements: list[dict]) -> None:
        edges = list(data.NAMED_CHAINS) + self._long_tail_edges(providers)
        first_arrangement, critical = {}, set()
        for plan in arrangements:
            first_arrangement.setdefault(plan["provider"], plan["reference"])
            if plan["critical"] and plan["status"] == ArrangementStatus.ACTIVE:
                critical.add(plan["provider"])
        links, seen = [], set()
        # In tier order, so criticality flows down the chain from the contracted provider.
        for source, target, service in sorted(edges, key=lambda e: providers[e[0]]["tier"]):
            if providers[source]["tier"] >= providers[target]["tier"]:
                raise ValueError(f"Demo link {source} → {target} goes against the tiers.")
            if (source, target, service) in seen:
                continue
            seen.add((source, target, service))
            if source in critical:
                critical.add(target)
            reference = first_arrangement.get(source)
            links.append(SubcontractingLink(
                provider=self.providers[source], subcontractor=self.providers[target],
                service=self.services[service],
                arrangement=self.arrangements[reference] if reference else None,
                supports_critical_function=source in critical,
            ))
        self._insert(SubcontractingLink, links)

    def _long_tail_edges(self, providers: dict) -> list[tuple[str, str, str]]:
        """Small firms run on the big clouds and on each other: concentration, and depth."""
        rng, edges = self.rng, []
        by_sector: dict[str, list[str]] = {}
        for key, plan in providers.items():
            by_sector.setdefault(plan["sector"], []).append(key)

        def pick(sector_key):
            key = rng.choice(by_sector[sector_key])
            return key, providers[key]["services"][0]

        cloud_users = ("it_services", "contact", "back_office", "knowledge", "security", "hr",
                       "finance", "saas", "engineering")
        for key, plan in providers.items():
            sector = plan["sector"]
            if sector in cloud_users and rng.random() < 0.7:
                cloud = rng.choices(list(CLOUDS), weights=list(CLOUDS.values()))[0]
                edges.append((key, cloud, data.IAAS))
            if sector in ("it_services", "back_office", "security") and rng.random() < 0.3:
                edges.append((key, *pick(rng.choice(("saas", "hosting")))))
            elif sector in ("machining", "electronics") and rng.random() < 0.5:
                edges.append((key, *pick(rng.choice(("coating", "logistics")))))
            elif sector in ("logistics", "field_service") and rng.random() < 0.7:
                edges.append((key, *pick("haulage")))
            elif sector == "hosting":
                edges.append((key, rng.choice(COLOCATION), data.COLO))
                edges.append((key, *pick("network")))
            elif sector == "network" or (sector is None and key in COLOCATION):
                edges.append((key, *pick("power")))
        for key in ("dhl_freight", "kn_de", "schenker_de", "dachser"):
            edges.append((key, *pick("haulage")))
        return edges

    def _provider_contact(self) -> None:
        username, first, last, provider_key = data.PROVIDER_CONTACT
        if User.objects.filter(username=username).exists():
            return
        contact = User(username=username, first_name=first, last_name=last,
                       role=Role.PROVIDER_CONTACT, provider=self.providers[provider_key],
                       email=f"{username}@provider.example")
        contact.set_unusable_password()
        self._insert(User, [contact])


def _overall_sourcing(children) -> str:
    kinds = {child.sourcing for child in children}
    if kinds == {Sourcing.IN_HOUSE}:
        return Sourcing.IN_HOUSE
    if kinds == {Sourcing.OUTSOURCED}:
        return Sourcing.OUTSOURCED
    return Sourcing.PARTLY_OUTSOURCED


def _service_data(name: str) -> str:
    return next(spec.data for spec in data.SERVICES if spec.name == name)

