"""List tables of the oversight app; severity, status and lateness show as badges."""

from django.utils import timezone
from django.utils.html import format_html

from tether.core.tables import EMPTY, Column, Table, display
from tether.oversight.models import Audit, CorrectiveAction, Finding, Incident, IncidentEvent

SEVERITY_COLORS = {"low": "secondary", "medium": "info", "high": "warning",
                   "critical": "danger"}


def severity_badge(record) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>',
                       SEVERITY_COLORS.get(record.severity, "secondary"),
                       record.get_severity_display())


def due_cell(record) -> str:
    """The due date, in red with the days late when the record is overdue."""
    if record.due_date is None:
        return EMPTY
    if not record.is_overdue:
        return display(record.due_date)
    late = (timezone.localdate() - record.due_date).days
    return format_html('<span class="text-danger fw-semibold" title="{} days late">{} '
                       '<span class="badge text-bg-danger">overdue</span></span>', late,
                       display(record.due_date))


def _origin(record) -> str:
    origin = record.finding if record.finding_id else record.incident
    if origin is None:
        return EMPTY
    return format_html('<a href="{}">{}</a>', origin.get_absolute_url(), origin)


class AuditTable(Table):
    title = Column(link=True)
    provider = Column(link=True, order_by="provider__name")
    finding_count = Column(label="Findings", numeric=True)

    class Meta:
        model = Audit
        fields = ("title", "kind", "provider", "auditor", "planned_on", "completed_on",
                  "status", "conclusion", "finding_count", "lead")


class FindingTable(Table):
    title = Column(link=True)
    provider = Column(link=True, order_by="provider__name")
    arrangement = Column(link=True, order_by="arrangement__reference")
    severity = Column(render=severity_badge)
    due_date = Column(render=due_cell)
    responded_at = Column(label="Answered")

    class Meta:
        model = Finding
        fields = ("title", "provider", "arrangement", "severity", "status", "raised_on",
                  "due_date", "owner", "responded_at")


class CorrectiveActionTable(Table):
    description = Column(link=True)
    origin = Column("pk", label="For", orderable=False, render=_origin)
    provider = Column(link=True, order_by="provider__name")
    due_date = Column(render=due_cell)

    class Meta:
        model = CorrectiveAction
        fields = ("description", "origin", "provider", "owner", "due_date", "status",
                  "completed_on")


class IncidentTable(Table):
    title = Column(link=True)
    provider = Column(link=True, order_by="provider__name")
    severity = Column(render=severity_badge)
    is_major = Column(label="Major")

    class Meta:
        model = Incident
        fields = ("title", "kind", "provider", "severity", "status", "detected_at",
                  "resolved_at", "customers_affected", "is_major")


class IncidentEventTable(Table):
    at = Column(link=True)

    class Meta:
        model = IncidentEvent
        fields = ("incident", "at", "description", "author")
