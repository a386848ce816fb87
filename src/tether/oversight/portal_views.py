"""The provider's side of oversight, in the portal: its findings (to answer, with evidence for
their corrective actions), its incidents (read, and add an update to the timeline) and its
completed audits.

A contact sees their own provider's items only: any other id is 404. An internal user
previewing the portal sees the same pages, read-only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views import View

from tether.documents.forms import PortalUploadForm
from tether.documents.sharing import shared_documents
from tether.oversight import selectors
from tether.oversight import services as oversight_services
from tether.oversight.choices import ActionStatus, FindingStatus
from tether.oversight.forms import FindingResponseForm, TimelineUpdateForm
from tether.oversight.models import CorrectiveAction
from tether.portal.access import PortalMixin

LIST_LIMIT = 500


class PortalFindingListView(PortalMixin, View):
    def get(self, request):
        findings = selectors.findings_of_provider(self.viewer.provider)
        context = self.portal_context(
            open_findings=list(findings.filter(selectors.open_findings_q())
                               .order_by("due_date", "pk")[:LIST_LIMIT]),
            closed_findings=list(findings.filter(status=FindingStatus.CLOSED)
                                 .order_by("-closed_on", "-pk")[:50]))
        return render(request, "oversight/portal/finding_list.html", context)


def _with_shared_evidence(actions, provider_id: int) -> list:
    """The actions, each with the evidence documents the provider may download (shared with
    it, and not held back for want of an NDA)."""
    ids = {d.pk for action in actions for d in action.evidence.all()}
    downloadable = set(shared_documents(provider_id).filter(pk__in=ids).values_list(
        "pk", flat=True)) if ids else set()
    for action in actions:
        action.shared_evidence = [d for d in action.evidence.all() if d.pk in downloadable]
    return actions


class PortalFindingDetailView(PortalMixin, View):
    """A finding: our description, the provider's answer (to write or change while open),
    and its corrective actions with their evidence."""

    writes = True

    def get_finding(self, pk):
        return get_object_or_404(selectors.findings_of_provider(self.viewer.provider), pk=pk)

    def render_page(self, finding, *, form=None):
        actions = list(selectors.actions_of_provider(self.viewer.provider).filter(
            finding=finding).prefetch_related("evidence").order_by("due_date", "pk"))
        context = self.portal_context(
            finding=finding, actions=_with_shared_evidence(actions, self.viewer.provider.pk),
            is_open=finding.is_open,
            form=form or FindingResponseForm(initial={
                "provider_response": finding.provider_response}),
            upload_form=PortalUploadForm(),
            cancelled=ActionStatus.CANCELLED)
        return render(self.request, "oversight/portal/finding_detail.html", context)

    def get(self, request, pk):
        return self.render_page(self.get_finding(pk))

    def post(self, request, pk):
        finding = self.get_finding(pk)
        form = FindingResponseForm(request.POST)
        if form.is_valid():
            try:
                oversight_services.finding_respond(
                    finding, actor=request.user,
                    response=form.cleaned_data["provider_response"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your answer was sent.")
                return redirect("oversight_portal:finding_detail", pk=finding.pk)
        return self.render_page(finding, form=form)


class PortalActionEvidenceView(PortalMixin, View):
    """Upload a file as evidence that a corrective action was done."""

    writes = True

    def get_action(self, pk) -> CorrectiveAction:
        return get_object_or_404(selectors.actions_of_provider(self.viewer.provider), pk=pk)

    def post(self, request, pk):
        action = self.get_action(pk)
        form = PortalUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                oversight_services.action_evidence_upload(
                    action, actor=request.user, upload_name=form.cleaned_data["file"].name,
                    data=form.file_bytes, metadata=form.metadata())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Evidence added to the action.")
                return redirect(_origin_url(action))
        # The page shows the error above the action's upload form it came from.
        messages.error(request, f"The file was not added to “{action}”: " + " ".join(
            e for errors in form.errors.values() for e in errors))
        return redirect(_origin_url(action))


def _origin_url(action) -> str:
    if action.finding_id:
        return reverse("oversight_portal:finding_detail", args=[action.finding_id])
    return reverse("oversight_portal:incident_detail", args=[action.incident_id])


class PortalIncidentListView(PortalMixin, View):
    def get(self, request):
        incidents = selectors.incidents_of_provider(self.viewer.provider).order_by(
            "-detected_at", "-pk")[:LIST_LIMIT]
        return render(request, "oversight/portal/incident_list.html",
                      self.portal_context(incidents=incidents))


class PortalIncidentDetailView(PortalMixin, View):
    """An incident as we recorded it, its timeline (the provider adds updates) and its
    follow-up actions."""

    writes = True

    def get_incident(self, pk):
        return get_object_or_404(selectors.incidents_of_provider(self.viewer.provider), pk=pk)

    def render_page(self, incident, form=None):
        actions = list(selectors.actions_of_provider(self.viewer.provider).filter(
            incident=incident).prefetch_related("evidence").order_by("due_date", "pk"))
        context = self.portal_context(
            incident=incident, actions=_with_shared_evidence(actions, self.viewer.provider.pk),
            timeline=incident.events.select_related("author").order_by("at", "pk"),
            form=form or TimelineUpdateForm(), upload_form=PortalUploadForm(),
            cancelled=ActionStatus.CANCELLED)
        return render(self.request, "oversight/portal/incident_detail.html", context)

    def get(self, request, pk):
        return self.render_page(self.get_incident(pk))

    def post(self, request, pk):
        incident = self.get_incident(pk)
        form = TimelineUpdateForm(request.POST)
        if form.is_valid():
            try:
                oversight_services.incident_event_create(actor=request.user, source="portal",
                                                         data={
                    "incident": incident, "description": form.cleaned_data["description"],
                    "at": form.cleaned_data["at"] or timezone.now()})
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your update was added to the timeline.")
                return redirect("oversight_portal:incident_detail", pk=incident.pk)
        return self.render_page(incident, form=form)


class PortalAuditListView(PortalMixin, View):
    def get(self, request):
        audits = selectors.audits_of_provider(self.viewer.provider).order_by(
            "-completed_on", "-pk")[:LIST_LIMIT]
        return render(request, "oversight/portal/audit_list.html",
                      self.portal_context(audits=audits))


urlpatterns = [
    path("portal/findings/", PortalFindingListView.as_view(), name="finding_list"),
    path("portal/findings/<int:pk>/", PortalFindingDetailView.as_view(), name="finding_detail"),
    path("portal/actions/<int:pk>/evidence/", PortalActionEvidenceView.as_view(),
         name="action_evidence"),
    path("portal/incidents/", PortalIncidentListView.as_view(), name="incident_list"),
    path("portal/incidents/<int:pk>/", PortalIncidentDetailView.as_view(),
         name="incident_detail"),
    path("portal/audits/", PortalAuditListView.as_view(), name="audit_list"),
]
