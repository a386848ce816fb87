"""List tables of the continuity app; readiness shows as a badge."""

from django.utils.html import format_html

from tether.continuity.choices import CapabilityLevel
from tether.continuity.models import (
    ExitPlan,
    ExitPlanTest,
    ExitStep,
    InHouseCapability,
    ServiceAlternative,
)
from tether.continuity.selectors import NOT_REQUIRED, READINESS_BY_CODE
from tether.core.tables import EMPTY, Column, Table, display
from tether.registry.models import Activity, Arrangement, Service


def readiness_badge(code: str | None) -> str:
    readiness = READINESS_BY_CODE.get(code or "")
    if readiness is None:
        return EMPTY if code in (None, "", NOT_REQUIRED) else format_html("{}", code)
    return format_html('<span class="badge text-bg-{}" title="{}">{}</span>', readiness.color,
                       readiness.explanation, readiness.label)


def _readiness(record) -> str:
    return readiness_badge(getattr(record, "readiness", None))


def _days(value) -> str:
    return EMPTY if value is None else format_html("{} d", value)


class ExitPlanTable(Table):
    arrangement = Column("arrangement", link=True, order_by="arrangement__reference")
    provider = Column("arrangement.provider", label="Provider", link=True,
                      order_by="arrangement__provider__name")
    readiness = Column(label="Readiness", render=_readiness)
    target_duration_days = Column(label="Target (days)")
    last_test_on = Column(label="Last test", orderable=True)
    plan = Column("pk", label="Plan", orderable=False,
                  render=lambda record: format_html('<a href="{}">Open</a>',
                                                    record.get_absolute_url()))

    class Meta:
        model = ExitPlan
        fields = ("arrangement", "provider", "strategy", "readiness", "target_duration_days",
                  "last_test_on", "last_reviewed", "owner", "plan")


class ExitStepTable(Table):
    position = Column(label="#")
    description = Column(link=True)
    duration_days = Column(label="Days")

    class Meta:
        model = ExitStep
        fields = ("plan", "position", "description", "owner", "duration_days")


class ExitPlanTestTable(Table):
    tested_on = Column(link=True)
    achieved_duration_days = Column(label="Achieved (days)")

    class Meta:
        model = ExitPlanTest
        fields = ("plan", "tested_on", "kind", "result", "achieved_duration_days", "lessons")


class InHouseCapabilityTable(Table):
    name = Column(link=True)
    activity = Column(link=True, order_by="activity__name")

    class Meta:
        model = InHouseCapability
        fields = ("name", "activity", "kind", "level", "people", "assessed_on")


class ServiceAlternativeTable(Table):
    service = Column(link=True, order_by="service__name")
    provider = Column(link=True, order_by="provider__name")
    switch_days = Column(label="Switch (days)")
    switch_cost = Column(label="Switch cost")
    open = Column("pk", label="", orderable=False,
                  render=lambda record: format_html('<a href="{}">Open</a>',
                                                    record.get_absolute_url()))

    class Meta:
        model = ServiceAlternative
        fields = ("service", "kind", "provider", "description", "switch_days", "switch_cost",
                  "currency", "open")


# --- overviews ---------------------------------------------------------------------------------

def _plan_link(record) -> str:
    plan = getattr(record, "exit_plan", None) if record.readiness != "missing" else None
    if plan is None:
        return EMPTY
    return format_html('<a href="{}">{}</a>', plan.get_absolute_url(),
                       plan.get_strategy_display())


class ReadinessTable(Table):
    """Critical arrangements with their exit plan's readiness."""

    reference = Column(link=True)
    provider = Column(link=True, order_by="provider__name")
    organisation = Column(link=True, order_by="organisation__name")
    readiness = Column(label="Readiness", render=_readiness)
    plan = Column("pk", label="Exit plan", orderable=False, render=_plan_link)
    last_test_on = Column(label="Last test")
    target = Column("exit_plan.target_duration_days", label="Target (days)",
                    order_by="exit_plan__target_duration_days", numeric=True)

    class Meta:
        model = Arrangement
        fields = ("reference", "provider", "organisation", "status", "readiness", "plan",
                  "last_test_on", "target")


def _level(record) -> str:
    if record.best_level is None:
        return format_html('<span class="badge text-bg-danger">{}</span>',
                           "No capability recorded")
    label = CapabilityLevel(record.best_level).label
    color = {0: "danger", 1: "warning", 2: "info", 3: "success"}[record.best_level]
    return format_html('<span class="badge text-bg-{}">{}</span>', color, label.split(":")[0])


class CapabilityCoverageTable(Table):
    """Outsourced activities with the best capability kept in-house."""

    name = Column(link=True)
    organisation = Column(link=True, order_by="organisation__name")
    best_level = Column(label="Best level kept", render=_level)
    people = Column(label="People", numeric=True)
    capability_count = Column(label="Capabilities", numeric=True)

    class Meta:
        model = Activity
        fields = ("name", "organisation", "sourcing", "best_level", "people",
                  "capability_count")


def _alternatives(record) -> str:
    if not record.alternative_count:
        return format_html('<span class="badge text-bg-danger">{}</span>', "No alternative")
    return display(record.alternative_count)


class AlternativeCoverageTable(Table):
    """Services with their alternatives: how many, how quickly and cheaply to switch."""

    name = Column(link=True)
    alternative_count = Column(label="Alternatives", render=_alternatives, numeric=True)
    has_contracted = Column(label="Contracted alternative")
    quickest_switch_days = Column(label="Quickest switch (days)", numeric=True)
    cheapest_switch_cost = Column(label="Cheapest switch cost", numeric=True)

    class Meta:
        model = Service
        fields = ("name", "service_type", "alternative_count", "has_contracted",
                  "quickest_switch_days", "cheapest_switch_cost")

