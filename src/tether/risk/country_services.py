"""Writes of country risk ratings, one at a time or a whole file at once, audited; the
providers established, serving or storing data in a changed country are rescored."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tether.core.audit import BulkChange, record_bulk, snapshot
from tether.core.models import AuditAction
from tether.core.services import ModelServices, object_create, object_delete, object_update
from tether.core.signals import announce_provider_evidence
from tether.registry.models import Provider
from tether.risk.models import ArrangementIntake, CountryRisk

REASON = "country risk"
# Past this many changed countries, every provider is rescored (in a background job) rather
# than those of each country looked up one by one.
COUNTRIES_LOOKED_UP = 20
RATED_FIELDS = ("political", "economic", "legal", "source", "as_of", "notes")


def providers_in_countries(codes) -> list[int]:
    """Providers established, serving or storing data in any of the countries, or with an
    arrangement whose intake names one of them."""
    codes = sorted(set(codes))
    if not codes:
        return []
    where = Q(country__in=codes)
    for code in codes:
        # Several countries are stored as "DE,FR": two-letter codes between commas.
        where |= Q(service_countries__contains=code) | Q(data_storage_countries__contains=code)
    ids = set(Provider.objects.filter(where).values_list("pk", flat=True))
    ids.update(ArrangementIntake.objects.filter(country__in=codes)
               .values_list("arrangement__provider_id", flat=True))
    return sorted(ids)


def announce_countries(codes, *, actor=None) -> None:
    """Rescore the providers the countries' ratings apply to, once the transaction commits."""
    from tether.risk.tasks import rescore_enqueue

    codes = set(codes)
    if len(codes) > COUNTRIES_LOOKED_UP:
        rescore_enqueue(actor=actor)
    else:
        announce_provider_evidence(providers_in_countries(codes), REASON)


@transaction.atomic
def country_risk_create(*, actor, data: dict, source: str = "web") -> CountryRisk:
    """Rate a country; the providers it concerns are rescored."""
    rating = object_create(CountryRisk, actor=actor, data=data, source=source)
    announce_countries([rating.country.code], actor=actor)
    return rating


@transaction.atomic
def country_risk_update(rating: CountryRisk, *, actor, data: dict,
                        source: str = "web") -> CountryRisk:
    """Change a country's rating; the providers it concerns are rescored."""
    former = CountryRisk.objects.filter(pk=rating.pk).values_list("country", flat=True).first()
    rating = object_update(rating, actor=actor, data=data, source=source)
    announce_countries({former, rating.country.code} - {None}, actor=actor)
    return rating


@transaction.atomic
def country_risk_delete(rating: CountryRisk, *, actor, source: str = "web") -> None:
    """Remove a country's rating: it counts as unrated again."""
    code = rating.country.code
    object_delete(rating, actor=actor, source=source)
    announce_countries([code], actor=actor)


COUNTRY_RISK = ModelServices(country_risk_create, country_risk_update, country_risk_delete)


@transaction.atomic
def country_risks_save(*, actor, rows: list[dict], source: str = "import") -> dict[str, int]:
    """Create or update the ratings of many countries (checked rows, one per country), with
    their audit records written in bulk; returns how many were created, updated, unchanged."""
    stored = {rating.country.code: rating for rating in
              CountryRisk.objects.filter(country__in=[row["country"] for row in rows])}
    now = timezone.now()
    new, changed, changes = [], [], []
    for row in rows:
        rating = stored.get(row["country"])
        if rating is None:
            new.append(CountryRisk(**row))
            continue
        values = {name: row.get(name, getattr(rating, name)) for name in RATED_FIELDS}
        if all(getattr(rating, name) == value for name, value in values.items()):
            continue
        before = snapshot(rating)
        for name, value in values.items():
            setattr(rating, name, value)
        rating.last_updated = now
        changed.append(rating)
        changes.append(BulkChange(rating.pk, str(rating), AuditAction.UPDATE, before,
                                  snapshot(rating)))
    CountryRisk.objects.bulk_create(new)
    CountryRisk.objects.bulk_update(changed, [*RATED_FIELDS, "last_updated"])
    changes += [BulkChange(rating.pk, str(rating), AuditAction.CREATE, None, snapshot(rating))
                for rating in new]
    record_bulk(actor=actor, model=CountryRisk, changes=changes, source=source)
    announce_countries([r.country.code for r in (*new, *changed)], actor=actor)
    return {"created": len(new), "updated": len(changed),
            "unchanged": len(rows) - len(new) - len(changed)}
