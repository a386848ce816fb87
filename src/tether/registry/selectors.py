"""Reads of the register: what pages, the API and reports show, already permission-filtered."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from tether.registry.choices import ArrangementStatus, Sourcing
from tether.registry.models import Activity, Arrangement, Provider, Service, SubcontractingLink

PANEL_ROWS = 20


def provider_list(*, user):
    return Provider.objects.restrict(user).select_related("ultimate_parent")


def arrangement_list(*, user):
    return Arrangement.objects.restrict(user).select_related("provider", "organisation")


def activity_list(*, user):
    return Activity.objects.restrict(user).select_related("organisation", "parent")


def subcontracting_link_list(*, user):
    return SubcontractingLink.objects.restrict(user).select_related(
        "provider", "subcontractor", "service", "arrangement"
    )


def provider_activities(*, user, provider: Provider):
    """Value-chain activities that the provider's arrangements support."""
    return (
        activity_list(user=user)
        .filter(services__arrangements__provider=provider)
        .distinct()
    )


def activity_arrangements(*, user, activity: Activity):
    """Arrangements whose services support this activity or any activity below it."""
    return arrangement_list(user=user).filter(services__activities=activity).distinct()


@dataclass(frozen=True)
class Deadline:
    arrangement: Arrangement
    kind: str  # "notice" or "end"
    day: date

    @property
    def days_left(self) -> int:
        return (self.day - timezone.now().date()).days


def upcoming_deadlines(*, user, within_days: int = 90, limit: int = 15) -> list[Deadline]:
    """Active arrangements' notice deadlines and end dates due in the coming days, soonest first."""
    today = timezone.now().date()
    horizon = today + timedelta(days=within_days)
    active = arrangement_list(user=user).filter(status=ArrangementStatus.ACTIVE)
    notices = active.filter(notice_deadline__range=(today, horizon)).order_by("notice_deadline")
    ends = active.filter(end_date__range=(today, horizon)).order_by("end_date")
    deadlines = [Deadline(a, "notice", a.notice_deadline) for a in notices[:limit]]
    deadlines += [Deadline(a, "end", a.end_date) for a in ends[:limit]]
    return sorted(deadlines, key=lambda d: d.day)[:limit]


@dataclass(frozen=True)
class OutsourcedShare:
    organisation: str
    total: int
    outsourced: int
    partly: int

    @property
    def percent(self) -> float:
        """Share of activities given away, counting a partly outsourced one as half."""
        if not self.total:
            return 0.0
        return round(100 * (self.outsourced + 0.5 * self.partly) / self.total, 1)


def outsourced_share(*, user) -> list[OutsourcedShare]:
    """Per organisation: how much of its value chain is outsourced."""
    rows = (
        Activity.objects.restrict(user)
        .values("organisation__name")
        .annotate(
            total=Count("id"),
            outsourced=Count("id", filter=Q(sourcing=Sourcing.OUTSOURCED)),
            partly=Count("id", filter=Q(sourcing=Sourcing.PARTLY_OUTSOURCED)),
        )
        .order_by("organisation__name")
    )
    return [
        OutsourcedShare(r["organisation__name"], r["total"], r["outsourced"], r["partly"])
        for r in rows
    ]


def register_counts(*, user) -> dict:
    """Headline counts for the dashboard."""
    arrangements = Arrangement.objects.restrict(user).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=ArrangementStatus.ACTIVE)),
        critical=Count("id", filter=Q(status=ArrangementStatus.ACTIVE, is_critical=True)),
    )
    return {
        "providers": Provider.objects.restrict(user).count(),
        "services": Service.objects.restrict(user).count(),
        "arrangements": arrangements["total"],
        "active_arrangements": arrangements["active"],
        "critical_arrangements": arrangements["critical"],
        "subcontracting_links": SubcontractingLink.objects.restrict(user).count(),
    }


def spend_by_currency(*, user) -> list[dict]:
    """Annual cost of active arrangements, per currency (never summed across currencies)."""
    return list(
        Arrangement.objects.restrict(user)
        .filter(status=ArrangementStatus.ACTIVE, annual_cost__isnull=False)
        .values("currency")
        .annotate(total=Sum("annual_cost"), count=Count("id"))
        .order_by("-total")
    )


@dataclass
class ValueChainNode:
    activity: Activity
    depth: int
    providers: list  # (provider id, name, is_critical) of active arrangements covering it

    @property
    def core_outsourced(self) -> bool:
        """A core competency given away: the seeds' warning about lost strategic capability."""
        return self.activity.is_core_competency and self.activity.sourcing != Sourcing.IN_HOUSE


def value_chain_map(*, user, organisation) -> dict[str, list[ValueChainNode]]:
    """The organisation's activities per Porter area, as indented trees, with their providers."""
    activities = list(
        Activity.objects.restrict(user).filter(organisation=organisation)
        .order_by("porter_area", "name")
    )
    coverage: dict[int, dict[int, tuple]] = {}
    rows = (
        Arrangement.objects.restrict(user)
        .filter(status=ArrangementStatus.ACTIVE, organisation=organisation,
                services__activities__organisation=organisation)
        .values_list("services__activities", "provider_id", "provider__name", "is_critical")
        .distinct()
    )
    for activity_id, provider_id, provider_name, critical in rows:
        providers = coverage.setdefault(activity_id, {})
        known = providers.get(provider_id)
        providers[provider_id] = (provider_id, provider_name, critical or bool(known and known[2]))
    children: dict[int | None, list[Activity]] = {}
    for activity in activities:
        children.setdefault(activity.parent_id, []).append(activity)
    areas: dict[str, list[ValueChainNode]] = {}

    def walk(activity, depth):
        providers = sorted(coverage.get(activity.pk, {}).values(), key=lambda p: p[1])
        areas.setdefault(activity.porter_area, []).append(
            ValueChainNode(activity, depth, providers)
        )
        for child in children.get(activity.pk, []):
            walk(child, depth + 1)

    known_ids = {a.pk for a in activities}
    for activity in activities:
        if activity.parent_id is None or activity.parent_id not in known_ids:
            walk(activity, 0)
    return areas
