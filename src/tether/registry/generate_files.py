"""Import files for benchmarks and tests: new rows in the import format, naming existing objects.

Columns are those of `tether.registry.transfer.columns`; dates are ISO, choices their codes,
booleans yes/no and lists separated by ";". Synthetic LEIs (prefix T3TH) as in the generator.
"""

import csv
import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tether.core.models import User
from tether.registry import demo_data
from tether.registry.choices import (
    ArrangementStatus,
    ArrangementType,
    PersonType,
    ProviderStatus,
    RenewalType,
    Substitutability,
)
from tether.registry.demo_plan import (
    NOTES,
    NOTICE_DAYS,
    OWNER_ROLES,
    PROVIDER_NOTICE_DAYS,
    RENEWALS,
)
from tether.registry.models import Arrangement, Organisation, Provider, Service
from tether.registry.synthetic import (
    SECTORS,
    STEMS,
    add_years,
    company_name,
    random_lei,
    sector_country,
)
from tether.registry.transfer.columns import ARRANGEMENT_COLUMNS, PROVIDER_COLUMNS

IMPORT_PREFIX = "IMP-"
NUMERIC_HEADERS = frozenset({"annual_cost", "annual_spend", "notice_period_entity_days",
                             "notice_period_provider_days"})
SPEC_OF_SERVICE = {spec.name: spec for spec in demo_data.SERVICES}


def write_arrangements_file(path, rows: int, fmt: str = "csv", seed: int = 1) -> int:
    """Write `rows` new arrangements with existing organisations, providers, services, owners."""
    rng, today = random.Random(seed), timezone.now().date()
    organisations = list(Organisation.objects.order_by("pk").values_list("name", "country"))
    providers = list(Provider.objects.order_by("pk").values_list("lei", "name", "country"))
    if not organisations or not providers:
        raise ValueError("The file names existing organisations and providers: "
                         "load the demo or generate a portfolio first.")
    services = list(Service.objects.order_by("pk").values_list("name", flat=True))
    owners = _owners()
    last = (Arrangement.objects.filter(reference__startswith=IMPORT_PREFIX)
            .order_by("-reference").values_list("reference", flat=True).first())
    first = int(last[len(IMPORT_PREFIX):]) + 1 if last else 1
    masters: list[str] = []

    def row(number: int) -> dict:
        lei, name, country = rng.choice(providers)
        organisation, law = rng.choice(organisations)
        chosen = rng.sample(services, min(len(services), rng.randint(1, 2)))
        spec = SPEC_OF_SERVICE.get(chosen[0]) if chosen else None
        renewal = rng.choices(list(RENEWALS), weights=list(RENEWALS.values()))[0]
        start = today - timedelta(days=rng.randint(-90, 8 * 365))
        end = None if renewal == RenewalType.OPEN_ENDED else add_years(start, rng.randint(1, 5))
        critical = rng.random() < 0.25
        kind, overarching = ArrangementType.STANDALONE, ""
        if masters and rng.random() < 0.06:
            kind, overarching = ArrangementType.SUBSEQUENT, rng.choice(masters)
        elif rng.random() < 0.03:
            kind = ArrangementType.OVERARCHING
            masters.append(f"{IMPORT_PREFIX}{number:08d}")
        return {
            "reference": f"{IMPORT_PREFIX}{number:08d}", "title": ", ".join(chosen),
            "organisation": organisation, "provider_lei": lei or "", "provider_name": name,
            "provider_country": country, "services": ";".join(chosen),
            "arrangement_type": kind, "overarching_reference": overarching,
            "status": (ArrangementStatus.DRAFT if start > today else
                       ArrangementStatus.EXPIRED if end and end < today
                       else ArrangementStatus.ACTIVE),
            "start_date": start.isoformat(), "end_date": end.isoformat() if end else "",
            "notice_period_entity_days": rng.choice(NOTICE_DAYS),
            "notice_period_provider_days": rng.choice(PROVIDER_NOTICE_DAYS),
            "renewal_type": renewal, "annual_cost": _amount(rng, 3.5, 6.3),
            "currency": "EUR" if rng.random() < 0.85 else rng.choice(("USD", "GBP", "INR")),
            "governing_law_country": law, "is_critical": "yes" if critical else "no",
            "criticality_reason": ((spec.critical_reason if spec else "")
                                   or "Supports an important function.") if critical else "",
            "substitutability": rng.choice(tuple(Substitutability)),
            "data_involved": spec.data if spec else "none",
            # EBA outsourcing register fields: assessed and approved for critical ones, and a
            # share of arrangements that are cloud outsourcing.
            "supports_time_critical_operations": (
                ("yes" if rng.random() < 0.4 else "no") if critical else ""),
            **_cloud_models(rng),
            "approved_by": "Management board" if critical else "",
            "owner": rng.choice(owners) if owners else "",
            "notes": rng.choice(NOTES) if rng.random() < 0.05 else "",
        }

    headers = [column.header for column in ARRANGEMENT_COLUMNS]
    _write(path, fmt, "arrangements", headers, (row(first + i) for i in range(rows)))
    return rows


def write_providers_file(path, rows: int, fmt: str = "csv", seed: int = 1) -> int:
    """Write `rows` new providers (unused names and LEIs), some in groups already registered."""
    rng = random.Random(seed)
    taken = set(Provider.objects.values_list("name", "country"))
    leis = set(Provider.objects.exclude(lei=None).values_list("lei", flat=True))
    parents = list(Provider.objects.exclude(lei=None).filter(parent=None)
                   .order_by("pk").values_list("lei", "name")[:1000])
    owners = _owners()
    sectors = list(SECTORS.values())

    def row(_: int) -> dict:
        sector = rng.choice(sectors)
        country = sector_country(rng, sector)
        name = company_name(rng, country, sector)
        while (name, country) in taken:
            name = f"{rng.choice(STEMS)} {name}"
        taken.add((name, country))
        lei = ""
        if rng.random() < 0.85:
            lei = random_lei(rng)
            while lei in leis:
                lei = random_lei(rng)
            leis.add(lei)
        parent_lei, parent_name = ("", "")
        if parents and rng.random() < 0.1:
            parent_lei, parent_name = rng.choice(parents)
        currency = "EUR" if rng.random() < 0.8 else rng.choice(("USD", "GBP", "INR"))
        return {
            "name": name, "lei": lei, "country": country, "person_type": PersonType.LEGAL_PERSON,
            "parent_lei": parent_lei, "parent_name": parent_name,
            "outsourcing_type": sector.outsourcing_type,
            "status": rng.choice((ProviderStatus.ACTIVE,) * 8 + (ProviderStatus.PROSPECTIVE,)),
            "relationship_owner": rng.choice(owners) if owners else "",
            "annual_spend": _amount(rng, 3.5, 6.5), "spend_currency": currency,
            "service_countries": ";".join(sorted({country, sector_country(rng, sector)})),
            "data_storage_countries": country if sector.tier >= 2 else "",
            "services": ";".join(rng.sample(sector.services, 1)), "website": "",
            "registered_address": "", "description": "",
        }

    headers = [column.header for column in PROVIDER_COLUMNS]
    _write(path, fmt, "providers", headers, (row(i) for i in range(rows)))
    return rows


def _cloud_models(rng) -> dict:
    if rng.random() >= 0.2:
        return {"cloud_service_model": "", "cloud_deployment_model": ""}
    return {"cloud_service_model": rng.choice(("iaas", "paas", "saas")),
            "cloud_deployment_model": rng.choice(("public", "private", "hybrid"))}


def _owners() -> list[str]:
    return list(User.objects.filter(role__in=OWNER_ROLES, provider=None)
                .order_by("pk").values_list("username", flat=True))


def _amount(rng, low: float, high: float) -> str:
    """A yearly amount between 10**low and 10**high, to the hundred, as "12300.00"."""
    return f"{Decimal(round(10 ** rng.uniform(low, high), -2)):.2f}"


def _write(path, fmt: str, sheet: str, headers: list[str], rows) -> None:
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=headers)
            writer.writeheader()
            writer.writerows(rows)
    elif fmt == "xlsx":
        import xlsxwriter

        # constant_memory streams rows to disk, so 100,000 rows need no more memory than ten.
        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        worksheet = workbook.add_worksheet(sheet)
        worksheet.write_row(0, 0, headers)
        # Amounts and days stay numbers, as someone typing them into a workbook leaves them.
        for number, row in enumerate(rows, start=1):
            worksheet.write_row(number, 0, [
                float(row[h]) if h in NUMERIC_HEADERS else row[h] for h in headers])
        workbook.close()
    else:
        raise ValueError(f"Unknown file format “{fmt}”: choose csv or xlsx.")

