"""One of every kind of deadline this app reads, around a given day."""

from datetime import timedelta

from tests.continuity.factories import ExitPlanFactory
from tests.diligence.factories import CampaignFactory, ResponseFactory
from tests.factories import ArrangementFactory, make_document
from tether.continuity.models import ExitPlan
from tether.deadlines.sources import add_months


def deadline_objects(today, *, provider, owner, uploader) -> dict:
    """An arrangement (notice in 7 days, end in 37), a document expiring in 30 days, a
    campaign due in 1 day with one provider yet to answer, and an exit plan overdue for
    review since yesterday."""
    arrangement = ArrangementFactory(provider=provider, title="Cloud hosting", owner=owner,
                                     is_critical=True, criticality_reason="Core systems.",
                                     end_date=today + timedelta(days=37),
                                     notice_period_entity_days=30)
    document = make_document(actor=uploader, attached_to=arrangement, title="ISO 27001",
                             valid_until=today + timedelta(days=30))
    campaign = CampaignFactory(name="Security 2026", due_date=today + timedelta(days=1))
    ResponseFactory(campaign=campaign, provider=provider)
    # Open-ended, so it brings no contract deadline of its own.
    plan = ExitPlanFactory(arrangement=ArrangementFactory(provider=provider, title="Payments",
                                                          end_date=None),
                           owner=None)
    ExitPlan.objects.filter(pk=plan.pk).update(
        last_reviewed=add_months(today - timedelta(days=1), -12), review_months=12)
    plan.refresh_from_db()
    return {"arrangement": arrangement, "document": document, "campaign": campaign,
            "plan": plan}

