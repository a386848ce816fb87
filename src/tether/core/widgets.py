"""Form widgets. SearchSelect replaces a select whose options would be too many to send."""

from django import forms
from django.urls import reverse


class SearchSelect(forms.Select):
    """A select holding only the chosen option, filled from a search box over htmx.

    Providers and arrangements number in the tens of thousands: a plain select would send
    megabytes of options with every form.
    """

    template_name = "tether/widgets/search_select.html"

    def __init__(self, choices_url_name: str, attrs=None):
        super().__init__(attrs)
        self.choices_url_name = choices_url_name

    def optgroups(self, name, value, attrs=None):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is not None:
            selected = [v for v in value if str(v).isdigit()]
            chosen = [(obj.pk, str(obj)) for obj in queryset.filter(pk__in=selected)]
            self.choices = [("", "---------"), *chosen]
        return super().optgroups(name, value, attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = reverse(self.choices_url_name)
        return context
