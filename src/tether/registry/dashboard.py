"""The home dashboard: the register at a glance."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from tether.registry import selectors
from tether.registry.models import Arrangement


def home(request):
    user = request.user
    if not user.can("view", Arrangement):
        raise PermissionDenied
    context = {
        "counts": selectors.register_counts(user=user),
        "deadlines": selectors.upcoming_deadlines(user=user),
        "shares": selectors.outsourced_share(user=user),
        "spend": selectors.spend_by_currency(user=user),
    }
    return render(request, "registry/home.html", context)
