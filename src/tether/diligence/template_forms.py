"""Forms of questionnaire templates: scoring is typed as text, in the notation CSV files use."""

from django import forms
from django.core.exceptions import ValidationError

from tether.core.forms import TetherModelForm
from tether.diligence.models import Question, QuestionnaireTemplate, Section
from tether.diligence.transfer import FORMATS, MAX_BYTES
from tether.diligence.transfer import fields as file_fields
from tether.diligence.transfer.document import bands_json, bands_of, options_json, options_of
from tether.diligence.transfer.notation import (
    NotationError,
    format_bands,
    format_options,
    format_values,
    parse_bands,
    parse_options,
    parse_values,
)

TEXT_AREA = {"rows": 3}


class TemplateForm(TetherModelForm):
    class Meta:
        model = QuestionnaireTemplate
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs=TEXT_AREA)}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = QuestionnaireTemplate.objects.filter(name__iexact=name)
        if self.instance.pk:
            others = others.exclude(name__iexact=self.instance.name)
        if others.exists():
            raise ValidationError("A questionnaire of this name exists: make a new version of "
                                  "it, or choose another name.")
        return name

    def validate_unique(self):
        """The name check above says it better than the (name, version) constraint would."""


class SectionForm(TetherModelForm):
    class Meta:
        model = Section
        fields = ["title", "description", "risk_category"]
        widgets = {"description": forms.Textarea(attrs=TEXT_AREA)}
        help_texts = {"risk_category": "Code of the risk category the section's answers "
                                       "inform, e.g. financial, data_security_ip, reputation, "
                                       "compliance, external_dependency, loss_of_control, "
                                       "customer_experience."}

    def clean_risk_category(self):
        try:
            return file_fields.risk_category(self.cleaned_data["risk_category"])
        except file_fields.FieldError as error:
            raise ValidationError(str(error)) from None


class QuestionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.text[:80]}"


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class QuestionForm(TetherModelForm):
    """A question; options, bands and the answers that show it are typed as text."""

    options = forms.CharField(
        required=False, widget=forms.TextInput,
        help_text="Yes/no and choice questions: value=score or value|label=score, separated "
                  "by semicolons, score from 0 to 1: “yes=1; no=0” (the default for yes/no), "
                  "“full|Fully in place=1; partial|Partly=0.5; none|Not at all=0”.")
    bands = forms.CharField(
        required=False, widget=forms.TextInput,
        help_text="Number questions: min-max=score, min included and max excluded, either may "
                  "be left out: “-2=0; 2-5=0.5; 5-=1”. Without bands any number scores in full.")
    show_if_values = forms.CharField(
        required=False, label="Asked if the answer is",
        help_text="The answers to the question above that show this one, separated by "
                  "semicolons: “yes”, or “partial; none”.")

    class Meta:
        model = Question
        fields = ["section", "code", "text", "help_text", "question_type", "weight", "required",
                  "options", "bands", "evidence_required", "evidence_hint", "show_if_question",
                  "show_if_values"]
        field_classes = {"section": SectionChoiceField, "show_if_question": QuestionChoiceField}
        widgets = {"text": forms.Textarea(attrs=TEXT_AREA),
                   "help_text": forms.Textarea(attrs={"rows": 2})}
        labels = {"show_if_question": "Asked only if this question…"}
        help_texts = {"show_if_question": "Leave empty to always ask it. The question it "
                                          "depends on must come earlier in the questionnaire."}

    def __init__(self, *args, template: QuestionnaireTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        sections = Section.objects.filter(template=template)
        others = Question.objects.filter(section__template=template).select_related("section")
        if self.user is not None:
            sections, others = sections.restrict(self.user), others.restrict(self.user)
        self.fields["section"].queryset = sections
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["show_if_question"].queryset = others
        if self.instance.pk and not self.is_bound:
            self.initial["options"] = format_options(options_of(self.instance.options))
            self.initial["bands"] = format_bands(bands_of(self.instance.bands))
            self.initial["show_if_values"] = format_values(self.instance.show_if_values or [])

    def _notation(self, name: str, parse):
        try:
            return parse(self.cleaned_data.get(name) or "")
        except NotationError as error:
            raise ValidationError(str(error)) from None

    def clean_options(self):
        return options_json(self._notation("options", parse_options))

    def clean_bands(self):
        return bands_json(self._notation("bands", parse_bands))

    def clean_show_if_values(self):
        return self._notation("show_if_values", parse_values)


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="YAML, CSV (UTF-8) or XLSX, one row per question; see the export of any "
                  "questionnaire for the columns.",
        widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                               "accept": ".yaml,.yml,.csv,.txt,.xlsx"}))
    format = forms.ChoiceField(
        required=False, choices=[("", "From the file name"), *((f, f.upper()) for f in FORMATS)],
        widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(
        required=False, max_length=200,
        help_text="Instead of the name the file gives. An existing name gets a new version.",
        widget=forms.TextInput(attrs={"class": "form-control"}))
    publish = forms.BooleanField(
        required=False, label="Publish at once",
        help_text="Otherwise it is imported as a draft, to review before publishing.",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(f"The file is {upload.size / 2**20:,.1f} MB; a questionnaire "
                                  f"file may be up to {MAX_BYTES / 2**20:,.0f} MB.")
        return upload
