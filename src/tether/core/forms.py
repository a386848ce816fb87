"""Base model form: choices limited to what the user may see, data handed to a service."""

from django import forms

from tether.core.widgets import speed_up_selects


class TetherModelForm(forms.ModelForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if user is not None and queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, "view")
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else (
                "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            )
            widget.attrs.setdefault("class", css)
        speed_up_selects(self)

    def service_data(self) -> dict:
        """The validated values of the model's own fields, for a create/update service."""
        model_fields = {f.name for f in self._meta.model._meta.get_fields()}
        return {name: value for name, value in self.cleaned_data.items() if name in model_fields}
