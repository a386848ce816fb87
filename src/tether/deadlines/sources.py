"""Where deadlines come from: contracts, documents, questionnaires and exit plans.

Each source is one query, restricted to the user (None: everything, for the reminder job).
Other apps register their own sources in their ready() (oversight, reviews).
"""

import calendar
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse

from tether.continuity.models import ExitPlan
from tether.core.deadlines import Deadline, deadline_source
from tether.diligence.choices import EDITABLE_BY_PROVIDER, CampaignStatus
from tether.diligence.models import Campaign
from tether.documents.models import Document
from tether.registry.choices import ArrangementStatus
from tether.registry.models import Arrangement


def _visible(model, user):
    return model.objects.all() if user is None else model.objects.restrict(user)


def _arrangement_title(reference: str, title: str) -> str:
    return f"{reference} · {title}" if title else reference


def _arrangement_rows(user, date_field: str, start: date, end: date):
    return (_visible(Arrangement, user)
            .filter(status=ArrangementStatus.ACTIVE, **{f"{date_field}__range": (start, end)})
            .values("pk", "reference", "title", "provider_id", "owner_id", "is_critical",
                    date_field))


@deadline_source("notice", "Last day to give notice", model=Arrangement)
def arrangement_notice_deadlines(*, user, start: date, end: date):
    for row in _arrangement_rows(user, "notice_deadline", start, end):
        yield Deadline(
            day=row["notice_deadline"], kind="notice", label="Last day to give notice",
            title=_arrangement_title(row["reference"], row["title"]),
            url=reverse("registry:arrangement_detail", args=[row["pk"]]),
            key=f"notice:arrangement:{row['pk']}:{row['notice_deadline']:%Y%m%d}",
            provider_id=row["provider_id"],
            owner_id=row["owner_id"], critical=row["is_critical"])


@deadline_source("contract_end", "Contract ends", model=Arrangement)
def arrangement_end_deadlines(*, user, start: date, end: date):
    for row in _arrangement_rows(user, "end_date", start, end):
        yield Deadline(
            day=row["end_date"], kind="contract_end", label="Contract ends",
            title=_arrangement_title(row["reference"], row["title"]),
            url=reverse("registry:arrangement_detail", args=[row["pk"]]),
            key=f"contract_end:arrangement:{row['pk']}:{row['end_date']:%Y%m%d}",
            provider_id=row["provider_id"],
            owner_id=row["owner_id"], critical=row["is_critical"])


@deadline_source("document_expiry", "Document expires", model=Document)
def document_expiry_deadlines(*, user, start: date, end: date):
    rows = (_visible(Document, user).filter(valid_until__range=(start, end))
            .values("pk", "title", "valid_until", "provider_id", "provider__name",
                    "arrangement__owner_id", "arrangement__is_critical", "uploaded_by_id",
                    "uploaded_by_provider"))
    for row in rows:
        # Our side acts: the arrangement's owner, else whoever of ours uploaded it.
        owner = row["arrangement__owner_id"] or (
            None if row["uploaded_by_provider"] else row["uploaded_by_id"])
        about = f" ({row['provider__name']})" if row["provider__name"] else ""
        yield Deadline(
            day=row["valid_until"], kind="document_expiry", label="Document expires",
            title=f"{row['title']}{about}",
            url=reverse("documents:document_detail", args=[row["pk"]]),
            key=f"document_expiry:document:{row['pk']}:{row['valid_until']:%Y%m%d}",
            provider_id=row["provider_id"], owner_id=owner,
            critical=bool(row["arrangement__is_critical"]))


@deadline_source("questionnaire_due", "Questionnaire answers due", model=Campaign)
def campaign_due_deadlines(*, user, start: date, end: date):
    rows = (_visible(Campaign, user)
            .filter(status=CampaignStatus.OPEN, due_date__range=(start, end))
            .annotate(outstanding=Count("responses",
                                        filter=Q(responses__status__in=EDITABLE_BY_PROVIDER)),
                      total=Count("responses"))
            .filter(outstanding__gt=0)
            .values("pk", "name", "due_date", "created_by_id", "outstanding", "total"))
    for row in rows:
        yield Deadline(
            day=row["due_date"], kind="questionnaire_due", label="Questionnaire answers due",
            title=f"{row['name']} ({row['outstanding']} of {row['total']} providers "
                  "not submitted)",
            url=reverse("diligence:campaign_detail", args=[row["pk"]]),
            key=f"questionnaire_due:campaign:{row['pk']}:{row['due_date']:%Y%m%d}",
            owner_id=row["created_by_id"])


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@deadline_source("exit_plan_review", "Exit plan review due", model=ExitPlan)
def exit_plan_review_deadlines(*, user, start: date, end: date):
    # The due day is computed per row (months of varying length), so the query only bounds it.
    rows = (_visible(ExitPlan, user)
            .filter(last_reviewed__isnull=False, last_reviewed__lte=end,
                    arrangement__status=ArrangementStatus.ACTIVE)
            .values("pk", "last_reviewed", "review_months", "owner_id",
                    "arrangement__reference", "arrangement__title", "arrangement__provider_id",
                    "arrangement__is_critical"))
    for row in rows:
        due = add_months(row["last_reviewed"], max(1, row["review_months"]))
        if not start <= due <= end:
            continue
        yield Deadline(
            day=due, kind="exit_plan_review", label="Exit plan review due",
            title="Exit plan · " + _arrangement_title(row["arrangement__reference"],
                                                      row["arrangement__title"]),
            url=reverse("continuity:exitplan_detail", args=[row["pk"]]),
            key=f"exit_plan_review:exitplan:{row['pk']}:{due:%Y%m%d}",
            provider_id=row["arrangement__provider_id"], owner_id=row["owner_id"],
            critical=row["arrangement__is_critical"])
