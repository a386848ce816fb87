"""Domain rules of the register's services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    ArrangementFactory,
    ProviderFactory,
    SubcontractingLinkFactory,
    UserFactory,
)
from tether.core.models import AuditEntry
from tether.registry import services
from tether.registry.validators import lei_with_check_digits, validate_currency, validate_lei

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return UserFactory(username="actor")


def test_valid_lei_passes_and_wrong_check_digits_are_named():
    validate_lei("5493001KJTIIGC8Y1R12")
    with pytest.raises(ValidationError, match="check digits are wrong"):
        validate_lei("5493001KJTIIGC8Y1R13")
    with pytest.raises(ValidationError, match="exactly 20 characters"):
        validate_lei("5493001KJT")
    with pytest.raises(ValidationError, match="letters A–Z and digits"):
        validate_lei("5493001KJTIIGC8Y1R-2")


def test_check_digits_are_computed_per_iso_7064():
    # The GLEIF's own LEI: 5493001KJTIIGC8Y1R12.
    assert lei_with_check_digits("5493001KJTIIGC8Y1R") == "5493001KJTIIGC8Y1R12"


def test_currency_must_be_iso_4217():
    validate_currency("EUR")
    with pytest.raises(ValidationError, match="not an ISO 4217"):
        validate_currency("EUX")


def test_subcontracting_loop_is_refused_at_any_depth(actor):
    a, b, c, d = ProviderFactory.create_batch(4)
    for upstream, downstream in ((a, b), (b, c), (c, d)):
        services.subcontracting_link_create(
            actor=actor, data={"provider": upstream, "subcontractor": downstream}
        )
    with pytest.raises(ValidationError, match="close a loop"):
        services.subcontracting_link_create(actor=actor, data={"provider": d, "subcontractor": a})
    services.subcontracting_link_create(actor=actor, data={"provider": a, "subcontractor": d})


def test_moving_a_link_into_a_loop_is_refused(actor):
    a, b, c = ProviderFactory.create_batch(3)
    SubcontractingLinkFactory(provider=a, subcontractor=b)
    link = SubcontractingLinkFactory(provider=b, subcontractor=c)
    with pytest.raises(ValidationError, match="close a loop"):
        services.subcontracting_link_update(link, actor=actor, data={"subcontractor": a})


def test_ultimate_parent_follows_the_chain_and_moves_with_it(actor):
    top = services.provider_create(actor=actor, data={
        "name": "Holding", "country": "US", "outsourcing_type": "ito"})
    middle = services.provider_create(actor=actor, data={
        "name": "Europe", "country": "IE", "outsourcing_type": "ito", "parent": top})
    leaf = services.provider_create(actor=actor, data={
        "name": "Germany", "country": "DE", "outsourcing_type": "ito", "parent": middle})
    assert middle.ultimate_parent == top and leaf.ultimate_parent == top
    other = services.provider_create(actor=actor, data={
        "name": "Buyer", "country": "FR", "outsourcing_type": "ito"})
    services.provider_update(middle, actor=actor, data={"parent": other})
    leaf.refresh_from_db()
    middle.refresh_from_db()
    assert middle.ultimate_parent == other and leaf.ultimate_parent == other
    assert AuditEntry.objects.filter(object_id=str(leaf.pk), action="update").exists()
    services.provider_update(middle, actor=actor, data={"parent": None})
    leaf.refresh_from_db()
    assert leaf.ultimate_parent == middle


def test_provider_cannot_become_its_own_ancestor():
    top = ProviderFactory()
    child = ProviderFactory(parent=top)
    top.parent = child
    with pytest.raises(ValidationError, match="its own ancestor"):
        top.full_clean()


def test_notice_deadline_is_end_date_minus_our_notice_period():
    arrangement = ArrangementFactory(end_date=date(2027, 6, 30), notice_period_entity_days=90)
    assert arrangement.notice_deadline == date(2027, 4, 1)
    arrangement.end_date = None
    arrangement.save(update_fields=["end_date"])
    arrangement.refresh_from_db()
    assert arrangement.notice_deadline is None


def test_critical_arrangement_needs_a_reason():
    arrangement = ArrangementFactory.build(
        is_critical=True, criticality_reason=" ", organisation=None, provider=None
    )
    with pytest.raises(ValidationError) as error:
        arrangement.clean()
    assert "criticality_reason" in error.value.message_dict


def test_update_records_only_real_changes_in_the_trail(actor):
    provider = ProviderFactory(status="active")
    services.provider_update(provider, actor=actor, data={"status": "suspended"})
    entry = AuditEntry.objects.get(action="update", object_id=str(provider.pk))
    assert entry.changed_fields() == [("status", "active", "suspended")]
    assert entry.actor_name == "actor"


def test_deleting_a_provider_with_arrangements_is_refused(actor):
    from django.db.models import ProtectedError

    arrangement = ArrangementFactory()
    with pytest.raises(ProtectedError):
        services.provider_delete(arrangement.provider, actor=actor)
    assert not AuditEntry.objects.filter(action="delete").exists()
