"""SLA performance as an input of providers' residual risk scores (see core.evidence)."""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from tether.core.evidence import residual_input
from tether.performance.choices import LevelKind, Outcome
from tether.performance.models import PeriodResult

WINDOW_MONTHS = 12


def window_start(today: date | None = None) -> date:
    """The first day of the month WINDOW_MONTHS - 1 months before this one."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (WINDOW_MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1)


@residual_input("performance", "SLA periods breached in the last 12 months",
                absent=(0.0, "No SLA period assessed in the last 12 months"))
def sla_breach_share(provider_ids) -> dict[int, tuple[float, str]]:
    """Per provider, the share of its SLAs' assessed periods that were breached (0–100)."""
    results = PeriodResult.objects.filter(
        period_start__gte=window_start(), service_level__kind=LevelKind.SLA,
        service_level__active=True).exclude(outcome=Outcome.INSUFFICIENT)
    if provider_ids is not None:
        results = results.filter(service_level__arrangement__provider_id__in=provider_ids)
    rows = results.values("service_level__arrangement__provider_id").annotate(
        total=Count("pk"), breached=Count("pk", filter=Q(outcome=Outcome.BREACHED))).order_by()
    return {
        row["service_level__arrangement__provider_id"]: (
            row["breached"] * 100 / row["total"],
            f"{row['breached']} of {row['total']} SLA periods breached in the last 12 months")
        for row in rows}
