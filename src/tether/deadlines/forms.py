"""The filters of the upcoming page, the calendar and the iCalendar export."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from tether.core.deadlines import deadline_kinds
from tether.registry.models import Provider

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366


class DeadlineFilterForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.MultipleChoiceField(required=False, choices=(),
                                     widget=forms.SelectMultiple(attrs={"size": 6}))
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), required=False)
    critical = forms.BooleanField(required=False, label="Critical only")

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["kind"].choices = deadline_kinds()
        self.fields["provider"].queryset = Provider.objects.restrict(user).order_by("name")
        for name, form_field in self.fields.items():
            css = "form-check-input" if name == "critical" else "form-select form-select-sm" \
                if name in ("kind", "provider") else "form-control form-control-sm"
            form_field.widget.attrs.setdefault("class", css)

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        start = cleaned.get("start") or today
        end = cleaned.get("end") or start + timedelta(days=DEFAULT_DAYS)
        if end < start:
            self.add_error("end", "The end of the range is before its start.")
        elif (end - start).days > MAX_DAYS:
            self.add_error("end", f"Choose a range of at most {MAX_DAYS} days.")
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def criteria(self) -> dict:
        """What to show: the valid filters, or the defaults where the input was invalid."""
        today = timezone.localdate()
        valid = self.is_valid()
        data = self.cleaned_data if valid else {}
        return {
            "start": data.get("start") or today,
            "end": data.get("end") or today + timedelta(days=DEFAULT_DAYS),
            "kinds": data.get("kind") or None,
            "provider": data.get("provider"),
            "critical": bool(data.get("critical")),
        }


def filter_deadlines(deadlines, *, provider=None, critical=False):
    return [d for d in deadlines
            if (provider is None or d.provider_id == provider.pk)
            and (not critical or d.critical)]


def parse_month(value: str | None, today: date) -> date:
    """"2026-11" → 1 Nov 2026; anything else → this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 1900 <= year <= 9999 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)
