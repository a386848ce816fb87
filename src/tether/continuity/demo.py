"""The demo's exit and continuity picture: exit plans for about two thirds of the critical
arrangements (some ready, some never tested, stale or failed), in-house capabilities for the
outsourced activities, and alternatives for some services.

Runs after the register's demo, through the app's own services (every row audited, source
"demo"); deterministic, and nothing is written when the demo's plans already exist.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tether.continuity import services
from tether.continuity.choices import (
    AlternativeKind,
    CapabilityKind,
    CapabilityLevel,
    ExitStrategy,
    PlanTestKind,
    PlanTestResult,
)
from tether.continuity.models import ExitPlan
from tether.continuity.selectors import OUTSOURCED
from tether.core.models import User
from tether.core.roles import Role
from tether.registry.choices import ArrangementStatus
from tether.registry.models import Activity, Arrangement, Provider, Service

SEED = 20_261_127
SOURCE = "demo"

TRIGGERS = [
    "Provider insolvency or loss of licence; material breach not cured within 30 days; "
    "three consecutive months below the availability SLA.",
    "Change of control of the provider; supervisory instruction to exit; repeated security "
    "incidents affecting our data.",
    "Termination by either party; the provider withdrawing the service; sanctions on the "
    "provider or its delivery country.",
]
DATA_RETURN = [
    "Full export in CSV and the provider's documented API format within 30 days; certified "
    "deletion within 60 days.",
    "Database dump and document archive on encrypted media; deletion certificate signed by "
    "the provider's DPO.",
]
STEPS = {
    ExitStrategy.ALTERNATIVE_PROVIDER: [
        ("Notify the board and the supervisor of the exit decision", 5),
        ("Activate the framework agreement with the alternative provider", 20),
        ("Migrate data and configurations; run in parallel", 60),
        ("Switch over and decommission the old service", 15),
    ],
    ExitStrategy.IN_HOUSE: [
        ("Appoint the reintegration team from the retained organisation", 10),
        ("Recruit or second the missing skills", 45),
        ("Take over processes and data; run in parallel", 50),
        ("Close the contract and confirm data deletion", 10),
    ],
    ExitStrategy.MIXED: [
        ("Split the scope between in-house and the alternative provider", 10),
        ("Bring the core processes back in-house", 40),
        ("Move the remaining services to the alternative provider", 45),
        ("Confirm data return and deletion", 10),
    ],
    ExitStrategy.DISCONTINUE: [
        ("Inform customers and business owners that the service stops", 15),
        ("Archive the data we must keep", 20),
        ("Terminate and confirm data deletion", 10),
    ],
}
STRATEGIES = [ExitStrategy.ALTERNATIVE_PROVIDER, ExitStrategy.IN_HOUSE,
              ExitStrategy.ALTERNATIVE_PROVIDER, ExitStrategy.MIXED, ExitStrategy.DISCONTINUE]
CAPABILITIES = [
    ("Process owners who know the workflow", CapabilityKind.PEOPLE),
    ("Operating procedures and runbooks", CapabilityKind.KNOWLEDGE),
    ("Engineering skills to run the platform", CapabilityKind.SKILLS),
    ("Licences and infrastructure to run it ourselves", CapabilityKind.TOOLING),
]


def continuity_demo_is_loaded() -> bool:
    return ExitPlan.objects.exists()


@transaction.atomic
def continuity_demo_load() -> dict[str, int]:
    """Exit plans with steps and tests, capabilities and alternatives for the demo."""
    actor = User.objects.filter(role=Role.VENDOR_MANAGER, is_active=True).order_by(
        "username").first()
    if continuity_demo_is_loaded() or actor is None or not Arrangement.objects.exists():
        return {}
    rng = random.Random(SEED)
    owners = list(User.objects.filter(role__in=[Role.VENDOR_MANAGER, Role.RISK_OFFICER],
                                      is_active=True).order_by("username"))
    plans, tests = _exit_plans(actor, rng, owners)
    return {"exit plans": plans, "exit plan tests": tests,
            "in-house capabilities": _capabilities(actor, rng),
            "service alternatives": _alternatives(actor, rng)}


def _exit_plans(actor, rng: random.Random, owners: list) -> tuple[int, int]:
    critical = list(Arrangement.objects.filter(status=ArrangementStatus.ACTIVE, is_critical=True)
                    .order_by("reference"))
    providers = list(Provider.objects.order_by("name")[:40])
    today = timezone.localdate()
    plans = tests = 0
    for index, arrangement in enumerate(critical):
        if index % 3 == 2:
            continue  # about a third without a plan: the overview shows them missing
        strategy = STRATEGIES[index % len(STRATEGIES)]
        steps = STEPS[strategy]
        target = sum(days for _description, days in steps) + rng.choice([-15, 0, 10, 30])
        alternative = None
        if strategy in (ExitStrategy.ALTERNATIVE_PROVIDER, ExitStrategy.MIXED) and providers:
            alternative = rng.choice([p for p in providers if p.pk != arrangement.provider_id]
                                     or providers)
        owner = rng.choice(owners) if owners else None
        # The story of each plan: 0 never tested, 1 and 4 ready, 2 stale, 3 failed.
        story = plans % 5
        plan = services.exit_plan_create(actor=actor, source=SOURCE, data={
            "arrangement": arrangement, "strategy": strategy,
            "alternative_provider": alternative, "triggers": rng.choice(TRIGGERS),
            "data_return": rng.choice(DATA_RETURN), "owner": owner,
            "target_duration_days": target,
            "estimated_cost": rng.choice([25_000, 80_000, 150_000, 400_000]),
            "last_reviewed": today - timedelta(days=600 if story == 2 else rng.randint(20, 200)),
            "review_months": 12,
        })
        plans += 1
        for position, (description, days) in enumerate(steps, start=1):
            services.exit_step_create(actor=actor, source=SOURCE, data={
                "plan": plan, "position": position, "description": description,
                "owner": rng.choice(owners) if owners else None, "duration_days": days})
        if story == 0:
            continue
        tested = [today - timedelta(days=rng.randint(560, 720))] if story == 2 else [
            today - timedelta(days=rng.randint(30, 250))]
        if story in (1, 3):
            tested.insert(0, tested[0] - timedelta(days=365))  # an earlier test too
        for number, tested_on in enumerate(tested):
            last = number == len(tested) - 1
            result = (PlanTestResult.FAILED if story == 3 and last else
                      PlanTestResult.PARTIAL if story == 4 and last else PlanTestResult.PASSED)
            services.exit_plan_test_create(actor=actor, source=SOURCE, data={
                "plan": plan, "tested_on": tested_on,
                "kind": rng.choice(list(PlanTestKind)), "result": result,
                "achieved_duration_days": target + rng.choice([-10, 5, 25, 60]),
                "lessons": "Data export took longer than planned; contacts list outdated."
                if result != PlanTestResult.PASSED else "Went as planned.",
            })
            tests += 1
    return plans, tests


def _capabilities(actor, rng: random.Random) -> int:
    activities = list(Activity.objects.filter(sourcing__in=OUTSOURCED).order_by(
        "organisation__name", "name"))
    today = timezone.localdate()
    count = 0
    for index, activity in enumerate(activities):
        if index % 4 == 3:
            continue  # some outsourced activities keep nothing: flagged on the overview
        for name, kind in rng.sample(CAPABILITIES, rng.randint(1, 3)):
            services.capability_create(actor=actor, source=SOURCE, data={
                "activity": activity, "name": name, "kind": kind,
                "level": rng.choice(list(CapabilityLevel)), "people": rng.randint(0, 12),
                "assessed_on": today - timedelta(days=rng.randint(10, 400)),
            })
            count += 1
    return count


def _alternatives(actor, rng: random.Random) -> int:
    service_list = list(Service.objects.order_by("name"))
    count = 0
    for index, service in enumerate(service_list):
        if index % 3 == 2:
            continue  # a third have none: flagged
        contracted = list(Provider.objects.filter(services=service).order_by("name")[:2])
        choices = [AlternativeKind.MARKET, AlternativeKind.IN_HOUSE]
        if contracted:
            choices.append(AlternativeKind.CONTRACTED)
        for kind in rng.sample(choices, rng.randint(1, len(choices))):
            services.alternative_create(actor=actor, source=SOURCE, data={
                "service": service, "kind": kind,
                "provider": contracted[-1] if kind == AlternativeKind.CONTRACTED else None,
                "description": {AlternativeKind.MARKET: "Several providers offer it",
                                AlternativeKind.IN_HOUSE: "Retained team could run it",
                                AlternativeKind.CONTRACTED: "Already delivers for us"}[kind],
                "switch_days": {AlternativeKind.CONTRACTED: rng.randint(20, 60),
                                AlternativeKind.IN_HOUSE: rng.randint(60, 180),
                                AlternativeKind.MARKET: rng.randint(90, 270)}[kind],
                "switch_cost": rng.choice([15_000, 40_000, 120_000, 300_000]),
            })
            count += 1
    return count
