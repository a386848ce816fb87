"""Writes of the dependence app: the daily concentration snapshot."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from tether.dependence.concentration import MAIN_CURRENCY, concentration_all
from tether.dependence.models import ConcentrationSnapshot

TOP_KEPT = 10


def concentration_snapshot_take(*, day: date | None = None,
                                currency: str = MAIN_CURRENCY) -> int:
    """Record today's concentration figures; run again the same day, it replaces them."""
    day = day or timezone.localdate()
    figures = concentration_all(currency=currency, top=TOP_KEPT)
    with transaction.atomic():
        for figure in figures:
            ConcentrationSnapshot.objects.update_or_create(
                date=day, dimension=figure.dimension, measure=figure.measure,
                defaults={"currency": figure.currency or "", "hhi": figure.hhi,
                          "total": figure.total,
                          "top": [{"key": s.key, "label": s.label, "share": round(s.share, 2)}
                                  for s in figure.shares]})
    return len(figures)
