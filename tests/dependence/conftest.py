"""A hand-made portfolio whose figures are worked out by hand in the tests.

Providers: P1 (FR, group head), P2 (DE, in P1's group), P3 (IE); pure subcontractors C1, C2.
Links: P3 → C1, P2 → C1, C1 → C2.
Live arrangements: A1 P1 50 EUR critical (services ICT + BPO), A2 P2 30 EUR critical (ICT),
A3 P3 20 EUR critical (no service), A4 P3 999 USD; A5 P1 1,000 EUR terminated (not live).
"""

from types import SimpleNamespace

import pytest

from tests.factories import (
    ActivityFactory,
    ArrangementFactory,
    OrganisationFactory,
    ProviderFactory,
    ServiceFactory,
    SubcontractingLinkFactory,
)


@pytest.fixture
def portfolio(db):
    organisation = OrganisationFactory()
    none = {"service_countries": [], "data_storage_countries": []}
    p1 = ProviderFactory(name="P1 Group Holding", country="FR", **none)
    p2 = ProviderFactory(name="P2 Daughter", country="DE", parent=p1, ultimate_parent=p1, **none)
    p3 = ProviderFactory(name="P3 Services", country="IE", service_countries=["DE"],
                         data_storage_countries=[])
    c1 = ProviderFactory(name="C1 Platform", country="IE", **none)
    c2 = ProviderFactory(name="C2 Cloud", country="US", **none)
    ict = ServiceFactory(name="Hosting", service_type="ict_service")
    bpo = ServiceFactory(name="Back office", service_type="bpo")
    activity = ActivityFactory(organisation=organisation, name="Payments")
    ict.activities.add(activity)

    def arrangement(provider, cost, *, critical=False, currency="EUR", status="active",
                    services=()):
        made = ArrangementFactory(organisation=organisation, provider=provider,
                                  annual_cost=cost, is_critical=critical, currency=currency,
                                  status=status)
        made.services.set(services)
        return made

    a1 = arrangement(p1, 50, critical=True, services=[ict, bpo])
    a2 = arrangement(p2, 30, critical=True, services=[ict])
    a3 = arrangement(p3, 20, critical=True)
    a4 = arrangement(p3, 999, currency="USD")
    a5 = arrangement(p1, 1000, status="terminated")
    for provider, subcontractor in ((p3, c1), (p2, c1), (c1, c2)):
        SubcontractingLinkFactory(provider=provider, subcontractor=subcontractor)
    return SimpleNamespace(p1=p1, p2=p2, p3=p3, c1=c1, c2=c2, ict=ict, bpo=bpo,
                           activity=activity, a1=a1, a2=a2, a3=a3, a4=a4, a5=a5,
                           organisation=organisation)
