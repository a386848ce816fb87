"""Forms of the oversight app. Providers and arrangements number in the thousands: they are
searched, never listed."""

from django import forms

from tether.core.forms import TetherModelForm
from tether.core.models import User
from tether.core.widgets import SearchSelect
from tether.oversight.models import Audit, CorrectiveAction, Finding, Incident, IncidentEvent
from tether.registry.models import Arrangement

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})
PROVIDER = SearchSelect("registry:provider_choices")
ARRANGEMENT = SearchSelect("registry:arrangement_choices")


def colleagues():
    """Internal users who can own an audit, a finding or an action."""
    return User.objects.filter(is_active=True, provider__isnull=True).order_by(
        "first_name", "last_name", "username")


class OwnedForm(TetherModelForm):
    owner_fields = ("owner",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.owner_fields:
            if name in self.fields:
                self.fields[name].queryset = colleagues()


class AuditForm(OwnedForm):
    owner_fields = ("lead",)

    class Meta:
        model = Audit
        fields = ["kind", "title", "provider", "arrangements", "scope", "auditor", "lead",
                  "planned_on", "started_on", "completed_on", "status", "conclusion",
                  "summary", "report"]
        widgets = {"provider": PROVIDER, "planned_on": DATE, "started_on": DATE,
                   "completed_on": DATE, "scope": TEXT, "summary": TEXT,
                   "report": SearchSelect("documents:document_choices")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The contracts in scope are the audited provider's: listed once it is known.
        provider = self.data.get("provider") or self.initial.get("provider") or (
            self.instance.provider_id if self.instance.pk else None)
        arrangements = Arrangement.objects.order_by("reference")
        if self.user is not None:
            arrangements = arrangements.restrict(self.user)
        self.fields["arrangements"].queryset = (
            arrangements.filter(provider=provider) if str(provider or "").isdigit()
            else arrangements.none())
        self.fields["arrangements"].help_text = (
            "The audited provider's contracts in scope; leave empty for all of them.")


class FindingForm(OwnedForm):
    class Meta:
        model = Finding
        fields = ["audit", "incident", "provider", "arrangement", "title", "description",
                  "severity", "status", "raised_on", "due_date", "owner", "provider_response",
                  "closure_note"]
        widgets = {"audit": SearchSelect("oversight:audit_choices"),
                   "incident": SearchSelect("oversight:incident_choices"),
                   "provider": PROVIDER, "arrangement": ARRANGEMENT, "raised_on": DATE,
                   "due_date": DATE, "description": TEXT, "provider_response": TEXT,
                   "closure_note": TEXT}
        help_texts = {"provider_response": "What the provider answered, if it answered "
                                           "outside the portal."}


class CorrectiveActionForm(OwnedForm):
    class Meta:
        model = CorrectiveAction
        fields = ["finding", "incident", "description", "owner", "due_date", "status",
                  "verification_note"]
        widgets = {"finding": SearchSelect("oversight:finding_choices"),
                   "incident": SearchSelect("oversight:incident_choices"),
                   "due_date": DATE, "description": TEXT, "verification_note": TEXT}
        help_texts = {"finding": "The finding it puts right, or else the incident below."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # An action belongs to what it answers; write another one for something else.
            self.fields["finding"].disabled = True
            self.fields["incident"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("finding")) == bool(cleaned.get("incident")) \
                and not self.errors.get("finding") and not self.errors.get("incident"):
            self.add_error("finding", "Choose either the finding or the incident it answers.")
        return cleaned


class IncidentForm(TetherModelForm):
    class Meta:
        model = Incident
        fields = ["provider", "arrangement", "kind", "severity", "title", "description",
                  "started_at", "detected_at", "resolved_at", "status", "customers_affected",
                  "records_affected", "financial_impact", "currency", "services_affected",
                  "root_cause", "is_major", "reported_to_authority_on"]
        widgets = {"provider": PROVIDER, "arrangement": ARRANGEMENT, "started_at": DATETIME,
                   "detected_at": DATETIME, "resolved_at": DATETIME,
                   "reported_to_authority_on": DATE, "description": TEXT,
                   "services_affected": TEXT, "root_cause": TEXT}


class IncidentEventForm(TetherModelForm):
    class Meta:
        model = IncidentEvent
        fields = ["incident", "at", "description"]
        widgets = {"incident": SearchSelect("oversight:incident_choices"), "at": DATETIME,
                   "description": TEXT}


class TimelineUpdateForm(forms.Form):
    """An update added to an incident's timeline from its page (or the portal)."""

    at = forms.DateTimeField(required=False, widget=DATETIME, label="When",
                             help_text="Leave empty for now.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                                  label="What happened or was done")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class CloseFindingForm(forms.Form):
    closure_note = forms.CharField(required=False, max_length=5000, label="Closing note",
                                   widget=forms.Textarea(attrs={"rows": 2,
                                                                "class": "form-control"}))


class FindingResponseForm(forms.Form):
    provider_response = forms.CharField(
        label="Your answer", max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}))
