"""Register-of-information data at any scale, over a portfolio from `registry.generate`.

For benchmarks: the generated organisations become a group of financial entities (the first
the ultimate parent) with branches and a few hundred functions each; every ICT arrangement of
theirs gets several ICT service rows (different service types, functions, sometimes a branch
or a second group entity) and its DORA assessment; providers without an LEI get an EUID or a
registration number, as B_05.01 asks. Written set-based with their audit entries, as the
portfolio generator writes its own (source "generate"). Deterministic for a seed and database.
"""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tether.core.db import refresh_planner_statistics
from tether.registry.bulk import fast_insert
from tether.registry.choices import IdentifierScheme, Substitutability
from tether.registry.generate import ORGANISATION_PREFIX
from tether.registry.models import Activity, Arrangement, Organisation, Provider, ProviderIdentifier
from tether.regulatory import codelists
from tether.regulatory.demo import DEFAULT_SERVICE_TYPE, SERVICE_TYPES
from tether.regulatory.models import (
    ICT_OUTSOURCING_TYPES,
    ArrangementProfile,
    Branch,
    EntityProfile,
    Function,
    IctService,
)

SOURCE = "generate"
ENTITY_TYPES = {"Bank AG": "eba_CT:x12", "Versicherung AG": "eba_CT:x309"}
OTHER_ENTITY_TYPES = ("eba_CT:x599", "eba_CT:x639", "eba_CT:x300")
AUTHORITIES = {"DE": "BaFin", "FR": "ACPR", "NL": "DNB", "AT": "FMA",
               "IE": "Central Bank of Ireland"}
BRANCH_COUNTRIES = ("AT", "BE", "ES", "FR", "IT", "LU", "NL", "PL", "PT", "SE")
EU_COUNTRIES = frozenset({"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
                          "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL",
                          "PT", "RO", "SE", "SI", "SK"})
FUNCTION_ASPECTS = ("operations", "controls", "reporting", "customer support", "change",
                    "monitoring", "reconciliation", "data management")
ALL_SERVICE_TYPES = tuple(sorted(codelists.codes(codelists.ICT_SERVICE_TYPE)))
LICENCED_ACTIVITIES = tuple(sorted(codelists.codes(codelists.LICENCED_ACTIVITY)))
NOT_SUBSTITUTABLE = {Substitutability.NOT_SUBSTITUTABLE, Substitutability.HIGHLY_COMPLEX}
LOW_RELIANCE, HIGH_RELIANCE = ("eba_ZZ:x794", "eba_ZZ:x795"), ("eba_ZZ:x796", "eba_ZZ:x797")
SENSITIVITY = ("eba_ZZ:x791", "eba_ZZ:x792", "eba_ZZ:x793")
SHARED_SHARE, BRANCH_SHARE, STORES_DATA_SHARE, CRITICAL_FUNCTION_SHARE = 0.1, 0.1, 0.7, 0.3


def regulatory_generate(*, functions_per_entity: int = 300, services_per_arrangement: int = 3,
                        branches_per_entity: int = 4, seed: int = 1,
                        today: date | None = None) -> dict[str, int]:
    """DORA data for the generated organisations that have none yet, all of it or nothing.

    Returns the rows written per model (audit entries not counted) and the seconds taken.
    """
    if functions_per_entity < 1 or services_per_arrangement < 1 or branches_per_entity < 0:
        raise ValueError("Ask for at least one function per entity and one ICT service per "
                         "arrangement, and no negative number of branches.")
    started = time.perf_counter()
    with transaction.atomic():
        organisations = list(
            Organisation.objects.filter(name__startswith=ORGANISATION_PREFIX,
                                        dora_profile__isnull=True, lei__isnull=False)
            .order_by("pk").values_list("pk", "name", "country"))
        if not organisations:
            raise ValueError("No generated organisation without a DORA profile: run "
                             "`tether generate` first.")
        generator = _Generator(random.Random(seed), today or timezone.now().date(),
                               organisations)
        report = {
            "entity profiles": generator.profiles(),
            "branches": generator.branches(branches_per_entity),
            "functions": generator.functions(functions_per_entity),
            "ICT services": generator.services(services_per_arrangement),
            "DORA assessments": generator.assessments(),
            "provider identifiers": generator.identifiers(),
        }
    refresh_planner_statistics(EntityProfile, Branch, Function, IctService, ArrangementProfile,
                               ProviderIdentifier)
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report


def _countries(value) -> list[str]:
    """A multiple CountryField as read by `values_list`: a list, or a comma-separated text."""
    if not value:
        return []
    if isinstance(value, str):
        return [code for code in value.split(",") if code]
    return [str(code) for code in value]


class _Generator:
    def __init__(self, rng: random.Random, today: date, organisations: list[tuple]):
        self.rng, self.today, self.organisations = rng, today, organisations
        self.organisation_ids = [pk for pk, _, _ in organisations]

    def profiles(self) -> int:
        rng, parent = self.rng, self.organisation_ids[0]
        rows = []
        for pk, name, country in self.organisations:
            kind = name.split(" ", 2)[-1]
            entity_type = ENTITY_TYPES.get(kind) or rng.choice(OTHER_ENTITY_TYPES)
            rows.append((pk, True, entity_type,
                         "eba_RP:x53" if pk == parent else "eba_RP:x56",
                         None if pk == parent else parent,
                         AUTHORITIES.get(str(country), "ECB"),
                         Decimal(rng.randrange(500, 90_000)) * 1_000_000, "EUR",
                         self.today - timedelta(days=rng.randint(200, 700))))
        fast_insert(EntityProfile, ("organisation", "in_scope", "entity_type", "hierarchy",
                                    "parent", "competent_authority", "total_assets",
                                    "total_assets_currency", "integrated_on"),
                    rows, source=SOURCE, describe=lambda row: f"DORA profile {row[0]}")
        return len(rows)

    def branches(self, per_entity: int) -> int:
        rows = []
        for number, (pk, name, country) in enumerate(self.organisations, 1):
            abroad = [c for c in BRANCH_COUNTRIES if c != str(country)]
            for index, branch_country in enumerate(self.rng.sample(
                    abroad, min(per_entity, len(abroad)))):
                rows.append((pk, f"E{number:02d}-BR-{index + 1:02d}",
                             f"{name} branch {branch_country}", branch_country))
        ids = fast_insert(Branch, ("head_office", "code", "name", "country"), rows,
                          source=SOURCE, describe=lambda row: row[2]) if rows else []
        self.branches_of: dict[int, list[int]] = {}
        for pk, row in zip(ids, rows, strict=True):
            self.branches_of.setdefault(row[0], []).append(pk)
        return len(rows)

    def functions(self, per_entity: int) -> int:
        rng = self.rng
        activities: dict[int, list[tuple[int, str]]] = {}
        for pk, organisation_id, name in Activity.objects.filter(
                organisation__in=self.organisation_ids, parent__isnull=False).order_by(
                "pk").values_list("pk", "organisation_id", "name"):
            activities.setdefault(organisation_id, []).append((pk, name))
        rows = []
        for organisation_id in self.organisation_ids:
            mapped = activities.get(organisation_id) or [(None, "Business")]
            for number in range(1, per_entity + 1):
                activity_id, activity = mapped[number % len(mapped)]
                critical = rng.random() < CRITICAL_FUNCTION_SHARE
                rows.append((
                    organisation_id, f"F-{number:04d}",
                    f"{activity} {FUNCTION_ASPECTS[number % len(FUNCTION_ASPECTS)]} {number}",
                    activity_id, rng.choice(LICENCED_ACTIVITIES),
                    codelists.YES if critical else codelists.NO,
                    "A stop is visible to customers within hours." if critical else "",
                    self.today - timedelta(days=rng.randint(30, 330)),
                    rng.choice((2, 4, 8, 24, 72)), rng.choice((0, 1, 4, 24)),
                    rng.choice(SENSITIVITY)))
        ids = fast_insert(Function, (
            "organisation", "identifier", "name", "activity", "licenced_activity", "criticality",
            "criticality_reasons", "assessed_on", "rto_hours", "rpo_hours",
            "discontinuing_impact"), rows, source=SOURCE, describe=lambda row: row[1])
        self.functions_of: dict[int, list[int]] = {}
        for pk, row in zip(ids, rows, strict=True):
            self.functions_of.setdefault(row[0], []).append(pk)
        return len(rows)

    def _arrangements(self) -> list[tuple]:
        """The ICT arrangements, less statements of work under a framework out of force this
        year: the register would name an overarching arrangement it does not report (R13)."""
        if not hasattr(self, "arrangements"):
            year_start = date(self.today.year, 1, 1)
            self.arrangements = [row[:-2] for row in (
                Arrangement.objects.filter(organisation__in=self.organisation_ids,
                                           provider__outsourcing_type__in=ICT_OUTSOURCING_TYPES)
                .order_by("pk").values_list(
                    "pk", "organisation_id", "is_critical", "substitutability", "status",
                    "end_date", "provider__country", "provider__service_countries",
                    "provider__data_storage_countries", "overarching__start_date",
                    "overarching__end_date"))
                if row[-2] is None or (row[-2] <= self.today and (
                    row[-1] is None or row[-1] >= year_start))]
            self.service_names: dict[int, list[str]] = {}
            through = Arrangement.services.through
            for arrangement_id, name in through.objects.filter(
                    arrangement__in=[row[0] for row in self.arrangements]).order_by(
                    "pk").values_list("arrangement_id", "service__name"):
                self.service_names.setdefault(arrangement_id, []).append(name)
        return self.arrangements

    def services(self, per_arrangement: int) -> int:
        rng, rows = self.rng, []
        for (pk, organisation_id, critical, _substitutability, _status, _end, country,
             service_countries, storage_countries) in self._arrangements():
            types = [SERVICE_TYPES.get(name, DEFAULT_SERVICE_TYPE)
                     for name in self.service_names.get(pk, ())]
            count = rng.randint(1, 2 * per_arrangement - 1)
            others = [t for t in ALL_SERVICE_TYPES if t not in types]
            types = list(dict.fromkeys(types))[:count]
            types += rng.sample(others, count - len(types))
            provided = (_countries(service_countries) or [str(country)])[0]
            stored = (_countries(storage_countries) or [provided])[0]
            users = [organisation_id]
            if len(self.organisation_ids) > 1 and rng.random() < SHARED_SHARE:
                users.append(rng.choice([o for o in self.organisation_ids
                                         if o != organisation_id]))
            for user in users:
                for service_type in types if user == organisation_id else types[:1]:
                    stores = rng.random() < STORES_DATA_SHARE
                    branches = self.branches_of.get(user)
                    rows.append((
                        pk, user, rng.choice(branches) if branches and
                        rng.random() < BRANCH_SHARE else None,
                        rng.choice(self.functions_of[user]), service_type, provided, stores,
                        stored if stores else "", provided, rng.choice(SENSITIVITY),
                        rng.choice(HIGH_RELIANCE if critical else LOW_RELIANCE)))
        fast_insert(IctService, (
            "arrangement", "organisation", "branch", "function", "service_type",
            "provision_country", "stores_data", "storage_country", "processing_country",
            "data_sensitivity", "reliance"), rows, source=SOURCE,
            describe=lambda row: f"ICT service {row[4]} of arrangement {row[0]}")
        return len(rows)

    def assessments(self) -> int:
        rng, rows = self.rng, []
        for (pk, _organisation, critical, substitutability, status, end_date, *_rest) in \
                self._arrangements():
            ended = end_date is not None and end_date < self.today
            reason = ("eba_CO:x9" if status == "terminated" else "eba_CO:x4") if ended else ""
            rows.append((
                pk, reason,
                rng.choice(("eba_ZZ:x963", "eba_ZZ:x964", "eba_ZZ:x965"))
                if substitutability in NOT_SUBSTITUTABLE else "",
                rng.choice(("eba_ZZ:x966", "eba_ZZ:x967")) if critical
                else rng.choice(("eba_ZZ:x798", "eba_ZZ:x966")),
                "eba_ZZ:x793" if critical else rng.choice(("eba_ZZ:x791", "eba_ZZ:x792")),
                "Two alternative providers shortlisted." if rng.random() < 0.2 else ""))
        fast_insert(ArrangementProfile, (
            "arrangement", "termination_reason", "not_substitutable_reason", "reintegration",
            "discontinuing_impact", "alternatives_note"), rows, source=SOURCE,
            describe=lambda row: f"DORA assessment of arrangement {row[0]}")
        return len(rows)

    def identifiers(self) -> int:
        """B_05.01 names providers by LEI, else by another identifier: those without get one."""
        rows = []
        for pk, country in Provider.objects.filter(lei__isnull=True, identifiers__isnull=True) \
                .order_by("pk").values_list("pk", "country"):
            country = str(country)
            if country in EU_COUNTRIES:
                rows.append((pk, IdentifierScheme.EUID, f"{country}HRB{100000 + pk}", country))
            else:
                rows.append((pk, IdentifierScheme.CRN, f"CRN{100000 + pk}", country))
        if rows:
            fast_insert(ProviderIdentifier, ("provider", "scheme", "value", "country"), rows,
                        source=SOURCE, describe=lambda row: f"{row[1]} {row[2]}")
        return len(rows)
