"""Writes of service levels and their credit bands: each one transaction with its audit record.

The rules a definition must follow are stated once here (`level_problems`, `band_problems`)
and checked by the services, so the pages, the API and the demo refuse the same things. A
change that alters what a level's results are (target, aggregation, bands…) recomputes that
level's results once the transaction has committed.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction

from tether.core.services import ModelServices, object_create, object_delete, object_update
from tether.performance import engine
from tether.performance.choices import Aggregation, Direction, LevelKind
from tether.performance.models import CreditBand, ServiceLevel

# Fields whose change alters the level's results; a new name or description does not.
RESULT_FIELDS = frozenset({"kind", "direction", "aggregation", "percentile", "item_target",
                           "target", "period", "minimum_count", "monthly_fee", "currency",
                           "credit_cap_percent", "active"})


def _recompute_after_commit(level_id: int) -> None:
    transaction.on_commit(partial(engine.recompute_levels, [level_id]))


def _value(data: dict, instance, name: str):
    return data[name] if name in data else getattr(instance, name, None)


def level_problems(level: ServiceLevel) -> dict[str, list[str]]:
    """What is wrong with a level's definition (field -> messages), bands included."""
    problems: dict[str, list[str]] = {}
    if level.aggregation == Aggregation.PERCENTILE and level.percentile is None:
        problems["percentile"] = ["A percentile aggregation needs its percentile, e.g. 95."]
    elif level.aggregation == Aggregation.PERCENTILE and not 0 < level.percentile <= 100:
        problems["percentile"] = ["The percentile lies above 0 and at most 100."]
    if level.aggregation == Aggregation.WITHIN_TARGET:
        if level.item_target is None:
            problems["item_target"] = ["“Share within target” needs the value each item must "
                                       "reach, e.g. 4 (hours)."]
        if level.target is not None and not 0 <= level.target <= 100:
            problems["target"] = ["A share within target is a percentage: 0 to 100."]
    arrangement = getattr(level, "arrangement", None) if level.arrangement_id else None
    if (level.kind == LevelKind.SLA and level.monthly_fee is None and arrangement is not None
            and level.currency != arrangement.currency):
        problems["currency"] = [
            f"Without a monthly fee, credits are a share of the arrangement's annual cost, "
            f"in {arrangement.currency}: use {arrangement.currency} or give a monthly fee."]
    if level.pk is not None:
        bands = list(level.credit_bands.all())
        if bands and level.kind == LevelKind.KPI:
            problems["kind"] = ["A KPI carries no service credits: remove its credit bands "
                                "first."]
        elif bands and level.target is not None:
            wrong = [band for band in bands if not _band_on_worse_side(level, band.worse_than)]
            if wrong:
                problems["target"] = [
                    f"The credit band “worse than {wrong[0].worse_than:g}” would then not be "
                    f"worse than the target: change or remove the band first."]
    return problems


def aggregate_higher_is_better(level: ServiceLevel) -> bool:
    """Whether the period's aggregate is better higher. A share of items within their target
    always is; its `direction` tells which way each item is better (hours: lower)."""
    return level.direction == Direction.HIGHER or level.aggregation == Aggregation.WITHIN_TARGET


def _band_on_worse_side(level: ServiceLevel, bound: float) -> bool:
    if aggregate_higher_is_better(level):
        return bound <= level.target
    return bound >= level.target


def band_problems(band: CreditBand) -> dict[str, list[str]]:
    """What is wrong with a credit band on its level: it must lie on the worse side of the
    target, and a band further from the target never credits less than a nearer one."""
    if band.service_level_id is None:
        return {}
    level = band.service_level
    if level.kind == LevelKind.KPI:
        return {"service_level": ["A KPI carries no service credits; make it an SLA first."]}
    if band.worse_than is None or band.credit_percent is None:
        return {}
    higher = aggregate_higher_is_better(level)
    if not _band_on_worse_side(level, band.worse_than):
        side, better = ("at or below", "higher") if higher else ("at or above", "lower")
        return {"worse_than": [f"A band starts {side} the target ({level.target:g} "
                               f"{level.unit}): the period's figure is better {better}."]}
    # Severity: how far beyond the target the band starts.
    sign = 1 if higher else -1
    others = level.credit_bands.exclude(pk=band.pk) if band.pk else level.credit_bands.all()
    for other in others:
        nearer = sign * other.worse_than > sign * band.worse_than
        if nearer and other.credit_percent > band.credit_percent:
            return {"credit_percent": [
                f"A band further from the target cannot credit less than the nearer band "
                f"“worse than {other.worse_than:g}” ({other.credit_percent} %)."]}
        if not nearer and other.worse_than != band.worse_than \
                and other.credit_percent < band.credit_percent:
            return {"credit_percent": [
                f"A band nearer the target cannot credit more than the further band "
                f"“worse than {other.worse_than:g}” ({other.credit_percent} %)."]}
    return {}


def _clean_level_data(data: dict) -> dict:
    # A percentile or item target that the aggregation does not use is dropped, not stored.
    data = dict(data)
    if "aggregation" in data:
        if data["aggregation"] != Aggregation.PERCENTILE:
            data["percentile"] = None
        if data["aggregation"] != Aggregation.WITHIN_TARGET:
            data["item_target"] = None
    return data


def level_candidate(level: ServiceLevel | None, data: dict) -> ServiceLevel:
    """The level as it would be with `data` applied (not saved)."""
    candidate = ServiceLevel.objects.get(pk=level.pk) if level and level.pk else ServiceLevel()
    for name, value in _clean_level_data(data).items():
        setattr(candidate, name, value)
    return candidate


def band_candidate(band: CreditBand | None, data: dict) -> CreditBand:
    """The band as it would be with `data` applied (not saved)."""
    candidate = (CreditBand.objects.select_related("service_level").get(pk=band.pk)
                 if band and band.pk else CreditBand())
    for name, value in data.items():
        setattr(candidate, name, value)
    return candidate


def _check(problems: dict) -> None:
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def service_level_create(*, actor, data: dict, source: str = "web") -> ServiceLevel:
    """Define an SLA or KPI of an arrangement."""
    data = _clean_level_data(data)
    _check(level_problems(level_candidate(None, data)))
    return object_create(ServiceLevel, actor=actor, data=data, source=source)


@transaction.atomic
def service_level_update(level: ServiceLevel, *, actor, data: dict,
                         source: str = "web") -> ServiceLevel:
    """Change a level's definition; its results are recomputed when what they depend on
    changed."""
    data = _clean_level_data(data)
    before = {name: getattr(level, name) for name in RESULT_FIELDS}
    _check(level_problems(level_candidate(level, data)))
    level = object_update(level, actor=actor, data=data, source=source)
    if any(getattr(level, name) != value for name, value in before.items()):
        _recompute_after_commit(level.pk)
    return level


@transaction.atomic
def service_level_delete(level: ServiceLevel, *, actor, source: str = "web") -> None:
    """Remove a level with its bands, measurements and results (its bands kept in the audit
    trail)."""
    for band in level.credit_bands.all():
        object_delete(band, actor=actor, source=source)
    object_delete(level, actor=actor, source=source)


SERVICE_LEVEL = ModelServices(service_level_create, service_level_update, service_level_delete)


@transaction.atomic
def credit_band_create(*, actor, data: dict, source: str = "web",
                       recompute: bool = True) -> CreditBand:
    """Add a service-credit band to an SLA; its results are recomputed (unless the caller,
    defining many levels at once, recomputes them itself)."""
    _check(band_problems(band_candidate(None, data)))
    band = object_create(CreditBand, actor=actor, data=data, source=source)
    if recompute:
        _recompute_after_commit(band.service_level_id)
    return band


@transaction.atomic
def credit_band_update(band: CreditBand, *, actor, data: dict, source: str = "web") -> CreditBand:
    """Change a credit band (a band stays on its level); the level's results are recomputed."""
    if "service_level" in data and data["service_level"].pk != band.service_level_id:
        raise ValidationError({"service_level": ["A band belongs to its level; add a band to "
                                                  "the other level instead."]})
    _check(band_problems(band_candidate(band, data)))
    band = object_update(band, actor=actor, data=data, source=source)
    _recompute_after_commit(band.service_level_id)
    return band


@transaction.atomic
def credit_band_delete(band: CreditBand, *, actor, source: str = "web") -> None:
    """Remove a credit band; the level's results are recomputed."""
    level_id = band.service_level_id
    object_delete(band, actor=actor, source=source)
    _recompute_after_commit(level_id)


CREDIT_BAND = ModelServices(credit_band_create, credit_band_update, credit_band_delete)
