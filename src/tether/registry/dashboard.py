"""The home dashboard: the register at a glance."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from tether.core.views.generic import dashboard_panels
from tether.registry import selectors
from tether.registry.choices import PRIMARY_AREAS, PorterArea
from tether.registry.models import Activity, Arrangement, Organisation


def home(request):
    user = request.user
    if not user.is_internal and user.provider_id:
        return redirect("portal:home")
    if not user.can("view", Arrangement):
        raise PermissionDenied
    context = {
        "counts": selectors.register_counts(user=user),
        "deadlines": selectors.upcoming_deadlines(user=user),
        "shares": selectors.outsourced_share(user=user),
        "spend": selectors.spend_by_currency(user=user),
        "panels": dashboard_panels(request),
    }
    return render(request, "registry/home.html", context)


SUPPORT_AREAS_TOP_DOWN = [PorterArea.INFRASTRUCTURE, PorterArea.HUMAN_RESOURCES,
                          PorterArea.TECHNOLOGY_DEVELOPMENT, PorterArea.PROCUREMENT]
PRIMARY_AREAS_IN_ORDER = [area for area in PorterArea if area in PRIMARY_AREAS]


def value_chain(request, organisation_id=None):
    """Porter's value chain of one organisation: what is kept, what is given away, to whom."""
    user = request.user
    if not user.can("view", Activity):
        raise PermissionDenied
    organisations = Organisation.objects.restrict(user).order_by("name")
    organisation = (
        get_object_or_404(organisations, pk=organisation_id) if organisation_id
        else organisations.first()
    )
    areas = (
        selectors.value_chain_map(user=user, organisation=organisation) if organisation else {}
    )
    context = {
        "organisations": organisations,
        "organisation": organisation,
        "support": [(PorterArea(a).label, areas.get(a, [])) for a in SUPPORT_AREAS_TOP_DOWN],
        "primary": [(PorterArea(a).label, areas.get(a, [])) for a in PRIMARY_AREAS_IN_ORDER],
        "core_outsourced": [n for nodes in areas.values() for n in nodes if n.core_outsourced],
    }
    return render(request, "registry/value_chain.html", context)
