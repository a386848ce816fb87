"""Defining SLAs and KPIs and their credit bands: the rules the services keep, the audit trail,
and the recomputation of a level's results after a change that alters them."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ArrangementFactory
from tests.performance.factories import CreditBandFactory, ServiceLevelFactory
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.performance import engine, services
from tether.performance.models import CreditBand, ServiceLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(users):
    return users[Role.VENDOR_MANAGER]


@pytest.fixture
def recomputed(monkeypatch):
    """The level ids the engine was asked to recompute (the engine is tested on its own)."""
    calls = []
    monkeypatch.setattr(engine, "recompute_levels", lambda ids: calls.append(list(ids)) or 0)
    return calls


def level_data(**changes) -> dict:
    data = {"arrangement": ArrangementFactory(currency="EUR"), "kind": "sla",
            "name": "Availability of the payments API", "reference": "PAY-AVAIL", "unit": "%",
            "direction": "higher", "aggregation": "mean", "target": 99.9, "period": "month",
            "minimum_count": 1, "currency": "EUR"}
    return {**data, **changes}


def messages_of(error: ValidationError) -> dict:
    return error.value.message_dict


def test_level_created_with_its_audit_record(actor):
    level = services.service_level_create(actor=actor, data=level_data())
    entry = AuditEntry.objects.get(object_id=str(level.pk), action="create")
    assert entry.actor == actor and entry.after["reference"] == "PAY-AVAIL"


def test_percentile_aggregation_needs_its_percentile(actor):
    with pytest.raises(ValidationError) as error:
        services.service_level_create(actor=actor, data=level_data(aggregation="percentile"))
    assert "percentile" in messages_of(error)
    assert not ServiceLevel.objects.exists()


def test_percentile_above_one_hundred_is_refused(actor):
    with pytest.raises(ValidationError) as error:
        services.service_level_create(actor=actor, data=level_data(
            aggregation="percentile", percentile=0.0, direction="lower", target=300))
    assert "percentile" in messages_of(error)


def test_share_within_target_needs_the_item_target_and_a_percentage(actor):
    with pytest.raises(ValidationError) as error:
        services.service_level_create(actor=actor, data=level_data(
            aggregation="within_target", target=120))
    problems = messages_of(error)
    assert "item_target" in problems and "target" in problems


def test_unused_percentile_is_dropped(actor):
    level = services.service_level_create(actor=actor, data=level_data(percentile=95.0))
    assert level.percentile is None


def test_without_monthly_fee_the_currency_is_the_arrangements(actor):
    with pytest.raises(ValidationError) as error:
        services.service_level_create(actor=actor, data=level_data(currency="USD"))
    assert "EUR" in messages_of(error)["currency"][0]
    level = services.service_level_create(actor=actor, data=level_data(
        currency="USD", monthly_fee=10_000))
    assert level.currency == "USD"


def test_band_must_lie_on_the_worse_side_of_the_target(actor):
    higher = ServiceLevelFactory(target=99.5, direction="higher")
    with pytest.raises(ValidationError) as error:
        services.credit_band_create(actor=actor, data={
            "service_level": higher, "worse_than": 99.8, "credit_percent": 5})
    assert "worse_than" in messages_of(error)
    lower = ServiceLevelFactory(target=300, direction="lower", unit="ms")
    with pytest.raises(ValidationError):
        services.credit_band_create(actor=actor, data={
            "service_level": lower, "worse_than": 250, "credit_percent": 5})
    band = services.credit_band_create(actor=actor, data={
        "service_level": lower, "worse_than": 400, "credit_percent": 5})
    assert band.pk and AuditEntry.objects.filter(object_id=str(band.pk)).exists()


def test_band_further_from_target_cannot_credit_less(actor):
    level = ServiceLevelFactory(target=99.5)
    CreditBandFactory(service_level=level, worse_than=99.5, credit_percent=5)
    CreditBandFactory(service_level=level, worse_than=99.0, credit_percent=10)
    with pytest.raises(ValidationError) as error:
        services.credit_band_create(actor=actor, data={
            "service_level": level, "worse_than": 98.0, "credit_percent": 8})
    assert "credit_percent" in messages_of(error)
    with pytest.raises(ValidationError):  # nearer the target, more than a further band
        services.credit_band_create(actor=actor, data={
            "service_level": level, "worse_than": 99.2, "credit_percent": 12})
    services.credit_band_create(actor=actor, data={
        "service_level": level, "worse_than": 98.0, "credit_percent": 20})
    assert level.credit_bands.count() == 3


def test_kpi_carries_no_credit_bands(actor):
    kpi = ServiceLevelFactory(kind="kpi")
    with pytest.raises(ValidationError) as error:
        services.credit_band_create(actor=actor, data={
            "service_level": kpi, "worse_than": 99.0, "credit_percent": 5})
    assert "service_level" in messages_of(error)
    sla = CreditBandFactory().service_level
    with pytest.raises(ValidationError) as error:
        services.service_level_update(sla, actor=actor, data={"kind": "kpi"})
    assert "kind" in messages_of(error)


def test_target_change_that_strands_a_band_is_refused(actor):
    band = CreditBandFactory(worse_than=99.0, service_level__target=99.5)
    with pytest.raises(ValidationError) as error:
        services.service_level_update(band.service_level, actor=actor, data={"target": 98.0})
    assert "99" in messages_of(error)["target"][0]
    assert ServiceLevel.objects.get(pk=band.service_level_id).target == 99.5


def test_band_cannot_move_to_another_level(actor):
    band = CreditBandFactory()
    with pytest.raises(ValidationError):
        services.credit_band_update(band, actor=actor,
                                    data={"service_level": ServiceLevelFactory()})


def test_definition_change_recomputes_the_level_after_commit(
        actor, recomputed, django_capture_on_commit_callbacks):
    level = ServiceLevelFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.service_level_update(level, actor=actor, data={"target": 99.0})
    assert recomputed == [[level.pk]]


def test_renaming_a_level_does_not_recompute(actor, recomputed,
                                             django_capture_on_commit_callbacks):
    level = ServiceLevelFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.service_level_update(level, actor=actor, data={"name": "Uptime"})
    assert recomputed == []


def test_band_changes_recompute_their_level(actor, recomputed,
                                            django_capture_on_commit_callbacks):
    level = ServiceLevelFactory(target=99.5)
    with django_capture_on_commit_callbacks(execute=True):
        band = services.credit_band_create(actor=actor, data={
            "service_level": level, "worse_than": 99.0, "credit_percent": 5})
        services.credit_band_update(band, actor=actor, data={"credit_percent": 7})
        services.credit_band_delete(band, actor=actor)
    assert recomputed == [[level.pk]] * 3
    assert not CreditBand.objects.exists()


def test_refused_change_recomputes_nothing(actor, recomputed,
                                           django_capture_on_commit_callbacks):
    level = ServiceLevelFactory(target=99.5)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.credit_band_create(actor=actor, data={
            "service_level": level, "worse_than": 99.9, "credit_percent": 5})
    assert recomputed == []


def test_deleting_a_level_keeps_its_bands_in_the_audit_trail(actor):
    band = CreditBandFactory()
    services.service_level_delete(band.service_level, actor=actor)
    assert not ServiceLevel.objects.exists()
    assert AuditEntry.objects.filter(object_id=str(band.pk), action="delete",
                                     object_repr__startswith="worse than").exists()


def test_share_within_target_is_better_higher_whatever_the_items_direction(actor):
    tickets = ServiceLevelFactory(aggregation="within_target", item_target=4, target=90,
                                  direction="lower", unit="h")
    with pytest.raises(ValidationError) as error:
        services.credit_band_create(actor=actor, data={
            "service_level": tickets, "worse_than": 95, "credit_percent": 2})
    assert "at or below" in messages_of(error)["worse_than"][0]
    band = services.credit_band_create(actor=actor, data={
        "service_level": tickets, "worse_than": 80, "credit_percent": 5})
    assert band.pk
