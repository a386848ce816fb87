from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class GenerateForm(forms.Form):
    as_of = forms.DateField(required=False, label="Figures as of",
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Today when left empty.")

    def clean_as_of(self):
        as_of = self.cleaned_data.get("as_of") or timezone.localdate()
        if as_of > timezone.localdate():
            raise ValidationError("A board report cannot be dated in the future.")
        return as_of
