"""The EBA outsourcing register: a page listing it and its CSV/XLSX download.

Any internal role reads it (it is the arrangements' register, in the guidelines' shape);
provider contacts are refused by the generic role check on arrangements. Downloads are reads
and, like every other export of Tether, stream from the database and write no audit entry.
"""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.views import View

from tether.core.exports import CONTENT_TYPES, write_spreadsheet
from tether.core.views.exports import spreadsheet_download
from tether.core.views.generic import ViewSetMixin, rows_per_page
from tether.registry.models import Organisation
from tether.regulatory.outsourcing_register import (
    FIELDS,
    HEADERS,
    register_arrangements,
    register_rows,
    register_table,
)

EXPORT_NAME = "eba-outsourcing-register"
# The page shows the main columns; the download has every field.
PAGE_COLUMNS = ("reference", "organisation", "provider_name", "function_description",
                "critical_or_important", "service_countries", "data_locations", "start_date",
                "end_date", "last_audit")


class RegisterFilterForm(forms.Form):
    scope = forms.ChoiceField(
        required=False, label="Arrangements",
        choices=[("all", "All arrangements"), ("critical", "Critical or important only")])
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="All entities",
        label="Entity", error_messages={
            "invalid_choice": "This entity is not one you can choose: pick one from the list."})

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.restrict(user)
        for form_field in self.fields.values():
            form_field.widget.attrs.setdefault("class", "form-select form-select-sm")

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {"critical_only": data.get("scope") == "critical",
                "organisation": data.get("organisation")}


class OutsourcingRegisterView(ViewSetMixin, View):
    """The register, filtered, a page at a time; ?format=csv|xlsx downloads all its fields."""

    template_name = "regulatory/outsourcing_register.html"

    def get(self, request):
        form = RegisterFilterForm(request.GET or None, user=request.user)
        valid = form.is_valid() if form.is_bound else True
        fmt = request.GET.get("format")
        if fmt is not None:
            return self.download(fmt, form, valid)
        arrangements = (register_arrangements(user=request.user, **form.criteria())
                        if valid and form.is_bound else
                        register_arrangements(user=request.user))
        if not valid:
            arrangements = arrangements.none()
        page = Paginator(arrangements.values_list("pk", flat=True), rows_per_page(request)
                         ).get_page(request.GET.get("page"))
        columns = [field for field in FIELDS if field.code in PAGE_COLUMNS]
        rows = [[row.get(field.code) for field in columns]
                for row in register_rows(user=request.user, arrangement_ids=list(page))]
        return render(request, self.template_name, {
            "form": form, "page": page, "columns": columns, "rows": rows,
        })

    def download(self, fmt, form, valid):
        if fmt not in CONTENT_TYPES:
            raise Http404(f"“{fmt}” is not a format Tether exports: use csv or xlsx.")
        if not valid:
            problems = "; ".join(f"{name}: {' '.join(errors)}"
                                 for name, errors in form.errors.items())
            return HttpResponseBadRequest(f"The register cannot be filtered so: {problems}",
                                          content_type="text/plain; charset=utf-8")
        criteria = form.criteria() if form.is_bound else {}
        user = self.request.user
        ids = register_arrangements(user=user, **criteria).values_list("pk", flat=True)

        def write(out):
            # The ids are read first (a few MB for 100,000), then the rows a batch at a time.
            rows = register_table(register_rows(user=user, arrangement_ids=list(ids)))
            return write_spreadsheet(fmt=fmt, out=out, sheet="Outsourcing register",
                                     headers=HEADERS, rows=rows)

        return spreadsheet_download(fmt, EXPORT_NAME, write)

