"""The demo's keep-or-outsource cases: the contact centre (in-house vs two offers, simulated,
awaiting a decision), payroll (outsourced two years ago, with actual costs since), and a core
competency someone proposed to outsource (the warning shows).

Runs after the register's and the risk demo (provider scores feed the risk-adjusted cost),
through the app's services (every row audited, source "demo"); deterministic (fixed seeds),
and nothing is written when the demo's cases already exist.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tether.core.models import User
from tether.core.roles import Role
from tether.decisions import services
from tether.decisions.choices import OptionKind
from tether.decisions.models import DecisionCase
from tether.registry.models import Activity, Provider

SOURCE = "demo"
SEED = 20_261_126
CONTACT_CENTRE = "Contact centre: keep in-house or outsource?"
PAYROLL = "Payroll: outsource to a payroll bureau?"
CREDIT_RISK = "Credit risk models: outsource model development?"


def _range(low, mode, high) -> list[Decimal]:
    return [Decimal(str(v)) for v in (low, mode, high)]


def _option(actor, case, name, kind, *, provider=None, transition=(0, 0, 0), fee=(0, 0, 0),
            overhead=(0, 0, 0), exit=(0, 0, 0), escalation="0", risk=None, notes=""):
    data = {"case": case, "name": name, "kind": kind, "provider": provider,
            "escalation_percent": Decimal(escalation), "notes": notes,
            "risk_cost_manual": Decimal(str(risk)) if risk is not None else None}
    for prefix, values in (("transition", transition), ("fee", fee), ("overhead", overhead),
                           ("exit", exit)):
        low, mode, high = _range(*values)
        data.update({f"{prefix}_low": low, f"{prefix}_mode": mode, f"{prefix}_high": high})
    return services.option_create(actor=actor, data=data, source=SOURCE)


def _provider_of(service_name: str, index: int = 0):
    providers = list(Provider.objects.filter(services__name=service_name).order_by("name")[:3])
    return providers[index] if len(providers) > index else None


def _case(actor, activity, title, **data):
    return services.case_create(actor=actor, source=SOURCE, data={
        "activity": activity, "title": title, "currency": "EUR", **data})


@transaction.atomic
def decisions_demo_load() -> dict[str, int]:
    """Three keep-or-outsource cases on the demo bank's activities, simulated."""
    actor = User.objects.filter(role=Role.VENDOR_MANAGER, is_active=True).order_by("pk").first()
    activities = {a.name: a for a in Activity.objects.filter(
        organisation__name="Northbank AG",
        name__in=["Customer contact centre", "Payroll", "Credit risk management"])}
    if DecisionCase.objects.filter(title=CONTACT_CENTRE).exists() or len(activities) < 3:
        return {}
    cases = 0

    contact = _case(actor, activities["Customer contact centre"], CONTACT_CENTRE,
                    horizon_years=5, discount_rate=Decimal("0.06"),
                    risk_cost_share=Decimal("0.20"),
                    description="60 agents today; the lease of the contact centre floor ends "
                                "next year. Two offers received after the RFP.")
    _option(actor, contact, "Keep in-house (renew the lease)", OptionKind.IN_HOUSE,
            transition=(50_000, 80_000, 150_000), fee=(3_300_000, 3_500_000, 3_900_000),
            overhead=(0, 0, 0), escalation="3", risk=60_000,
            notes="Salaries, lease, telephony; attrition drives the range.")
    _option(actor, contact, "Offer A: nearshore contact centre", OptionKind.OUTSOURCE,
            provider=_provider_of("Contact centre", 0),
            transition=(300_000, 450_000, 800_000), fee=(2_500_000, 2_700_000, 3_000_000),
            overhead=(180_000, 220_000, 300_000), exit=(200_000, 350_000, 600_000),
            escalation="2.5", notes="Per-contact pricing; volumes as today's.")
    _option(actor, contact, "Offer B: market offer (no provider chosen yet)",
            OptionKind.OUTSOURCE, transition=(250_000, 400_000, 700_000),
            fee=(2_850_000, 3_100_000, 3_700_000), overhead=(150_000, 200_000, 260_000),
            exit=(150_000, 250_000, 450_000), escalation="2", risk=120_000,
            notes="Indicative market price from two RFIs.")
    services.case_simulate(contact, actor=actor, seed=SEED, source=SOURCE)
    cases += 1

    payroll = _case(actor, activities["Payroll"], PAYROLL, horizon_years=5,
                    discount_rate=Decimal("0.05"), risk_cost_share=Decimal("0.20"),
                    description="Decided two years ago; reviewed against the actual invoices.")
    _option(actor, payroll, "Keep the payroll team", OptionKind.IN_HOUSE,
            fee=(560_000, 600_000, 680_000), escalation="3", risk=20_000)
    bureau = _option(actor, payroll, "Payroll bureau", OptionKind.OUTSOURCE,
                     provider=_provider_of("Payroll processing", 0),
                     transition=(60_000, 90_000, 150_000), fee=(380_000, 410_000, 460_000),
                     overhead=(40_000, 50_000, 70_000), exit=(50_000, 80_000, 120_000),
                     escalation="2")
    payroll = services.case_simulate(payroll, actor=actor, seed=SEED + 1, source=SOURCE)
    recommendation = payroll.simulation["suggestion"]
    services.case_decide(payroll, actor=actor, chosen_option=bureau,
                         recommendation=recommendation,
                         reasons=payroll.simulation["suggestion_reasons"],
                         decided_on=timezone.localdate() - timedelta(days=730), source=SOURCE)
    for year, cost, sla in ((1, "612000", "97.5"), (2, "498000", "99.1")):
        services.ACTUAL.create(actor=actor, source=SOURCE, data={
            "case": payroll, "year": year, "actual_cost": Decimal(cost),
            "sla_attainment": Decimal(sla),
            "notes": "Transition ran a month late." if year == 1 else ""})
    cases += 1

    credit = _case(actor, activities["Credit risk management"], CREDIT_RISK, horizon_years=7,
                   discount_rate=Decimal("0.06"), risk_cost_share=Decimal("0.25"),
                   description="Proposal to buy scoring models instead of building them.")
    _option(actor, credit, "Keep the modelling team", OptionKind.IN_HOUSE,
            fee=(900_000, 950_000, 1_050_000), escalation="3", risk=30_000)
    _option(actor, credit, "Vendor scoring models", OptionKind.OUTSOURCE,
            transition=(200_000, 300_000, 500_000), fee=(600_000, 700_000, 850_000),
            overhead=(80_000, 120_000, 180_000), exit=(300_000, 500_000, 900_000),
            escalation="4", risk=150_000)
    services.case_simulate(credit, actor=actor, seed=SEED + 2, source=SOURCE)
    cases += 1
    return {"decision cases": cases}
