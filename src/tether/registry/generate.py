"""Synthetic portfolios at any scale, for benchmarks: written set-based, with their audit entries.

Deterministic for a given seed and database state; a second run adds a new portfolio beside the
first (organisation numbers and SYN- references continue, names and LEIs avoid existing ones).
Generated LEIs are synthetic (prefix T3TH): valid check digits, registered nowhere.
"""

import itertools
import operator
import random
import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tether.core.db import refresh_planner_statistics
from tether.core.models import User
from tether.registry import demo_data
from tether.registry.bulk import add_links, depth_layers, fast_insert, ultimate_parents
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
    OWNER_ROLES,
    PROVIDER_NOTICE_DAYS,
    RENEWALS,
)
from tether.registry.generate_files import write_arrangements_file, write_providers_file
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
    brand_of,
    company_name,
    convert,
    random_lei,
    sector_country,
)

__all__ = ["GenerateReport", "portfolio_generate", "write_arrangements_file",
           "write_providers_file"]

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
SUBSEQUENT_SHARE, OVERARCHING_SHARE = 0.06, 0.02


def _cumulative(weights) -> list:
    """Cumulative weights, computed once: `random.choices` would redo it on every draw."""
    return list(itertools.accumulate(weights))


RENEWAL_CHOICES, RENEWAL_CUM = list(RENEWALS), _cumulative(RENEWALS.values())
STATUS_CHOICES, STATUS_CUM = list(PROVIDER_STATUSES), _cumulative(PROVIDER_STATUSES.values())
SUBSTITUTABILITY_CHOICES = tuple(Substitutability)
CRITICAL_CUM = _cumulative(CRITICAL_SUBSTITUTABILITY)
OTHER_CUM = _cumulative(OTHER_SUBSTITUTABILITY)
TIER_CUM = _cumulative(TIER_WEIGHTS)


@dataclass
class GenerateReport:
    """Per step: register objects, all rows written (with audit entries and links), seconds."""

    objects: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    committed_after: float = 0.0  # seconds from start to commit

    def lines(self) -> list[str]:
        lines = [f"{'step':<15} {'objects':>9} {'all rows':>9} {'seconds':>8} "
                 f"{'objects/s':>10} {'rows/s':>10}"]
        for step in self.rows:
            lines.append(self._line(step, self.objects[step], self.rows[step],
                                    self.seconds[step]))
        lines.append(self._line("until commit", sum(self.objects.values()),
                                sum(self.rows.values()), self.committed_after))
        return lines

    @staticmethod
    def _line(step, objects, rows, seconds) -> str:
        seconds = max(seconds, 1e-9)
        return (f"{step:<15} {objects:>9,} {rows:>9,} {seconds:8.2f} "
                f"{objects / seconds:>10,.0f} {rows / seconds:>10,.0f}")


def portfolio_generate(*, providers: int, arrangements: int, subcontracting: int,
                       organisations: int = 3, seed: int = 1,
                       today: date | None = None) -> GenerateReport:
    """Write a synthetic portfolio of the requested size, all of it or nothing."""
    if organisations < 1 or min(providers, arrangements, subcontracting) < 0:
        raise ValueError("Ask for at least one organisation and no negative counts.")
    if arrangements and not providers:
        raise ValueError("Arrangements need at least one provider.")
    started = time.perf_counter()
    with transaction.atomic():
        report = _Generator(seed, today or timezone.now().date()).run(
            organisations, providers, arrangements, subcontracting)
    report.committed_after = time.perf_counter() - started
    refresh_planner_statistics(Organisation, Activity, Service, Provider, Arrangement,
                               SubcontractingLink)
    return report


@dataclass
class _ProviderPlan:
    name: str
    country: str
    tier: int
    sector: object
    service_ids: list
    parent: int | None
    lei: str | None = None
    pk: int | None = None


class _Generator:
    def __init__(self, seed: int, today: date):
        pattern = re.compile(rf"^{ORGANISATION_PREFIX}(\d+) ")
        used = [int(m.group(1)) for name in Organisation.objects.filter(
            name__startswith=ORGANISATION_PREFIX).values_list("name", flat=True)
            if (m := pattern.match(name))]
        self.first_organisation = max(used, default=0) + 1
        # A second run on the same database draws other names than the first.
        self.rng = random.Random(f"{seed}:{self.first_organisation}")
        self.today = today
        self.report = GenerateReport()
        self.objects_written = 0
        self.owner_ids = list(User.objects.filter(role__in=OWNER_ROLES, provider=None)
                              .order_by("pk").values_list("pk", flat=True)) or [None]

    def run(self, organisations, providers, arrangements, subcontracting) -> GenerateReport:
        self._step("organisations", self._organisations, organisations)
        self._step("activities", self._activities)
        self._step("services", self._services)
        self._step("providers", self._providers, providers)
        self._step("arrangements", self._arrangements, arrangements)
        self._step("subcontracting", self._subcontracting, subcontracting)
        return self.report

    def _step(self, name: str, method, *args) -> None:
        started, objects = time.perf_counter(), self.objects_written
        self.report.rows[name] = method(*args)
        self.report.seconds[name] = time.perf_counter() - started
        self.report.objects[name] = self.objects_written - objects

    def _insert(self, model, columns, rows, describe, m2m=None) -> tuple[list[int], int]:
        """Insert with audit entries; returns the ids and the rows written (audit, links too)."""
        ids = fast_insert(model, columns, rows, source=SOURCE, describe=describe, m2m=m2m)
        self.objects_written += len(rows)
        links = sum(len(related) for id_lists in (m2m or {}).values() for related in id_lists)
        return ids, 2 * len(rows) + links

    def _organisations(self, count: int) -> int:
        first = self.first_organisation
        leis = set(Organisation.objects.exclude(lei=None).values_list("lei", flat=True))
        rows = []
        for number in range(first, first + count):
            lei = random_lei(self.rng)
            while lei in leis:
                lei = random_lei(self.rng)
            leis.add(lei)
            rows.append((f"{ORGANISATION_PREFIX}{number:03d} {ORGANISATION_KINDS[number % 5]}",
                         self.rng.choice(("DE", "FR", "NL", "AT", "IE")), lei))
        ids, written = self._insert(Organisation, ("name", "country", "lei"), rows,
                                    lambda row: row[0])
        self.organisations = list(zip(ids, (row[1] for row in rows), strict=True))
        return written

    def _activities(self) -> int:
        """Each organisation's value chain: the demo's activities, merged by Porter area."""
        areas: dict[str, dict[str, demo_data.ActivitySpec]] = {}
        for spec in demo_data.ORGANISATIONS:
            for area, (_, children) in spec.value_chain.items():
                for child in children:
                    areas.setdefault(area, {}).setdefault(child.name, child)
        columns = ("organisation", "parent", "name", "porter_area", "category", "sourcing",
                   "is_core_competency")
        tops = [(org_id, None, area.label, area, _category(area),
                 Sourcing.PARTLY_OUTSOURCED, False)
                for org_id, _ in self.organisations for area in areas]
        top_ids, written = self._insert(Activity, columns, tops, lambda row: row[2])
        children, self.activity_services = [], []
        for top_id, top in zip(top_ids, tops, strict=True):
            for child in areas[top[3]].values():
                children.append((top[0], top_id, child.name, top[3], top[4], child.sourcing,
                                 child.core))
                self.activity_services.append(child.services)
        self.activity_ids, more = self._insert(Activity, columns, children, lambda row: row[2])
        return written + more

    def _services(self) -> int:
        existing = {s.name: s for s in Service.objects.filter(
            name__in=[spec.name for spec in demo_data.SERVICES])}
        by_service: dict[str, list[int]] = {}
        for activity_id, names in zip(self.activity_ids, self.activity_services, strict=True):
            for name in names:
                by_service.setdefault(name, []).append(activity_id)
        new = [spec for spec in demo_data.SERVICES if spec.name not in existing]
        ids, written = self._insert(
            Service, ("name", "service_type"), [(s.name, s.service_type) for s in new],
            lambda row: row[0], m2m={"activities": [by_service.get(s.name, []) for s in new]})
        self.service_ids = {**{name: s.pk for name, s in existing.items()},
                            **dict(zip((s.name for s in new), ids, strict=True))}
        self.spec_of_service = {self.service_ids[spec.name]: spec for spec in demo_data.SERVICES}
        # Services that existed before serve the new organisations' activities too.
        reused = [service for name, service in existing.items() if name in by_service]
        links = add_links(Service, "activities", reused, [by_service[s.name] for s in reused],
                          source=SOURCE)
        return written + links + len(reused)

    def _providers(self, count: int) -> int:
        rng = self.rng
        taken = set(Provider.objects.values_list("name", "country"))
        leis = set(Provider.objects.exclude(lei=None).values_list("lei", flat=True))
        plans: list[_ProviderPlan] = []
        heads: list[int] = []
        for index in range(count):
            parent = rng.choice(heads) if heads and rng.random() < SUBSIDIARY_SHARE else None
            tier = rng.choices(range(7), cum_weights=TIER_CUM)[0]
            sector = plans[parent].sector if parent is not None else rng.choice(
                SECTORS_BY_TIER[tier])
            country = sector_country(rng, sector)
            name = self._provider_name(sector, country, plans[parent] if parent is not None
                                       else None, taken)
            services = rng.sample(sector.services, rng.randint(1, len(sector.services)))
            plan = _ProviderPlan(name, country, tier, sector,
                                 [self.service_ids[s] for s in services], parent)
            if rng.random() < LEI_SHARE:
                plan.lei = random_lei(rng)
                while plan.lei in leis:
                    plan.lei = random_lei(rng)
                leis.add(plan.lei)
            plans.append(plan)
            # Heads are roots or their direct subsidiaries, so groups stay three levels deep.
            if (parent is None or plans[parent].parent is None) and rng.random() < GROUP_HEAD_SHARE:
                heads.append(index)
        self.provider_plans = plans
        parent_of = {index: plan.parent for index, plan in enumerate(plans)}
        tops = ultimate_parents(parent_of)
        columns = ("name", "country", "lei", "parent", "ultimate_parent", "outsourcing_type",
                   "status", "relationship_owner", "annual_spend", "spend_currency",
                   "service_countries", "data_storage_countries")
        written = 0
        for layer in depth_layers(parent_of):  # parents first: children point at their ids
            rows = [self._provider_row(plans[i], tops[i]) for i in layer]
            ids, more = self._insert(Provider, columns, rows, lambda row: row[0], m2m={
                "services": [plans[i].service_ids for i in layer]})
            for index, pk in zip(layer, ids, strict=True):
                plans[index].pk = pk
            written += more
        return written

    def _provider_name(self, sector, country: str, parent: _ProviderPlan | None,
                       taken: set) -> str:
        if parent is not None:  # a group company carries the group's name
            name = f"{brand_of(parent.name)} {self.rng.choice(LEGAL_FORMS[country])}"
        else:
            name = company_name(self.rng, country, sector)
        for attempt in itertools.count(1):
            if (name, country) not in taken:
                break
            name = (company_name(self.rng, country, sector) if attempt < 5
                    else f"{self.rng.choice(STEMS)} {name}")
        taken.add((name, country))
        return name

    def _provider_row(self, plan: _ProviderPlan, top: int | None) -> tuple:
        rng = self.rng
        currency = LOCAL_CURRENCY.get(plan.country, "EUR") if rng.random() < 0.3 else "EUR"
        spend = Decimal(round(10 ** rng.uniform(3.5, 6.5), -2))
        parent_pk = self.provider_plans[plan.parent].pk if plan.parent is not None else None
        top_pk = self.provider_plans[top].pk if top is not None else None
        return (plan.name, plan.country, plan.lei, parent_pk, top_pk,
                plan.sector.outsourcing_type,
                rng.choices(STATUS_CHOICES, cum_weights=STATUS_CUM)[0],
                rng.choice(self.owner_ids), convert(spend, currency), currency,
                [plan.country], [plan.country] if plan.tier >= 2 else [])

    def _arrangements(self, count: int) -> int:
        rng, plans = self.rng, self.provider_plans
        existing = (Arrangement.objects.filter(reference__startswith=REFERENCE_PREFIX)
                    .order_by("-reference").values_list("reference", flat=True).first())
        number = int(existing[len(REFERENCE_PREFIX):]) + 1 if existing else 1
        # Skewed: the provider ranked r gets a share ~ 1 / (r + 10), so a few get thousands.
        ranked = rng.sample(range(len(plans)), len(plans))
        chosen = rng.choices(ranked, cum_weights=_cumulative(
            1 / (rank + 10) for rank in range(len(ranked))), k=count)
        masters, others = [], []
        for provider_index in chosen:
            kind = rng.random()
            if kind < SUBSEQUENT_SHARE and masters:  # a statement of work under a master
                master = rng.choice(masters)
                row = self._arrangement_row(number, master["provider"], master["organisation"])
                row.update(arrangement_type=ArrangementType.SUBSEQUENT, overarching=master)
                others.append(row)
            else:
                row = self._arrangement_row(number, provider_index,
                                            rng.choice(self.organisations))
                if kind < SUBSEQUENT_SHARE + OVERARCHING_SHARE:
                    row["arrangement_type"] = ArrangementType.OVERARCHING
                    masters.append(row)
                else:
                    others.append(row)
            number += 1
        written, self.arrangement_of = 0, {}
        for batch in (masters, others):  # masters first: subsequent ones point at their ids
            if not batch:
                continue
            for row in batch:
                row["provider"] = plans[row["provider"]].pk
                row["organisation"] = row["organisation"][0]
                if row["overarching"] is not None:
                    row["overarching"] = row["overarching"]["pk"]
            columns = [name for name in batch[0] if not name.startswith("_")]
            values = operator.itemgetter(*columns)
            ids, more = self._insert(
                Arrangement, columns, [values(row) for row in batch],
                lambda row: row[0], m2m={"services": [row["_services"] for row in batch]})
            for pk, row in zip(ids, batch, strict=True):
                row["pk"] = pk
                self.arrangement_of.setdefault(row["provider"], (pk, row["is_critical"]))
            written += more
        return written

    def _arrangement_row(self, number: int, provider_index: int, organisation) -> dict:
        rng, today, plan = self.rng, self.today, self.provider_plans[provider_index]
        renewal = rng.choices(RENEWAL_CHOICES, cum_weights=RENEWAL_CUM)[0]
        start = today - timedelta(days=rng.randint(-120, 10 * 365))
        end = None
        if renewal != RenewalType.OPEN_ENDED:
            end = add_years(start, rng.choice((1, 2, 3, 5)))
            if renewal == RenewalType.AUTOMATIC and end < today:  # renewed a year at a time
                end = add_years(end, (today - end).days // 365 + 1)
        status = ArrangementStatus.DRAFT if start > today else ArrangementStatus.ACTIVE
        if end is not None and end < today:
            status = (ArrangementStatus.EXPIRED if rng.random() < 0.8
                      else ArrangementStatus.TERMINATED)
        notice = rng.choice(NOTICE_DAYS)
        service_ids = plan.service_ids[:rng.randint(1, 2)]
        spec = self.spec_of_service[service_ids[0]]
        critical = rng.random() < (0.6 if spec.critical_reason else 0.1)
        currency = "EUR" if rng.random() < 0.85 else LOCAL_CURRENCY.get(plan.country, "EUR")
        return {
            "reference": f"{REFERENCE_PREFIX}{number:08d}",
            "title": spec.name, "organisation": organisation, "provider": provider_index,
            "arrangement_type": ArrangementType.STANDALONE, "overarching": None,
            "status": status, "start_date": start, "end_date": end,
            "notice_period_entity_days": notice,
            "notice_period_provider_days": rng.choice(PROVIDER_NOTICE_DAYS),
            "notice_deadline": compute_notice_deadline(end, notice), "renewal_type": renewal,
            "annual_cost": convert(Decimal(round(10 ** rng.uniform(3.5, 6.3), -2)), currency),
            "currency": currency, "governing_law_country": organisation[1],
            "is_critical": critical,
            "criticality_reason": (spec.critical_reason or f"Supports {spec.name.lower()}.")
            if critical else "",
            "substitutability": rng.choices(
                SUBSTITUTABILITY_CHOICES, cum_weights=CRITICAL_CUM if critical else OTHER_CUM)[0],
            "data_involved": spec.data, "owner": rng.choice(self.owner_ids),
            "notes": rng.choice(NOTES) if rng.random() < 0.05 else "",
            "_services": service_ids,
        }

    def _subcontracting(self, count: int) -> int:
        rng, plans = self.rng, self.provider_plans
        by_tier: dict[int, list[int]] = {}
        for index, plan in enumerate(plans):
            by_tier.setdefault(plan.tier, []).append(index)
        tiers = sorted(by_tier)
        sources = [i for t in tiers[:-1] for i in by_tier[t]]
        # Within a tier a few subcontractors are everyone's choice: concentration.
        cum = {t: _cumulative(1 / (r + 3) for r in range(len(by_tier[t]))) for t in tiers}
        pairs: dict[tuple[int, int], None] = {}
        spine = [by_tier[t][0] for t in tiers]  # one chain as deep as the tiers go
        for link in itertools.pairwise(spine[:count + 1]):
            pairs[link] = None
        attempts = 0
        while len(pairs) < count:
            attempts += 1
            if not sources or attempts > 50 * count:
                raise ValueError(f"Only {len(pairs)} distinct subcontracting links fit "
                                 f"among {len(plans)} providers, not {count}.")
            source = rng.choice(sources)
            higher = [t for t in tiers if t > plans[source].tier]
            tier = higher[0] if rng.random() < 0.6 else rng.choice(higher)
            pairs.setdefault((source, rng.choices(by_tier[tier], cum_weights=cum[tier])[0]))
        rows = []
        for source, target in pairs:
            source_pk, target_pk = plans[source].pk, plans[target].pk
            arrangement, critical = (self.arrangement_of.get(source_pk, (None, False))
                                     if rng.random() < 0.3 else (None, False))
            rows.append((source_pk, target_pk, plans[target].service_ids[0], arrangement,
                         critical, f"{plans[source].name} → {plans[target].name}"))
        columns = ("provider", "subcontractor", "service", "arrangement",
                   "supports_critical_function")
        _, written = self._insert(SubcontractingLink, columns, [row[:5] for row in rows],
                                  _link_repr(rows))
        return written


def _category(area: str) -> str:
    """As Activity.save derives it."""
    return ActivityCategory.PRIMARY if area in PRIMARY_AREAS else ActivityCategory.SUPPORT


def _link_repr(rows: list[tuple]):
    names = {row[:2]: row[5] for row in rows}
    return lambda row: names[row[:2]]
