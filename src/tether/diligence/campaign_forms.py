"""Forms of campaigns and their review; the provider's answers are read by the answer page."""

from django import forms
from django.urls import reverse

from tether.core.filtersets import IdsField
from tether.core.forms import TetherModelForm
from tether.diligence.campaign_services import COMMENT_MAX
from tether.diligence.choices import AnswerReview, TemplateStatus
from tether.diligence.models import Campaign, QuestionnaireTemplate
from tether.registry.models import Provider

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProviderPicker(forms.SelectMultiple):
    """Several providers, chosen by searching: the SearchSelect pattern, as checkboxes.

    Only the chosen providers are rendered; typing in the search box fetches the first
    matches (and keeps the chosen ones ticked) over htmx. A plain multiple select would send
    every provider with the form.
    """

    template_name = "diligence/widgets/provider_picker.html"

    def __init__(self, choices_url_name: str = "diligence:campaign_provider_choices",
                 attrs=None):
        super().__init__(attrs)
        self.choices_url_name = choices_url_name

    def optgroups(self, name, value, attrs=None):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is not None:
            chosen = [v for v in value if str(v).isdigit() and len(str(v)) <= 18]
            self.choices = [(p.pk, str(p)) for p in queryset.filter(pk__in=chosen)
                            .order_by("name")]
        return super().optgroups(name, value, attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = reverse(self.choices_url_name)
        return context


def provider_field(**kwargs) -> IdsField:
    return IdsField(queryset=Provider.objects.all(), widget=ProviderPicker(),
                    label="Providers", **kwargs)


class RestrictedForm(forms.Form):
    """A plain form whose querysets are limited to what the user may see, styled as the rest."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if user is not None and queryset is not None:
                field.queryset = queryset.restrict(user, "view")
            widget = field.widget
            if isinstance(widget, ProviderPicker):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class CampaignCreateForm(RestrictedForm):
    name = forms.CharField(max_length=200)
    template = forms.ModelChoiceField(
        queryset=QuestionnaireTemplate.objects.filter(status=TemplateStatus.PUBLISHED),
        label="Questionnaire", help_text="Published questionnaires only.")
    due_date = forms.DateField(widget=DATE)
    message = forms.CharField(required=False, max_length=COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Shown to the providers' contacts.")
    remind_days_before = forms.IntegerField(
        min_value=0, max_value=366, initial=7, label="Remind … days before",
        help_text="Contacts who have not submitted are reminded then, and once when overdue.")
    providers = provider_field(
        help_text="Their active contacts are e-mailed a link to the questionnaire.")


class CampaignEditForm(TetherModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "due_date", "message", "remind_days_before"]
        widgets = {"due_date": DATE, "message": forms.Textarea(attrs={"rows": 3})}


class AddProvidersForm(RestrictedForm):
    providers = provider_field()


class AnswerReviewForm(forms.Form):
    answer = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    decision = forms.ChoiceField(choices=[(AnswerReview.ACCEPTED, "Accept"),
                                          (AnswerReview.CHALLENGED, "Challenge")])
    comment = forms.CharField(required=False, max_length=COMMENT_MAX)


class ReturnForm(forms.Form):
    note = forms.CharField(required=False, max_length=COMMENT_MAX,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
