"""List tables of the contracts app; a clause's state shows as a badge."""

from django.urls import reverse
from django.utils.html import format_html

from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.contracts.selectors import STATE_COLORS, STATE_LABELS
from tether.core.tables import EMPTY, Column, Table
from tether.registry.models import Arrangement


def state_badge(state: str) -> str:
    color = STATE_COLORS.get(state)
    if color is None:
        return EMPTY
    text = " text-dark border" if color == "light" else ""
    return format_html('<span class="badge text-bg-{}{}">{}</span>', color, text,
                       STATE_LABELS[state])


def _count(value: int, color: str) -> str:
    if not value:
        return format_html('<span class="text-muted">{}</span>', 0)
    return format_html('<span class="badge text-bg-{}">{}</span>', color, value)


def checklist_link(arrangement) -> str:
    return reverse("contracts:checklist", args=[arrangement.pk])


class ClauseRequirementTable(Table):
    code = Column(link=True)
    title = Column(link=True)
    sources = Column(orderable=False, render=lambda record: format_html(
        "{}", "; ".join(record.source_list)) if record.sources else EMPTY)

    class Meta:
        model = ClauseRequirement
        fields = ("position", "code", "title", "applies_to", "sources", "is_active",
                  "is_builtin")


class ArrangementClauseTable(Table):
    arrangement = Column(link=True, order_by="arrangement__reference")
    requirement = Column(label="Clause", link=True, order_by="requirement__position")
    status = Column(render=lambda record: state_badge(record.status))
    open = Column("pk", label="", orderable=False, render=lambda record: format_html(
        '<a href="{}">Open</a>', record.get_absolute_url()))

    class Meta:
        model = ArrangementClause
        fields = ("arrangement", "requirement", "status", "location", "document",
                  "checked_by", "checked_on", "open")


class ClauseGapTable(Table):
    """Arrangements with their clause counts (the queryset carries `with_clause_counts`)."""

    reference = Column(link=True)
    provider = Column(link=True, order_by="provider__name")
    organisation = Column(link=True, order_by="organisation__name")
    clauses_required = Column(label="Required", numeric=True)
    clauses_present = Column(label="Present", numeric=True)
    clauses_partial = Column(label="Partly", numeric=True,
                             render=lambda r: _count(r.clauses_partial, "warning"))
    clauses_missing = Column(label="Missing", numeric=True,
                             render=lambda r: _count(r.clauses_missing, "danger"))
    clauses_not_checked = Column(label="of which not checked", numeric=True)
    clause_gaps = Column(label="Gaps", numeric=True)
    checklist = Column("pk", label="", orderable=False, render=lambda record: format_html(
        '<a href="{}">Checklist</a>', checklist_link(record)))

    class Meta:
        model = Arrangement
        fields = ("reference", "provider", "organisation", "status", "is_critical",
                  "clauses_required", "clauses_present", "clauses_partial", "clauses_missing",
                  "clauses_not_checked", "clause_gaps", "checklist")
