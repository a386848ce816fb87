"""The demo's arrangements, planned in memory: who contracts what, for how long, at what cost."""

from datetime import date, timedelta
from decimal import Decimal

from tether.core.roles import Role
from tether.registry import demo_data as data
from tether.registry.choices import (
    ArrangementStatus,
    ArrangementType,
    DataInvolved,
    RenewalType,
    Substitutability,
)
from tether.registry.synthetic import LOCAL_CURRENCY, add_years, convert

SERVICE_SPECS = {spec.name: spec for spec in data.SERVICES}
RENEWALS = {RenewalType.AUTOMATIC: 45, RenewalType.BY_AGREEMENT: 25, RenewalType.NONE: 15,
            RenewalType.OPEN_ENDED: 15}
NOTICE_DAYS = (30, 60, 90, 90, 90, 180, 365)
PROVIDER_NOTICE_DAYS = (90, 180, 180, 365)
SUBSTITUTABILITY = tuple(Substitutability)
CRITICAL_SUBSTITUTABILITY = (15, 45, 35, 5)
OTHER_SUBSTITUTABILITY = (3, 12, 45, 40)
DATA_RANK = {DataInvolved.NONE: 0, DataInvolved.CONFIDENTIAL: 1, DataInvolved.PERSONAL: 2}
# Who owns arrangements: the people who manage them, never the read-only roles.
OWNER_WEIGHTS = {Role.VENDOR_MANAGER: 70, Role.RISK_OFFICER: 15, Role.SECURITY_OFFICER: 15}
OWNER_ROLES = (Role.ADMIN, *OWNER_WEIGHTS)
GOVERNING_LAWS = frozenset({"IE", "GB", "NL", "LU", "US", "CH", "FR"})
NOTES = (
    "Price review due with the next renewal.",
    "Exit plan drafted; exit test still to be scheduled.",
    "Provider announced a move of its secondary data centre.",
    "Benchmark against two alternative providers planned for next year.",
    "Service credits claimed twice in the last twelve months.",
    "Audit rights exercised last year; two findings still open.",
    "Contract transferred from the previous group entity.",
)
UPCOMING_NOTICE, ENDING_SOON = 24, 10


def plan_arrangements(rng, today: date, providers: dict[str, dict], *, users: list) -> list[dict]:
    """Every demo arrangement as a dict of field values, with references assigned."""
    planner = _Planner(rng, today, users)
    plans = []
    for org in data.ORGANISATIONS:
        plans += planner.frameworks(org, providers)
    org_services = {org.key: _services_of(org) for org in data.ORGANISATIONS}
    for key, provider in providers.items():
        matching = [org for org in data.ORGANISATIONS
                    if set(provider["services"]) & set(org_services[org.key])]
        if not provider["named"]:
            # A small firm works for one of the two, and deep-tier firms mostly for nobody.
            direct = provider["tier"] == 0 or rng.random() < 0.3
            matching = [rng.choice(matching)] if matching and direct else []
        for org in matching:
            offered = [s for s in provider["services"] if s in org_services[org.key]]
            count = rng.choice((1, 2, 2, 3)) if provider["named"] else rng.choice((1, 1, 1, 2))
            for _ in range(count):
                services = rng.sample(offered, rng.randint(1, min(2, len(offered))))
                plans.append(planner.arrangement(org, key, provider, services))
    planner.make_deadlines_upcoming(plans)
    _assign_references(plans)
    return plans


def _services_of(org) -> dict[str, str]:
    """Service name -> the first activity of `org` it supports."""
    uses = {}
    for _, children in org.value_chain.values():
        for child in children:
            for service in child.services:
                uses.setdefault(service, child.name)
    return uses


class _Planner:
    def __init__(self, rng, today: date, users: list):
        self.rng, self.today = rng, today
        owners = [u for u in users if u.role in OWNER_WEIGHTS]
        self.owners, self.owner_weights = owners, [OWNER_WEIGHTS[u.role] for u in owners]

    def frameworks(self, org, providers: dict) -> list[dict]:
        """Master agreements with statements of work under them."""
        plans = []
        for org_key, key, count in data.FRAMEWORKS:
            if org_key != org.key:
                continue
            provider = providers[key]
            offered = [s for s in provider["services"] if s in _services_of(org)]
            master = self.arrangement(org, key, provider, offered,
                                      earliest=self.today - timedelta(days=8 * 365))
            master.update(type=ArrangementType.OVERARCHING, renewal=RenewalType.OPEN_ENDED,
                          end=None, status=ArrangementStatus.ACTIVE, cost_eur=Decimal(0),
                          cost=None, title=f"Master services agreement – {provider['name']}")
            plans.append(master)
            for number in range(1, count + 1):
                service = offered[(number - 1) % len(offered)]
                work = self.arrangement(org, key, provider, [service], earliest=master["start"])
                work.update(type=ArrangementType.SUBSEQUENT, overarching=master,
                            title=f"Statement of work {number}: {service}")
                plans.append(work)
        return plans

    def arrangement(self, org, key: str, provider: dict, services: list[str], *,
                    earliest: date | None = None) -> dict:
        rng = self.rng
        renewal = rng.choices(list(RENEWALS), weights=list(RENEWALS.values()))[0]
        start, end, status = self._term(renewal, earliest)
        currency = "EUR"
        if provider["country"] in LOCAL_CURRENCY and rng.random() < 0.6:
            currency = LOCAL_CURRENCY[provider["country"]]
        low, high = (5.0, 6.6) if provider["named"] else (3.7, 5.4)  # log10 of EUR a year
        cost_eur = Decimal(round(10 ** rng.uniform(low, high), -2))
        reasons = [SERVICE_SPECS[s].critical_reason for s in services
                   if SERVICE_SPECS[s].critical_reason]
        critical = bool(reasons) and rng.random() < 0.8
        if not critical and rng.random() < 0.04:
            critical = True
            activity = _services_of(org)[services[0]]
            reasons = [f"Supports {activity}, assessed as an important function."]
        law = org.country
        if provider["country"] in GOVERNING_LAWS and rng.random() < 0.25:
            law = provider["country"]
        return {
            "organisation": org.key, "provider": key, "services": services,
            "type": ArrangementType.STANDALONE, "overarching": None,
            "title": ", ".join(services)[:250], "status": status, "start": start, "end": end,
            "notice_entity": rng.choice(NOTICE_DAYS),
            "notice_provider": rng.choice(PROVIDER_NOTICE_DAYS), "renewal": renewal,
            "cost_eur": cost_eur, "cost": convert(cost_eur, currency), "currency": currency,
            "law": law, "critical": critical, "reason": reasons[0] if critical else "",
            "substitutability": rng.choices(
                SUBSTITUTABILITY,
                weights=CRITICAL_SUBSTITUTABILITY if critical else OTHER_SUBSTITUTABILITY)[0],
            "data": max((SERVICE_SPECS[s].data for s in services), key=DATA_RANK.__getitem__),
            "owner": rng.choices(self.owners, weights=self.owner_weights)[0] if self.owners
            else None,
            "notes": rng.choice(NOTES) if rng.random() < 0.12 else "",
        }

    def _term(self, renewal: str, earliest: date | None) -> tuple[date, date | None, str]:
        """Start, end and status; renewals roll the end date past today as they would have."""
        rng, today = self.rng, self.today
        years = rng.choice((1, 2, 3, 3, 5))
        if rng.random() < 0.04:
            start = today + timedelta(days=rng.randint(14, 120))
            end = None if renewal == RenewalType.OPEN_ENDED else add_years(start, years)
            return start, end, ArrangementStatus.DRAFT
        oldest = (today - earliest).days if earliest else 9 * 365
        start = today - timedelta(days=rng.randint(60, max(61, oldest)))
        if renewal == RenewalType.OPEN_ENDED:
            return start, None, ArrangementStatus.ACTIVE
        end, status = add_years(start, years) - timedelta(days=1), ArrangementStatus.ACTIVE
        if end < today:
            if renewal == RenewalType.AUTOMATIC:
                while end < today:
                    end = add_years(end, 1)
            elif renewal == RenewalType.BY_AGREEMENT and rng.random() < 0.6:
                while end < today:
                    end = add_years(end, years)
            else:
                status = ArrangementStatus.EXPIRED
        if status == ArrangementStatus.ACTIVE and rng.random() < 0.04:
            status = ArrangementStatus.TERMINATED
            end = max(start, today - timedelta(days=rng.randint(10, 400)))
        return start, end, status

    def make_deadlines_upcoming(self, plans: list[dict]) -> None:
        """Some notice deadlines and end dates fall in the next 90 days, whatever today is."""
        eligible = [p for p in plans if p["status"] == ArrangementStatus.ACTIVE
                    and p["renewal"] != RenewalType.OPEN_ENDED
                    and p["type"] != ArrangementType.OVERARCHING]
        chosen = self.rng.sample(eligible, min(len(eligible), UPCOMING_NOTICE + ENDING_SOON))
        for index, plan in enumerate(chosen):
            if index < UPCOMING_NOTICE:
                days = plan["notice_entity"] + self.rng.randint(1, 89)
            else:
                days = self.rng.randint(5, 85)
            plan["end"] = self.today + timedelta(days=days)


def _assign_references(plans: list[dict]) -> None:
    """References like NB-2021-014: organisation prefix, start year, number within the year."""
    prefixes = {org.key: org.prefix for org in data.ORGANISATIONS}
    numbers: dict[tuple[str, int], int] = {}
    for plan in sorted(plans, key=lambda p: (p["organisation"], p["start"], p["provider"])):
        year_key = (plan["organisation"], plan["start"].year)
        numbers[year_key] = numbers.get(year_key, 0) + 1
        plan["reference"] = (
            f"{prefixes[plan['organisation']]}-{plan['start'].year}-{numbers[year_key]:03d}")
    for plan in plans:
        if plan["overarching"] is not None:
            plan["overarching"] = plan["overarching"]["reference"]
