"""The dependence card on a provider's page: what depends on it, and a what-if link.

One upward search from the provider over the edge list, then the dependants' arrangements summed
in SQL: two queries (a provider's page carries several apps' cards).
"""

from django.db.models import Count, Q, Sum
from django.urls import reverse

from tether.core.views.generic import Panel, contribute_panels
from tether.dependence.concentration import MAIN_CURRENCY, live_arrangements
from tether.dependence.graph import SPOF_MIN_CRITICAL, Exposure
from tether.registry.models import Arrangement, SubcontractingLink

CHUNK = 2000


def provider_exposure(provider_id: int, currency: str = MAIN_CURRENCY) -> tuple[Exposure, int]:
    """(exposure, direct arrangements) of one provider, without building the whole graph."""
    up: dict[int, list[int]] = {}
    for provider, subcontractor in SubcontractingLink.objects.order_by().values_list(
            "provider_id", "subcontractor_id"):
        up.setdefault(subcontractor, []).append(provider)
    seen, stack = {provider_id}, [provider_id]
    while stack:
        for parent in up.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    exposure, direct = Exposure(provider_id), 0
    ids = list(seen)
    for start in range(0, len(ids), CHUNK):
        figures = live_arrangements().filter(provider_id__in=ids[start:start + CHUNK]).aggregate(
            spend=Sum("annual_cost", filter=Q(currency=currency)), count=Count("id"),
            critical=Count("id", filter=Q(is_critical=True)),
            providers=Count("provider_id", distinct=True),
            direct=Count("id", filter=Q(provider_id=provider_id)))
        exposure.spend += float(figures["spend"] or 0)
        exposure.arrangements += figures["count"]
        exposure.critical += figures["critical"]
        exposure.depending_providers += figures["providers"]
        direct += figures["direct"]
    exposure.depending_providers -= direct > 0
    return exposure, direct


@contribute_panels("registry.provider", order=30)
def provider_panels(request, provider) -> list[Panel]:
    if not request.user.can("view", Arrangement):
        return []
    exposure, direct = provider_exposure(provider.pk)
    return [Panel("Dependence", template="dependence/panels/exposure.html", context={
        "exposure": exposure, "direct_count": direct, "currency": MAIN_CURRENCY,
        "spof": exposure.critical >= SPOF_MIN_CRITICAL,
        "what_if_url": f"{reverse('dependence:what_if')}?kind=provider&provider={provider.pk}",
        "network_url": f"{reverse('dependence:network')}?provider={provider.pk}",
    })]
