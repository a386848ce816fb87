"""A small portfolio built by hand, whose board figures are worked out in the tests."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import ArrangementFactory, ProviderFactory
from tests.oversight.factories import CorrectiveActionFactory, FindingFactory, IncidentFactory
from tests.performance.factories import PeriodResultFactory, ServiceLevelFactory
from tests.risk.factories import RiskFactory, category
from tether.performance.selectors import add_months, month_start
from tether.risk import engine


@dataclass
class Portfolio:
    today: date
    last_month: date
    alpha: object
    beta: object
    critical: object
    breached_level: object


@pytest.fixture
def portfolio(db) -> Portfolio:
    """Alpha (ITO): one critical arrangement, 300,000 EUR, ending in 120 days (notice in 30),
    no exit plan, an SLA 10 % short last month (credit 50 EUR), a risk above appetite and an
    action 10 days overdue. Beta (BPO): 100,000 EUR ending in 45 days and 50,000 USD, an SLA
    met, a risk within appetite and a major incident open."""
    today = timezone.localdate()
    last_month = add_months(month_start(today), -1)
    alpha = ProviderFactory(name="Alpha Hosting SA", outsourcing_type="ito")
    beta = ProviderFactory(name="Beta Contact Centres Ltd", outsourcing_type="bpo")
    critical = ArrangementFactory(provider=alpha, reference="ARR-CRIT", is_critical=True,
                                  criticality_reason="Core banking", annual_cost=300000,
                                  end_date=today + timedelta(days=120))
    ending = ArrangementFactory(provider=beta, reference="ARR-END", annual_cost=100000,
                                end_date=today + timedelta(days=45))
    ArrangementFactory(provider=beta, reference="ARR-USD", annual_cost=50000, currency="USD",
                       end_date=today + timedelta(days=1500))
    breached = ServiceLevelFactory(arrangement=critical, reference="SL-AVAIL",
                                   name="Availability", target=99.5)
    PeriodResultFactory(service_level=breached, period_start=last_month, value=89.55,
                        outcome="breached", attainment=90.0, credit_percent=5,
                        credit_amount=50)
    met = ServiceLevelFactory(arrangement=ending, reference="SL-CALLS")
    PeriodResultFactory(service_level=met, period_start=last_month)
    RiskFactory(provider=alpha, title="Data leak at Alpha",
                category=category("data_security_ip"), inherent_likelihood=2,
                inherent_impact=3)  # medium, above the category's low appetite
    RiskFactory(provider=beta, title="Quality drift", category=category("loss_of_control"),
                inherent_likelihood=2, inherent_impact=3)  # medium, within appetite
    engine.providers_rescore(methodology=engine.methodology_current())
    CorrectiveActionFactory(finding=FindingFactory(provider=alpha),
                            description="Rotate the backup keys",
                            due_date=today - timedelta(days=10))
    CorrectiveActionFactory(finding=FindingFactory(provider=beta))  # not due yet
    IncidentFactory(provider=beta, title="Telephony outage", is_major=True)
    return Portfolio(today, last_month, alpha, beta, critical, breached)
