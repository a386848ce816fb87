"""The figures of the board pack, gathered from each app's own selectors.

Every section is read with a few set-based queries (GROUP BYs and short ordered lists), never
a query per provider, so the whole pack costs the same number of queries however large the
register. Each app's rules are reused, not restated: concentration is `dependence`'s HHI, SLA
figures are the stored `PeriodResult`s the performance dashboard reads, overdue and open are
oversight's definitions, exit readiness is continuity's SQL expression.

The result is plain JSON (dates as ISO text, amounts as text), stored with the report, so a
past pack shows exactly what was filed even after the register has moved on.
"""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone

from tether.continuity import selectors as continuity
from tether.core.deadlines import deadlines_between
from tether.core.models import User
from tether.core.roles import Role
from tether.dependence.concentration import (
    DIMENSIONS,
    MAIN_CURRENCY,
    MEASURES,
    concentration_all,
    thresholds,
)
from tether.dependence.models import ConcentrationSnapshot
from tether.oversight import selectors as oversight
from tether.performance import selectors as performance
from tether.registry import selectors as registry
from tether.registry.choices import ArrangementStatus, OutsourcingType
from tether.registry.models import Arrangement
from tether.risk import selectors as risk
from tether.risk.choices import RiskStatus
from tether.risk.models import ProviderScore

TOP_ROWS = 10
RENEWAL_DAYS = 90
RENEWAL_KINDS = ("notice", "contract_end")
TREND_MONTHS = 12
HHI_HISTORY = 12


def portfolio_reader() -> User:
    """Whom the schedule reads as: an (unsaved) executive, who sees the whole internal
    portfolio and can change nothing."""
    return User(username="board-schedule", role=Role.EXECUTIVE, is_active=True)


def _money(value) -> str:
    return str(Decimal(str(value or 0)).quantize(Decimal("0.01")))


def portfolio_overview(*, user, as_of: date) -> dict:
    """Providers, arrangements, critical-or-important ones, spend per currency, by type."""
    counts = registry.register_counts(user=user)
    by_type = (Arrangement.objects.restrict(user).filter(status=ArrangementStatus.ACTIVE)
               .order_by().values_list("provider__outsourcing_type")
               .annotate(n=Count("pk"), critical=Count("pk", filter=Q(is_critical=True))))
    labels = dict(OutsourcingType.choices)
    return {
        "providers": counts["providers"],
        "arrangements": counts["arrangements"],
        "active_arrangements": counts["active_arrangements"],
        "critical": counts["critical_arrangements"],
        "spend": [{"currency": row["currency"], "total": _money(row["total"]),
                   "arrangements": row["count"]}
                  for row in registry.spend_by_currency(user=user)],
        "by_type": sorted(({"type": code, "label": labels.get(code, code), "arrangements": n,
                            "critical": critical} for code, n, critical in by_type),
                          key=lambda row: (-row["arrangements"], row["type"])),
    }


def top_risks(*, user, as_of: date) -> dict:
    """Open risks above appetite, most severe first (the order of the risk pages); the residual
    heat map; providers by tier."""
    config = risk.current_config()
    open_risks = risk.risk_list(user=user).filter(status=RiskStatus.OPEN)
    above = open_risks.filter(above_appetite=True)
    rows = list(risk.with_severity(above, config).order_by(
        "-residual_severity", "-effective_likelihood", "-effective_impact", "pk")[:TOP_ROWS])
    grid = risk.heat_map(open_risks, config=config)
    tiers = risk.tier_summary(ProviderScore.objects.restrict(user), config=config)
    ratings = config.rating_by_code
    return {
        "open": grid.total,
        "above_appetite": above.count() if len(rows) == TOP_ROWS else len(rows),
        "top": [{
            "title": r.title, "category": r.category.name,
            "subject": str(r.provider or r.arrangement or r.activity or ""),
            "rating": ratings[r.residual_rating].label if r.residual_rating in ratings
            else r.residual_rating,
            "color": ratings[r.residual_rating].color if r.residual_rating in ratings
            else "#6c757d",
            "likelihood": r.effective_likelihood, "impact": r.effective_impact,
        } for r in rows],
        "heat_map": [[cell.likelihood, cell.impact, cell.count]
                     for _level, _label, cells in grid.rows for cell in cells if cell.count],
        "tiers": [{"tier": tier.tier if tier else None,
                   "label": tier.label if tier else "No tier", "providers": total,
                   "above_appetite": above_count} for tier, total, above_count in tiers],
    }


def concentration(*, user, as_of: date) -> dict:
    """Dependence's HHI of every dimension × measure (the live portfolio), and its trend."""
    figures = concentration_all(currency=MAIN_CURRENCY, top=5)
    history = list(ConcentrationSnapshot.objects.filter(dimension="provider", measure="spend",
                                                        date__lte=as_of)
                   .order_by("-date").values_list("date", "hhi")[:HHI_HISTORY])[::-1]
    return {
        "currency": MAIN_CURRENCY,
        "thresholds": thresholds(),
        "other_currencies": {code: _money(total) for code, total in
                             (figures[0].other_currencies.items() if figures else ())},
        "figures": [{
            "dimension": f.dimension, "dimension_label": DIMENSIONS[f.dimension],
            "measure": f.measure, "measure_label": MEASURES[f.measure],
            "hhi": f.hhi, "level": f.level, "groups": f.groups, "total": round(f.total, 2),
            "currency": f.currency or "",
            "top": [{"label": s.label, "share": round(s.share, 2), "flagged": s.flagged}
                    for s in f.top(5)],
        } for f in figures],
        "hhi_history": [[day.isoformat(), round(hhi, 1)] for day, hhi in history],
    }


def sla_performance(*, user, as_of: date) -> dict:
    """The latest complete period's outcomes and worst levels, breaches and attainment per
    month, this year's credits: all read from stored period results."""
    periods = performance.latest_complete_periods(as_of)
    worst = performance.worst_results(user=user, limit=TOP_ROWS, today=as_of)
    first = performance.add_months(performance.month_start(as_of), -(TREND_MONTHS - 1))
    attainment = dict(performance.results_visible(user).filter(
        period_start__gte=first, period_start__lte=as_of, attainment__isnull=False)
        .order_by().values_list("period_start").annotate(mean=Avg("attainment")))
    return {
        "month": periods["month"].isoformat(),
        "counts": performance.outcome_counts(user=user, today=as_of),
        "worst": [{
            "reference": r.service_level.reference, "name": r.service_level.name,
            "provider": r.service_level.arrangement.provider.name,
            "arrangement": r.service_level.arrangement.reference,
            "period": r.period_start.isoformat(), "value": r.value,
            "target": r.service_level.target, "unit": r.service_level.unit,
            "attainment": round(r.attainment, 1) if r.attainment is not None else None,
        } for r in worst],
        "breaches_per_month": [[day.isoformat(), n] for day, n in
                               performance.breaches_per_month(user=user, months=TREND_MONTHS,
                                                              today=as_of)],
        "attainment_per_month": [[day.isoformat(), round(mean, 2)]
                                 for day, mean in sorted(attainment.items())],
        "year": as_of.year,
        "credits": [[currency, _money(total)] for currency, total in
                    performance.credits_by_currency(user=user, start=date(as_of.year, 1, 1),
                                                    end=as_of)],
    }


def oversight_actions(*, user, as_of: date) -> dict:
    """Overdue corrective actions (longest overdue first) and active incidents."""
    overdue = oversight.overdue_actions(user=user, today=as_of)
    first = list(overdue[:TOP_ROWS])
    incidents = oversight.active_incidents(user=user)
    counts = incidents.order_by().aggregate(n=Count("pk"), major=Count("pk", filter=Q(
        is_major=True)))
    return {
        "overdue_count": len(first) if len(first) < TOP_ROWS else overdue.count(),
        "overdue": [{"description": a.description[:200], "provider": a.provider.name,
                     "due_date": a.due_date.isoformat(),
                     "days_overdue": (as_of - a.due_date).days,
                     "owner": str(a.owner) if a.owner else ""} for a in first],
        "incidents": counts["n"],
        "major_incidents": counts["major"],
        "open_incidents": [{"title": i.title, "provider": i.provider.name,
                            "severity": i.get_severity_display(), "major": i.is_major,
                            "status": i.get_status_display(),
                            "detected": timezone.localtime(i.detected_at).date().isoformat()}
                           for i in incidents.order_by("-is_major", "detected_at",
                                                       "pk")[:TOP_ROWS]],
    }


def renewals(*, user, as_of: date) -> dict:
    """Notice deadlines and contract ends of active arrangements in the coming days."""
    found = deadlines_between(user=user, start=as_of, end=as_of + timedelta(days=RENEWAL_DAYS),
                              kinds=RENEWAL_KINDS)
    return {
        "days": RENEWAL_DAYS,
        "count": len(found),
        "critical": sum(d.critical for d in found),
        "items": [{"day": d.day.isoformat(), "label": d.label, "title": d.title,
                   "critical": d.critical, "days_left": (d.day - as_of).days}
                  for d in found[:2 * TOP_ROWS]],
    }


def exit_readiness(*, user, as_of: date) -> dict:
    """Live critical-or-important arrangements by the readiness of their exit plan."""
    counts = continuity.readiness_counts(continuity.critical_arrangements(user=user,
                                                                          today=as_of))
    total = sum(n for _readiness, n in counts)
    ready = next(n for readiness, n in counts if readiness.code == continuity.READY)
    return {
        "critical": total,
        "ready_percent": round(100 * ready / total, 1) if total else None,
        "counts": [{"code": r.code, "label": r.label, "fill": r.fill, "count": n}
                   for r, n in counts],
    }


SECTIONS: list[tuple[str, str, Callable[..., dict]]] = [
    ("portfolio", "Portfolio overview", portfolio_overview),
    ("risk", "Top risks", top_risks),
    ("concentration", "Concentration", concentration),
    ("sla", "SLA performance", sla_performance),
    ("oversight", "Overdue actions and open incidents", oversight_actions),
    ("renewals", "Upcoming renewals", renewals),
    ("exit", "Exit-plan readiness", exit_readiness),
]
SECTION_TITLES = {key: title for key, title, _f in SECTIONS}


def board_figures(*, user, as_of: date, progress: Callable[[int, str], None] | None = None
                  ) -> dict:
    """Every section of the pack as of `as_of`, as `user` may see it (JSON-ready)."""
    figures = {"as_of": as_of.isoformat(), "sections": [key for key, _t, _f in SECTIONS]}
    for done, (key, title, gather) in enumerate(SECTIONS):
        if progress:
            progress(done, f"Reading {title.lower()}")
        figures[key] = gather(user=user, as_of=as_of)
    return figures
