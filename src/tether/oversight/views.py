"""The oversight app's pages.

Each model declares its pages once with an ObjectViewSet; closing a finding, adding to an
incident's timeline and the overdue actions page are small views on top of `ViewSetMixin`, so
the permission check is the generic one.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views import View

from tether.core.views.exports import SpreadsheetExport
from tether.core.views.generic import (
    ObjectListView,
    ObjectViewSet,
    Panel,
    ViewSetMixin,
    add_link,
)
from tether.documents.panels import DocumentsAttachable
from tether.oversight import filtersets, forms, selectors, tables
from tether.oversight import services as oversight_services
from tether.oversight.models import Audit, CorrectiveAction, Finding, Incident, IncidentEvent

PANEL_TEMPLATE = "oversight/panels/table.html"


class OversightViewSet(SpreadsheetExport, DocumentsAttachable, ObjectViewSet):
    """An oversight model's pages, with documents attached and the list exported."""


def _table_panel(title, table, *, total, more_url, add_url=None, add_label="", flag=""):
    return Panel(title, template=PANEL_TEMPLATE, total=total, more_url=more_url, context={
        "table": table, "add_url": add_url, "add_label": add_label, "flag": flag})


def actions_panel(request, *, actions, origin_field: str, origin) -> Panel:
    return _table_panel(
        "Corrective actions",
        tables.CorrectiveActionTable(actions, orderable=False, exclude=("origin", "provider")),
        total=len(actions),
        more_url=f"{reverse('oversight:correctiveaction_list')}?{origin_field}={origin.pk}",
        add_url=add_link(request, CorrectiveAction, "oversight:correctiveaction_add",
                         **{origin_field: origin.pk}),
        add_label="Add a corrective action")


class AuditViews(OversightViewSet):
    model = Audit
    url_prefix = "audits/"
    filterset_class = filtersets.AuditFilterSet
    table_class = tables.AuditTable
    form_class = forms.AuditForm
    services = oversight_services.AUDIT
    choices_search_field = "title"
    detail_fields = ["kind", "provider", "arrangements", "scope", "auditor", "lead",
                     "planned_on", "started_on", "completed_on", "status", "conclusion",
                     "summary", "report"]
    export_name = "audits"
    export_columns = (
        ("title", "title"), ("kind", "kind"), ("provider", "provider__name"),
        ("auditor", "auditor"), ("lead", "lead__username"), ("planned_on", "planned_on"),
        ("started_on", "started_on"), ("completed_on", "completed_on"), ("status", "status"),
        ("conclusion", "conclusion"), ("findings", "finding_count"), ("scope", "scope"),
    )

    @classmethod
    def base_queryset(cls):
        return Audit.objects.select_related("provider", "lead", "report").prefetch_related(
            "arrangements").annotate(finding_count=Count("findings")).order_by(
            "-planned_on", "-id")  # Meta.ordering is not applied to grouped queries

    @classmethod
    def detail_panels(cls, request, obj):
        findings = selectors.audit_findings(user=request.user, audit=obj)
        return [_table_panel(
            "Findings", tables.FindingTable(findings, orderable=False, exclude=("provider",)),
            total=len(findings),
            more_url=f"{reverse('oversight:finding_list')}?audit={obj.pk}",
            add_url=add_link(request, Finding, "oversight:finding_add", audit=obj.pk,
                             provider=obj.provider_id),
            add_label="Record a finding")]


class FindingViews(OversightViewSet):
    model = Finding
    url_prefix = "findings/"
    filterset_class = filtersets.FindingFilterSet
    table_class = tables.FindingTable
    form_class = forms.FindingForm
    services = oversight_services.FINDING
    choices_search_field = "title"
    detail_template = "oversight/finding_detail.html"
    detail_fields = ["provider", "arrangement", "audit", "incident", "severity", "status",
                     "raised_on", "due_date", "owner", "description", "provider_response",
                     "responded_at", "closed_on", "closure_note"]
    export_name = "findings"
    export_columns = (
        ("title", "title"), ("provider", "provider__name"),
        ("arrangement", "arrangement__reference"), ("audit", "audit__title"),
        ("incident", "incident__title"), ("severity", "severity"), ("status", "status"),
        ("raised_on", "raised_on"), ("due_date", "due_date"), ("owner", "owner__username"),
        ("responded_at", "responded_at"), ("closed_on", "closed_on"),
        ("description", "description"), ("provider_response", "provider_response"),
    )

    @classmethod
    def base_queryset(cls):
        return Finding.objects.select_related("provider", "arrangement", "audit", "incident",
                                              "owner")

    @classmethod
    def _actions(cls, request, obj) -> list:
        if not hasattr(obj, "_actions"):
            obj._actions = selectors.origin_actions(user=request.user, finding=obj)
        return obj._actions

    @classmethod
    def detail_panels(cls, request, obj):
        return [actions_panel(request, actions=cls._actions(request, obj),
                              origin_field="finding", origin=obj)]

    @classmethod
    def detail_context(cls, request, obj):
        context = super().detail_context(request, obj)
        pending = [a for a in cls._actions(request, obj) if a.status in
                   oversight_services.PENDING_ACTION_STATUSES]
        can_close = obj.is_open and request.user.can("change", Finding)
        return {**context, "pending_actions": pending,
                "close_url": reverse("oversight:finding_close", args=[obj.pk])
                if can_close else None,
                "close_form": forms.CloseFindingForm()}


class CorrectiveActionViews(OversightViewSet):
    model = CorrectiveAction
    url_prefix = "actions/"
    filterset_class = filtersets.CorrectiveActionFilterSet
    table_class = tables.CorrectiveActionTable
    form_class = forms.CorrectiveActionForm
    services = oversight_services.ACTION
    choices_search_field = "description"
    detail_fields = ["finding", "incident", "provider", "description", "owner", "due_date",
                     "status", "completed_on", "evidence", "verification_note"]
    export_name = "corrective-actions"
    export_columns = (
        ("description", "description"), ("finding", "finding__title"),
        ("incident", "incident__title"), ("provider", "provider__name"),
        ("owner", "owner__username"), ("due_date", "due_date"), ("status", "status"),
        ("completed_on", "completed_on"), ("verification_note", "verification_note"),
    )

    @classmethod
    def base_queryset(cls):
        return CorrectiveAction.objects.select_related("finding", "incident", "provider",
                                                       "owner").prefetch_related("evidence")


class IncidentViews(OversightViewSet):
    model = Incident
    url_prefix = "incidents/"
    filterset_class = filtersets.IncidentFilterSet
    table_class = tables.IncidentTable
    form_class = forms.IncidentForm
    services = oversight_services.INCIDENT
    choices_search_field = "title"
    detail_template = "oversight/incident_detail.html"
    detail_fields = ["provider", "arrangement", "kind", "severity", "status", "description",
                     "started_at", "detected_at", "resolved_at", "customers_affected",
                     "records_affected", "financial_impact", "currency", "services_affected",
                     "root_cause", "is_major", "reported_to_authority_on"]
    export_name = "incidents"
    export_columns = (
        ("title", "title"), ("provider", "provider__name"),
        ("arrangement", "arrangement__reference"), ("kind", "kind"), ("severity", "severity"),
        ("status", "status"), ("started_at", "started_at"), ("detected_at", "detected_at"),
        ("resolved_at", "resolved_at"), ("customers_affected", "customers_affected"),
        ("records_affected", "records_affected"), ("financial_impact", "financial_impact"),
        ("currency", "currency"), ("services_affected", "services_affected"),
        ("root_cause", "root_cause"), ("is_major", "is_major"),
        ("reported_to_authority_on", "reported_to_authority_on"),
    )

    @classmethod
    def base_queryset(cls):
        return Incident.objects.select_related("provider", "arrangement")

    @classmethod
    def detail_panels(cls, request, obj):
        actions = selectors.origin_actions(user=request.user, incident=obj)
        findings = list(selectors.finding_list(user=request.user).filter(incident=obj)[:50])
        panels = [actions_panel(request, actions=actions, origin_field="incident", origin=obj)]
        if findings:
            panels.append(_table_panel(
                "Findings", tables.FindingTable(findings, orderable=False,
                                                exclude=("provider",)),
                total=len(findings),
                more_url=f"{reverse('oversight:finding_list')}?incident={obj.pk}"))
        return panels

    @classmethod
    def detail_context(cls, request, obj):
        context = super().detail_context(request, obj)
        return {**context, **timeline_context(request, obj)}


def timeline_context(request, incident, form=None) -> dict:
    can_add = request.user.can("add", IncidentEvent)
    return {"incident": incident,
            "timeline": selectors.incident_timeline(user=request.user, incident=incident),
            "timeline_url": reverse("oversight:incident_timeline_add", args=[incident.pk])
            if can_add else None,
            "timeline_form": form or forms.TimelineUpdateForm()}


class IncidentEventViews(SpreadsheetExport, ObjectViewSet):
    model = IncidentEvent
    url_prefix = "incident-events/"
    filterset_class = filtersets.IncidentEventFilterSet
    table_class = tables.IncidentEventTable
    form_class = forms.IncidentEventForm
    services = oversight_services.INCIDENT_EVENT
    choices_search_field = "description"
    detail_fields = ["incident", "at", "description", "author"]
    export_name = "incident-events"
    export_columns = (
        ("incident", "incident__title"), ("provider", "incident__provider__name"),
        ("at", "at"), ("description", "description"), ("author", "author__username"),
    )

    @classmethod
    def base_queryset(cls):
        return IncidentEvent.objects.select_related("incident", "author")


# --- domain actions ------------------------------------------------------------------------

class FindingCloseView(ViewSetMixin, View):
    """Close a finding (POST), with an optional closing note."""

    action = "change"

    def post(self, request, pk):
        finding = get_object_or_404(self.get_queryset(), pk=pk)
        form = forms.CloseFindingForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values()
                                             for e in errors))
            return redirect(finding.get_absolute_url())
        try:
            oversight_services.finding_close(
                finding, actor=request.user, note=form.cleaned_data["closure_note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Closed “{finding}”.")
        return redirect(finding.get_absolute_url())


class IncidentTimelineAddView(ViewSetMixin, View):
    """Add an update to an incident's timeline; htmx gets the timeline back.

    Declared on the incident's pages (the id in the address is the incident's); what is
    added is a timeline entry, so that permission is checked too.
    """

    action = "add"

    def post(self, request, pk):
        if not request.user.can("add", IncidentEvent):
            raise PermissionDenied
        incident = get_object_or_404(self.get_queryset().restrict(request.user), pk=pk)
        form = forms.TimelineUpdateForm(request.POST)
        if form.is_valid():
            try:
                oversight_services.incident_event_create(actor=request.user, data={
                    "incident": incident, "description": form.cleaned_data["description"],
                    "at": form.cleaned_data["at"] or timezone.now()})
            except ValidationError as error:
                form.add_error(None, error)
            else:
                form = None
        if request.htmx:
            return render(request, "oversight/inc/timeline.html",
                          timeline_context(request, incident, form))
        if form is not None:
            messages.error(request, "The update was not added: " + " ".join(
                e for errors in form.errors.values() for e in errors))
        else:
            messages.success(request, "Update added to the timeline.")
        return redirect(incident.get_absolute_url())


class OverdueActionsView(ObjectListView):
    """Corrective actions past their due date and not done, the longest overdue first."""

    template_name = "oversight/overdue_actions.html"

    def get_queryset(self):
        return super().get_queryset().filter(selectors.overdue_actions_q()).order_by(
            "due_date", "pk")

    def page_context(self) -> dict:
        context = super().page_context()
        return {**context, "add_url": None,
                "overdue_export_url": f"{reverse('oversight:correctiveaction_export')}"
                                      "?overdue=true"}


VIEWSETS = [AuditViews, FindingViews, CorrectiveActionViews, IncidentViews, IncidentEventViews]

urlpatterns = [
    path("findings/<int:pk>/close/", FindingCloseView.as_view(viewset=FindingViews),
         name="finding_close"),
    path("incidents/<int:pk>/timeline/", IncidentTimelineAddView.as_view(
        viewset=IncidentViews), name="incident_timeline_add"),
    path("overdue-actions/", OverdueActionsView.as_view(viewset=CorrectiveActionViews),
         name="overdue_actions"),
    *(pattern for viewset in VIEWSETS for pattern in viewset.urls()),
]
