"""Forms of the contracts app: the library, one check, and a whole arrangement's checklist."""

from django import forms
from django.core.exceptions import ValidationError

from tether.contracts.choices import ClauseStatus
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.core.forms import TetherModelForm
from tether.core.widgets import SearchSelect
from tether.documents.models import Document

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClauseRequirementForm(TetherModelForm):
    class Meta:
        model = ClauseRequirement
        fields = ["code", "title", "requirement", "sources", "applies_to", "position",
                  "is_active"]
        widgets = {"requirement": forms.Textarea(attrs={"rows": 3}),
                   "sources": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.is_builtin:
            # The library updates built-ins by their code.
            self.fields["code"].disabled = True


def _arrangement_documents(arrangement_id, user):
    documents = Document.objects.filter(arrangement_id=arrangement_id).order_by("title")
    return documents.restrict(user, "view") if user is not None else documents


class ArrangementClauseForm(TetherModelForm):
    class Meta:
        model = ArrangementClause
        fields = ["arrangement", "requirement", "status", "reason", "location", "document",
                  "note", "checked_on"]
        widgets = {"arrangement": SearchSelect("registry:arrangement_choices"),
                   "reason": forms.Textarea(attrs={"rows": 2}),
                   "note": forms.Textarea(attrs={"rows": 2}), "checked_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = ClauseRequirement.objects.filter(
            is_active=True).order_by("position", "code")
        arrangement_id = self.instance.arrangement_id or self.initial.get("arrangement") \
            or self.data.get("arrangement")
        self.fields["document"].queryset = _arrangement_documents(
            arrangement_id if str(arrangement_id or "").isdigit() else None, self.user)
        if self.instance.pk is not None:
            self.fields["arrangement"].disabled = True
            self.fields["requirement"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ClauseStatus.NOT_APPLICABLE and not (
                cleaned.get("reason") or "").strip() and "reason" not in self.errors:
            self.add_error("reason", "Say why the clause does not apply.")
        return cleaned


CHECKLIST_STATUS_CHOICES = [("", "Not checked"), *ClauseStatus.choices]


class ChecklistRowForm(forms.Form):
    """One required clause of an arrangement's checklist (prefixed with its requirement)."""

    status = forms.ChoiceField(choices=CHECKLIST_STATUS_CHOICES, required=False,
                               widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    location = forms.CharField(max_length=250, required=False, widget=forms.TextInput(
        attrs={"class": "form-control form-control-sm", "placeholder": "e.g. MSA §14.2"}))
    document = forms.ModelChoiceField(queryset=Document.objects.none(), required=False,
                                      widget=forms.Select(
                                          attrs={"class": "form-select form-select-sm"}))
    reason = forms.CharField(required=False, widget=forms.TextInput(
        attrs={"class": "form-control form-control-sm",
               "placeholder": "Why it does not apply"}))
    note = forms.CharField(required=False, widget=forms.TextInput(
        attrs={"class": "form-control form-control-sm"}))

    def __init__(self, *args, requirement, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirement = requirement
        self.fields["document"].queryset = documents

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ClauseStatus.NOT_APPLICABLE and not (
                cleaned.get("reason") or "").strip():
            raise ValidationError(f"{self.requirement.code}: say why the clause does not apply.")
        return cleaned


def checklist_forms(rows, *, arrangement, user, data=None) -> list[ChecklistRowForm]:
    """A form per checklist row, filled from its check."""
    documents = _arrangement_documents(arrangement.pk, user)
    forms_ = []
    for row in rows:
        check = row.check
        initial = {} if check is None else {
            "status": check.status, "location": check.location, "document": check.document_id,
            "reason": check.reason, "note": check.note}
        forms_.append(ChecklistRowForm(data=data, initial=initial, prefix=f"c{row.requirement.pk}",
                                       requirement=row.requirement, documents=documents))
    return forms_
