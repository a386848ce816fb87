"""The value chain map: Porter areas, trees, providers covering each activity."""

import pytest

from tests.factories import (
    ActivityFactory,
    ArrangementFactory,
    OrganisationFactory,
    ProviderFactory,
    ServiceFactory,
)
from tether.core.roles import Role
from tether.registry import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    bank = OrganisationFactory(name="Bank")
    operations = ActivityFactory(organisation=bank, name="Operations", porter_area="operations",
                                 sourcing="partly_outsourced")
    payments = ActivityFactory(organisation=bank, name="Payments", porter_area="operations",
                               parent=operations, sourcing="outsourced", is_core_competency=True)
    hosting = ServiceFactory(name="Hosting")
    hosting.activities.set([payments])
    cloud = ProviderFactory(name="Cloud Co")
    ArrangementFactory(organisation=bank, provider=cloud, is_critical=True,
                       criticality_reason="core").services.set([hosting])
    ArrangementFactory(organisation=bank, provider=ProviderFactory(name="Old Co"),
                       status="terminated").services.set([hosting])
    return bank, operations, payments, cloud


def test_map_nests_children_and_lists_active_providers(chain, users):
    bank, operations, payments, cloud = chain
    areas = selectors.value_chain_map(user=users[Role.EXECUTIVE], organisation=bank)
    nodes = areas["operations"]
    assert [(n.activity, n.depth) for n in nodes] == [(operations, 0), (payments, 1)]
    assert nodes[1].providers == [(cloud.pk, "Cloud Co", True)]
    assert nodes[0].providers == []
    assert nodes[1].core_outsourced and not nodes[0].core_outsourced


def test_page_warns_about_outsourced_core_competencies(chain, users, login):
    bank = chain[0]
    page = login(users[Role.EXECUTIVE]).get(f"/registry/value-chain/{bank.pk}/").content.decode()
    assert "Core competencies not kept in-house" in page
    assert "Cloud Co" in page and "Old Co" not in page
