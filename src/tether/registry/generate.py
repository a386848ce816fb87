"""Synthetic portfolios at any scale, for benchmarks: written set-based, with their audit entries.

Deterministic for a given seed and database state; a second run adds a new portfolio beside the
first (organisation numbers and SYN- references continue, names and LEIs avoid existing ones).
Generated LEIs are synthetic (prefix T3TH): valid check digits, registered nowhere.
"""

import itertools
import random
import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tether.core.models import User
from tether.core.roles import INTERNAL_ROLES
from tether.registry import demo_data
from tether.registry.bulk import bulk_insert, depth_layers, insert_links
from tether.registry.choices import (
    PRIMARY_AREAS,
    ActivityCategory,
    ArrangementStatus,
    ArrangementType,
    ProviderStatus,
    RenewalType,
    Sourcing,
    Substitutability,
)
from tether.registry.demo_plan import (
    CRITICAL_SUBSTITUTABILITY,
    NOTES,
    NOTICE_DAYS,
    OTHER_SUBSTITUTABILITY,
    PROVIDER_NOTICE_DAYS,
    RENEWALS,
)
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    Service,
    SubcontractingLink,
    compute_notice_deadline,
)
from tether.registry.synthetic import (
    LEGAL_FORMS,
    LOCAL_CURRENCY,
    SECTORS,
    STEMS,
    add_years,
    company_name,
    convert,
    random_lei,
    sector_country,
)

SOURCE = "generate"
REFERENCE_PREFIX = "SYN-"
ORGANISATION_PREFIX = "Synthetic "
ORGANISATION_KINDS = ("Bank AG", "Versicherung AG", "Industries SE", "Logistics GmbH",
                      "Retail GmbH")
# Share of providers per subcontracting tier; links only go from a lower to a higher tier.
TIER_WEIGHTS = (55, 18, 10, 7, 5, 3, 2)
SECTORS_BY_TIER = {
    tier: [s for s in SECTORS.values() if s.tier == min(tier, 5)] for tier in range(7)
}
PROVIDER_STATUSES = {ProviderStatus.ACTIVE: 85, ProviderStatus.PROSPECTIVE: 5,
                     ProviderStatus.EXITED: 7, ProviderStatus.SUSPENDED: 3}
SUBSIDIARY_SHARE, GROUP_HEAD_SHARE, LEI_SHARE = 0.15, 0.3, 0.85


@dataclass
class GenerateReport:
    """Rows written and seconds spent, per step."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        total_rows, total_seconds = sum(self.rows.values()), sum(self.seconds.values())
        lines = [f"{step:<16} {self.rows[step]:>9} rows {self.seconds[step]:7.2f} s "
                 f"{self.rows[step] / max(self.seconds[step], 1e-9):>9,.0f} rows/s"
                 for step in self.rows]
        lines.append(f"{'total':<16} {total_rows:>9} rows {total_seconds:7.2f} s "
                     f"{total_rows / max(total_seconds, 1e-9):>9,.0f} rows/s")
        return lines


@transaction.atomic
def portfolio_generate(*, providers: int, arrangements: int, subcontracting: int,
                       organisations: int = 3, seed: int = 1,
                       today: date | None = None) -> GenerateReport:
    """Write a synthetic portfolio of the requested size, all of it or nothing."""
    if organisations < 1 or min(providers, arrangements, subcontracting) < 0:
        raise ValueError("Ask for at least one organisation and no negative counts.")
    if arrangements and not providers:
        raise ValueError("Arrangements need at least one provider.")
    return _Generator(seed, today or timezone.now().date()).run(
        organisations, providers, arrangements, subcontracting)


class _Generator:
    def __init__(self, seed: int, today: date):
        self.rng = random.Random(seed)
        self.today = today
        self.report = GenerateReport()
        self.owners = list(User.objects.filter(role__in=INTERNAL_ROLES, provider__isnull=True)
                           .order_by("pk"))

    def run(self, organisations, providers, arrangements, subcontracting) -> GenerateReport:
        self._step("organisations", self._organisations, organisations)
        self._step("activities", self._activities)
        self._step("services", self._services)
        self._step("providers", self._providers, providers)
        self._step("arrangements", self._arrangements, arrangements)
        self._step("subcontracting", self._subcontracting, subcontracting)
        return self.report

    def _step(self, name: str, method, *args) -> None:
        started = time.perf_counter()
        rows = method(*args)
        self.report.rows[name] = rows
        self.report.seconds[name] = time.perf_counter() - started

    def _insert(self, model, objects, **kwargs) -> int:
        """Insert with audit entries; counts the rows written, audit and link rows included."""
        bulk_insert(model, objects, source=SOURCE, **kwargs)
        links = sum(len(ids) for id_lists in kwargs.get("m2m", {}).values() for ids in id_lists)
        return 2 * len(objects) + links

    def _organisations(self, count: int) -> int:
        pattern = re.compile(rf"^{ORGANISATION_PREFIX}(\d+) ")
        used = [int(m.group(1)) for name in Organisation.objects.filter(
            name__startswith=ORGANISATION_PREFIX).values_list("name", flat=True)
            if (m := pattern.match(name))]
        first = max(used, default=0) + 1
        self.organisations = [
            Organisation(name=f"{ORGANISATION_PREFIX}{n:03d} {ORGANISATION_KINDS[n % 5]}",
                         country=self.rng.choice(("DE", "FR", "NL", "AT", "IE")),
                         lei=random_lei(self.rng))
            for n in range(first, first + count)
        ]
        return self._insert(Organisation, self.organisations)

    def _activities(self) -> int:
        """Each organisation's value chain: the demo's activities, merged by Porter area."""
        areas: dict[str, dict[str, demo_data.ActivitySpec]] = {}
        for spec in demo_data.ORGANISATIONS:
            for area, (_, children) in spec.value_chain.items():
                for child in children:
                    areas.setdefault(area, {}).setdefault(child.name, child)
        tops = [Activity(organisation=org, name=area.label, porter_area=area,
                         category=_category(area), sourcing=Sourcing.PARTLY_OUTSOURCED)
                for org in self.organisations for area in areas]
        rows = self._insert(Activity, tops)
        children, self.activity_services = [], []
        for top in tops:
            for child in areas[top.porter_area].values():
                children.append(Activity(
                    organisation=top.organisation, parent=top, name=child.name,
                    porter_area=top.porter_area, category=top.category,
                    sourcing=child.sourcing, is_core_competency=child.core))
                self.activity_services.append(child.services)
        self.activities = children
        return rows + self._insert(Activity, children)

    def _services(self) -> int:
        existing = {s.name: s for s in Service.objects.filter(
            name__in=[spec.name for spec in demo_data.SERVICES])}
        new = [Service(name=spec.name, service_type=spec.service_type)
               for spec in demo_data.SERVICES if spec.name not in existing]
        rows = self._insert(Service, new)
        self.services = {**existing, **{s.name: s for s in new}}
        self.service_specs = {spec.name: spec for spec in demo_data.SERVICES}
        by_service: dict[str, list[int]] = {}
        for activity, names in zip(self.activities, self.activity_services, strict=True):
            for name in names:
                by_service.setdefault(name, []).append(activity.pk)
        return rows + insert_links(Service, "activities",
                                   [self.services[name].pk for name in by_service],
                                   list(by_service.values()))

    def _providers(self, count: int) -> int:
        rng = self.rng
        taken = set(Provider.objects.values_list("name", "country"))
        leis = set(Provider.objects.exclude(lei=None).values_list("lei", flat=True))
        parent_of, plans, heads = {}, [], []
        for index in range(count):
            parent = rng.choice(heads) if heads and rng.random() < SUBSIDIARY_SHARE else None
            tier = rng.choices(range(7), weights=TIER_WEIGHTS)[0]
            sector = (plans[parent]["sector"] if parent is not None
                      else rng.choice(SECTORS_BY_TIER[tier]))
            country = sector_country(rng, sector)
            name = self._provider_name(sector, country, plans[parent] if parent is not None
                                       else None, taken)
            lei = None
            if rng.random() < LEI_SHARE:
                lei = random_lei(rng)
                while lei in leis:
                    lei = random_lei(rng)
                leis.add(lei)
            plans.append({"name": name, "country": country, "lei": lei, "tier": tier,
                          "sector": sector, "services": rng.sample(
                              sector.services, rng.randint(1, len(sector.services)))})
            parent_of[index] = parent
            # Group heads are roots or their direct subsidiaries: groups stay three levels deep.
            if (parent is None or parent_of[parent] is None) and rng.random() < GROUP_HEAD_SHARE:
                heads.append(index)
        self.provider_plans = plans
        self.providers: list[Provider | None] = [None] * count
        rows = 0
        for layer in depth_layers(parent_of):
            objects = [self._provider(index, parent_of) for index in layer]
            for index, obj in zip(layer, objects, strict=True):
                self.providers[index] = obj
            rows += self._insert(Provider, objects, m2m={"services": [
                [self.services[s].pk for s in plans[i]["services"]] for i in layer]})
        return rows

    def _provider_name(self, sector, country: str, parent: dict | None, taken: set) -> str:
        if parent is not None:  # a group company carries the group's name
            brand = parent["name"].rsplit(" ", 1)[0] if " " in parent["name"] else parent["name"]
            name = f"{brand} {self.rng.choice(LEGAL_FORMS[country])}"
        else:
            name = company_name(self.rng, country, sector)
        for attempt in itertools.count(1):
            if (name, country) not in taken:
                break
            name = (company_name(self.rng, country, sector) if attempt < 5
                    else f"{self.rng.choice(STEMS)} {name}")
        taken.add((name, country))
        return name

    def _provider(self, index: int, parent_of: dict) -> Provider:
        rng, plan = self.rng, self.provider_plans[index]
        parent = parent_of[index]
        top = parent
        while top is not None and parent_of[top] is not None:
            top = parent_of[top]
        currency = (LOCAL_CURRENCY.get(plan["country"], "EUR") if rng.random() < 0.3
                    else "EUR")
        spend = Decimal(round(10 ** rng.uniform(3.5, 6.5), -2))
        return Provider(
            name=plan["name"], country=plan["country"], lei=plan["lei"],
            parent=self.providers[parent] if parent is not None else None,
            ultimate_parent=self.providers[top] if top is not None else None,
            outsourcing_type=plan["sector"].outsourcing_type,
            status=rng.choices(list(PROVIDER_STATUSES),
                               weights=list(PROVIDER_STATUSES.values()))[0],
            relationship_owner=rng.choice(self.owners) if self.owners else None,
            annual_spend=convert(spend, currency), spend_currency=currency,
            service_countries=[plan["country"]],
            data_storage_countries=[plan["country"]] if plan["tier"] >= 2 else [],
        )

    def _arrangements(self, count: int) -> int:
        rng, providers = self.rng, self.providers
        existing = (Arrangement.objects.filter(reference__startswith=REFERENCE_PREFIX)
                    .order_by("-reference").values_list("reference", flat=True).first())
        first = int(existing[len(REFERENCE_PREFIX):]) + 1 if existing else 1
        # Skewed: the provider ranked r gets a share ~ 1 / (r + 10), so a few get hundreds.
        ranked = rng.sample(range(len(providers)), len(providers))
        weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(ranked))))
        chosen = rng.choices(ranked, cum_weights=weights, k=count)
        masters, others, self.arrangement_of = [], [], {}
        for offset, provider_index in enumerate(chosen):
            kind = rng.random()
            if kind < 0.06 and masters:  # a statement of work under an existing master
                master = rng.choice(masters)
                plan = self._arrangement(first + offset, master._provider_index,
                                         master.organisation)
                plan.arrangement_type, plan.overarching = ArrangementType.SUBSEQUENT, master
                others.append(plan)
                continue
            plan = self._arrangement(first + offset, provider_index,
                                     rng.choice(self.organisations))
            if kind < 0.08:
                plan.arrangement_type = ArrangementType.OVERARCHING
                masters.append(plan)
            else:
                others.append(plan)
            self.arrangement_of.setdefault(provider_index, plan)
        rows = 0
        # Masters are written first: subsequent arrangements point at them.
        for batch in (masters, others):
            for plan in batch:
                if plan.overarching is not None:
                    # Assigned before the master had a pk: this re-reads it into overarching_id.
                    plan.overarching = plan.overarching
            rows += self._insert(Arrangement, batch, m2m={
                "services": [plan._service_ids for plan in batch]})
        return rows

    def _arrangement(self, number: int, provider_index: int, organisation) -> Arrangement:
        rng, today = self.rng, self.today
        provider, plan = self.providers[provider_index], self.provider_plans[provider_index]
        renewal = rng.choices(list(RENEWALS), weights=list(RENEWALS.values()))[0]
        start = today - timedelta(days=rng.randint(-120, 10 * 365))
        end = (None if renewal == RenewalType.OPEN_ENDED
               else add_years(start, rng.choice((1, 2, 3, 5))))
        if renewal == RenewalType.AUTOMATIC and end < today:  # renewed a year at a time
            end = add_years(end, (today - end).days // 365 + 1)
        status = ArrangementStatus.DRAFT if start > today else ArrangementStatus.ACTIVE
        if end is not None and end < today:
            status = (ArrangementStatus.EXPIRED if rng.random() < 0.8
                      else ArrangementStatus.TERMINATED)
        notice = rng.choice(NOTICE_DAYS)
        services = plan["services"][:rng.randint(1, 2)]
        spec = self.service_specs[services[0]]
        critical = rng.random() < (0.6 if spec.critical_reason else 0.1)
        currency = "EUR" if rng.random() < 0.85 else LOCAL_CURRENCY.get(plan["country"], "EUR")
        arrangement = Arrangement(
            reference=f"{REFERENCE_PREFIX}{number:08d}", title=", ".join(services),
            organisation=organisation, provider=provider, status=status,
            start_date=start, end_date=end, notice_period_entity_days=notice,
            notice_period_provider_days=rng.choice(PROVIDER_NOTICE_DAYS),
            notice_deadline=compute_notice_deadline(end, notice), renewal_type=renewal,
            annual_cost=convert(Decimal(round(10 ** rng.uniform(3.5, 6.3), -2)), currency),
            currency=currency, governing_law_country=organisation.country.code,
            is_critical=critical,
            criticality_reason=(spec.critical_reason or f"Supports {spec.name.lower()}."
                                if critical else ""),
            substitutability=rng.choices(
                tuple(Substitutability),
                weights=CRITICAL_SUBSTITUTABILITY if critical else OTHER_SUBSTITUTABILITY)[0],
            data_involved=spec.data,
            owner=rng.choice(self.owners) if self.owners else None,
            notes=rng.choice(NOTES) if rng.random() < 0.05 else "",
        )
        arrangement._provider_index = provider_index
        arrangement._service_ids = [self.services[name].pk for name in services]
        return arrangement

    def _subcontracting(self, count: int) -> int:
        rng, plans = self.rng, self.provider_plans
        by_tier: dict[int, list[int]] = {}
        for index, plan in enumerate(plans):
            by_tier.setdefault(plan["tier"], []).append(index)
        tiers = sorted(by_tier)
        sources = [i for t in tiers[:-1] for i in by_tier[t]]
        cum = {t: list(itertools.accumulate(1 / (r + 3) for r in range(len(by_tier[t]))))
               for t in tiers}
        pairs: dict[tuple[int, int], None] = {}
        # A spine through every tier first, so the chain is as deep as the tiers allow.
        spine = [by_tier[t][0] for t in tiers]
        for source, target in itertools.pairwise(spine[:count + 1]):
            pairs[(source, target)] = None
        attempts = 0
        while len(pairs) < count and sources:
            attempts += 1
            if attempts > 50 * count:
                raise ValueError(f"Only {len(pairs)} distinct subcontracting links fit "
                                 f"among these providers, not {count}.")
            source = rng.choice(sources)
            higher = [t for t in tiers if t > plans[source]["tier"]]
            tier = higher[0] if rng.random() < 0.6 else rng.choice(higher)
            target = rng.choices(by_tier[tier], cum_weights=cum[tier])[0]
            pairs.setdefault((source, target), None)
        if len(pairs) < count:
            raise ValueError(f"No subcontracting link fits among {len(plans)} providers.")
        links = []
        for source, target in pairs:
            arrangement = self.arrangement_of.get(source) if rng.random() < 0.3 else None
            links.append(SubcontractingLink(
                provider=self.providers[source], subcontractor=self.providers[target],
                service=self.services[plans[target]["services"][0]], arrangement=arrangement,
                supports_critical_function=bool(arrangement and arrangement.is_critical)))
        return self._insert(SubcontractingLink, links)


def _category(area: str) -> str:
    """As Activity.save derives it."""
    return ActivityCategory.PRIMARY if area in PRIMARY_AREAS else ActivityCategory.SUPPORT

