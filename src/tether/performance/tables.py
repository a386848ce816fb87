"""List tables of the performance app; outcomes show as badges, attainment as a percentage."""

from django.utils.html import format_html

from tether.core.tables import EMPTY, Column, Table, display
from tether.performance.choices import Outcome
from tether.performance.models import CreditBand, PeriodResult, ServiceLevel

OUTCOME_COLORS = {Outcome.MET: "success", Outcome.BREACHED: "danger",
                  Outcome.INSUFFICIENT: "secondary"}


def outcome_badge(outcome: str | None) -> str:
    if not outcome:
        return EMPTY
    return format_html('<span class="badge text-bg-{}">{}</span>',
                       OUTCOME_COLORS.get(outcome, "secondary"), Outcome(outcome).label)


def percent(value) -> str:
    return EMPTY if value is None else format_html("{} %", f"{value:.1f}")


def number(value) -> str:
    return EMPTY if value is None else format_html("{}", f"{value:,.4g}")


def figure_unit(level) -> str:
    """The unit of a period's figure: a share within target is a percentage, whatever the
    unit of its items."""
    return "%" if level.aggregation == "within_target" else level.unit


def target_text(level) -> str:
    """"≥ 99.9 %", "≤ 300 ms": what the period's figure must reach."""
    higher = level.direction == "higher" or level.aggregation == "within_target"
    return format_html("{} {} {}", "≥" if higher else "≤", f"{level.target:g}",
                       figure_unit(level))


class ServiceLevelTable(Table):
    reference = Column(link=True)
    name = Column(link=True)
    arrangement = Column(link=True, order_by="arrangement__reference")
    provider = Column("arrangement.provider", label="Provider", link=True,
                      order_by="arrangement__provider__name")
    target = Column(label="Target", render=target_text)

    class Meta:
        model = ServiceLevel
        fields = ("reference", "name", "arrangement", "provider", "kind", "aggregation",
                  "target", "period", "active")


class CreditBandTable(Table):
    worse_than = Column(label="Worse than", link=True,
                        render=lambda record: format_html(
                            '<a href="{}">{}</a>', record.get_absolute_url(),
                            f"{record.worse_than:g}"))
    credit_percent = Column(label="Credit (% of monthly fee)")

    class Meta:
        model = CreditBand
        fields = ("service_level", "worse_than", "credit_percent")


def _level_link(record) -> str:
    level = record.service_level
    return format_html('<a href="{}">{}</a>', level.get_absolute_url(), level)


class PeriodResultTable(Table):
    """Results per period (the breaches list is this table filtered)."""

    service_level = Column(label="Service level", render=_level_link,
                           order_by="service_level__reference")
    arrangement = Column("service_level.arrangement", label="Arrangement", link=True,
                         order_by="service_level__arrangement__reference")
    provider = Column("service_level.arrangement.provider", label="Provider", link=True,
                      order_by="service_level__arrangement__provider__name")
    period_start = Column(label="Period")
    value = Column(label="Value", numeric=True, render=lambda record: number(record.value))
    target = Column("service_level.target", label="Target", orderable=False,
                    render=lambda record: target_text(record.service_level))
    outcome = Column(render=lambda record: outcome_badge(record.outcome))
    attainment = Column(label="Attainment", numeric=True,
                        render=lambda record: percent(record.attainment))
    credit_amount = Column(label="Credit", numeric=True, render=lambda record: format_html(
        "{} {}", display(record.credit_amount), record.service_level.currency)
        if record.credit_amount else EMPTY)

    class Meta:
        model = PeriodResult
        fields = ("service_level", "arrangement", "provider", "period_start", "count", "value",
                  "target", "outcome", "attainment", "credit_amount")
