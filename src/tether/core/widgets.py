"""Form widgets. SearchSelect replaces a select whose options would be too many to send."""

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe


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


class FastSelect(forms.Select):
    """A select rendered in Python: Django renders each option through a template include,
    which costs ~50 µs an option — 100 ms for a page with a few country lists."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = [
            format_html('<option value="{}"{}>{}</option>', option["value"],
                        mark_safe(" selected") if option["selected"] else "", option["label"])
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        ]
        multiple = mark_safe(" multiple") if self.allow_multiple_selected else ""
        # Each option was escaped by format_html above.
        options_html = mark_safe("".join(options))  # noqa: S308
        return format_html('<select name="{}"{}{}>{}</select>', widget["name"],
                           flatatt(widget["attrs"]), multiple, options_html)


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    allow_multiple_selected = True


def speed_up_selects(form) -> None:
    """Swap the plain selects of a form for FastSelect, keeping their attributes and choices."""
    for field in form.fields.values():
        widget = field.widget
        fast = None
        # Plain selects and django-countries' lazy ones; not SearchSelect nor the yes/no select.
        if type(widget) in (forms.Select, forms.SelectMultiple) or type(widget).__name__ in (
            "LazySelect", "LazySelectMultiple", "CountrySelectWidget"
        ):
            fast = FastSelectMultiple if widget.allow_multiple_selected else FastSelect
        if fast is not None:
            replacement = fast(attrs=widget.attrs)
            replacement.choices = widget.choices
            replacement.is_required = widget.is_required
            field.widget = replacement
