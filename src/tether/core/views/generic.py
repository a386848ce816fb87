"""Generic pages for any register model: list, detail, add/edit, delete, history, choices.

A model declares its pages once with an `ObjectViewSet` subclass; permissions are applied
here, in `ViewSetMixin`, and nowhere else.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.views import View

from tether.core.models import AuditEntry
from tether.core.services import ModelServices
from tether.core.tables import Table
from tether.core.views.display import object_fields

MAX_PER_PAGE = 500


@dataclass
class Panel:
    """A card on a detail page: a related-objects table with a link to the full list, or,
    with `template`, any fragment (a score, a chart) rendered with `context`."""

    title: str
    table: Table | None = None
    more_url: str = ""
    total: int | None = None
    template: str = ""
    context: dict | None = None


# Panels that apps higher up add to the pages of models below them (risk on a provider's
# page), without the lower app importing them: "app_label.model_name" -> [f(request, obj)].
CONTRIBUTED_PANELS: dict[str, list] = {}


def contribute_panels(model_label: str, *, order: int = 50):
    """Declare a function returning panels for the detail page of `model_label`'s objects.

    Contributed panels come first, lowest `order` first: they carry the figures people look
    for (score, tier).
    """

    def register(function):
        function.panel_order = order
        panels = CONTRIBUTED_PANELS.setdefault(model_label.lower(), [])
        panels.append(function)
        panels.sort(key=lambda f: f.panel_order)
        return function

    return register


DASHBOARD = "dashboard"


def contribute_dashboard(*, order: int = 50):
    """Declare a function `(request) -> list[Panel]` whose cards appear on the home dashboard,
    below the register's own figures, lowest `order` first. Each must cost a query or two:
    the dashboard reads stored figures, it never recomputes them."""
    return contribute_panels(DASHBOARD, order=order)


def dashboard_panels(request) -> list[Panel]:
    panels = []
    for function in CONTRIBUTED_PANELS.get(DASHBOARD, []):
        panels.extend(function(request))
    return panels


def contributed_panels(request, obj) -> list[Panel]:
    meta = obj._meta
    panels = []
    for function in CONTRIBUTED_PANELS.get(f"{meta.app_label}.{meta.model_name}", []):
        panels.extend(function(request, obj))
    return panels


class ObjectViewSet:
    """The declaration of one model's pages."""

    model = None
    url_prefix = ""
    filterset_class = None
    table_class = None
    form_class = None
    services: ModelServices | None = None
    detail_template = "tether/object_detail.html"
    detail_fields: list[str] | None = None
    choices_search_field = "name"
    pages = ("list", "add", "choices", "detail", "edit", "delete", "history")

    @classmethod
    def base_queryset(cls):
        """The list and detail queryset, with the joins its pages need."""
        return cls.model.objects.all()

    @classmethod
    def detail_panels(cls, request, obj) -> list[Panel]:
        return []

    @classmethod
    def extra_panels(cls, request, obj) -> list[Panel]:
        """Panels a mixin adds after the model's own (documents, say)."""
        return []

    @classmethod
    def detail_context(cls, request, obj) -> dict:
        """Extra context for a custom detail template."""
        return {}

    @classmethod
    def export_url(cls) -> str | None:
        """Where the list's CSV/XLSX export is served, if the model has one."""
        return None

    @classmethod
    def url_name(cls, page: str) -> str:
        return f"{cls.model._meta.model_name}_{page}"

    @classmethod
    def urls(cls):
        prefix = cls.url_prefix
        pages = [
            ("", ObjectListView, "list"),
            ("add/", ObjectEditView, "add"),
            ("choices/", ObjectChoicesView, "choices"),
            ("<int:pk>/", ObjectDetailView, "detail"),
            ("<int:pk>/edit/", ObjectEditView, "edit"),
            ("<int:pk>/delete/", ObjectDeleteView, "delete"),
            ("<int:pk>/history/", ObjectHistoryView, "history"),
        ]
        return [
            path(f"{prefix}{route}", view.as_view(viewset=cls), name=cls.url_name(page))
            for route, view, page in pages
            if page in cls.pages
        ]


class ViewSetMixin:
    """Role check on the view's action, and the restricted queryset: out of scope is 404."""

    viewset: type[ObjectViewSet] = None
    action = "view"

    def get_action(self) -> str:
        return self.action

    def dispatch(self, request, *args, **kwargs):
        if not request.user.can(self.get_action(), self.viewset.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.viewset.base_queryset().restrict(self.request.user, self.get_action())

    def page_context(self) -> dict:
        model = self.viewset.model
        meta = model._meta
        app = meta.app_label
        user = self.request.user
        return {
            "viewset": self.viewset,
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "list_url": reverse(f"{app}:{self.viewset.url_name('list')}"),
            "add_url": reverse(f"{app}:{self.viewset.url_name('add')}")
            if user.can("add", model) and "add" in self.viewset.pages else None,
            "can_change": user.can("change", model) and "edit" in self.viewset.pages,
            "can_delete": user.can("delete", model) and "delete" in self.viewset.pages,
            "can_read_history": user.can("view", AuditEntry) and "history" in self.viewset.pages,
            "export_url": self.viewset.export_url(),
        }


class ObjectListView(ViewSetMixin, View):
    """Filter (the model's FilterSet), sort and paginate in the database; htmx gets the table."""

    template_name = "tether/object_list.html"

    def get(self, request):
        filterset = self.viewset.filterset_class(request.GET or None,
                                                 queryset=self.get_queryset())
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else (
            filterset.queryset if not filterset.is_bound else filterset.queryset.none()
        )
        table = self.viewset.table_class(queryset)
        table.order(request.GET.get("sort"))
        table.paginate(request.GET.get("page", 1), self.per_page())
        context = {**self.page_context(), "filter": filterset, "table": table}
        template = (
            "tether/inc/results.html"
            if request.htmx and request.htmx.target == "results" else self.template_name
        )
        return render(request, template, context)

    def per_page(self) -> int:
        return rows_per_page(self.request)


def rows_per_page(request) -> int:
    """The page size asked for with ?per_page=, within 1 and MAX_PER_PAGE (50 by default)."""
    try:
        per_page = int(request.GET.get("per_page", 50))
    except ValueError:
        per_page = 50
    return max(1, min(per_page, MAX_PER_PAGE))


def add_link(request, model, url_name: str, **params) -> str | None:
    """The address of a model's add form, prefilled from `params`, if the user may add."""
    if not request.user.can("add", model):
        return None
    return f"{reverse(url_name)}?{urlencode(params)}" if params else reverse(url_name)


def filterset_rows(filterset):
    """The filterset's rows: all when unfiltered, none when its filters are invalid."""
    if not filterset.is_bound:
        return filterset.queryset
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


class ObjectDetailView(ViewSetMixin, View):
    def get(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        app = self.viewset.model._meta.app_label
        context = {
            **self.page_context(),
            **{
                f"{page}_url": reverse(f"{app}:{self.viewset.url_name(page)}", args=[obj.pk])
                for page in ("edit", "delete", "history") if page in self.viewset.pages
            },
            "object": obj,
            "fields": object_fields(obj, self.viewset.detail_fields),
            "panels": [*contributed_panels(request, obj),
                       *self.viewset.detail_panels(request, obj),
                       *self.viewset.extra_panels(request, obj)],
            **self.viewset.detail_context(request, obj),
        }
        return render(request, self.viewset.detail_template, context)


class ObjectEditView(ViewSetMixin, View):
    template_name = "tether/object_edit.html"

    def get_action(self) -> str:
        return "change" if "pk" in self.kwargs else "add"

    def get_form(self, instance=None):
        form_class = self.viewset.form_class
        data = self.request.POST if self.request.method == "POST" else None
        # A new object can start from values in the link (?provider=12 from a provider's page).
        initial = {} if instance or data else {
            name: value for name, value in self.request.GET.items()
            if name in form_class.base_fields
        }
        return form_class(data=data, instance=instance, initial=initial, user=self.request.user)

    def render_form(self, form, instance):
        context = {**self.page_context(), "form": form, "object": instance}
        return render(self.request, self.template_name, context)

    def get(self, request, pk=None):
        instance = get_object_or_404(self.get_queryset(), pk=pk) if pk else None
        return self.render_form(self.get_form(instance), instance)

    def post(self, request, pk=None):
        instance = get_object_or_404(self.get_queryset(), pk=pk) if pk else None
        form = self.get_form(instance)
        if form.is_valid():
            data = form.service_data()
            try:
                if instance is None:
                    obj = self.viewset.services.create(actor=request.user, data=data)
                else:
                    obj = self.viewset.services.update(instance, actor=request.user, data=data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                verb = "Created" if instance is None else "Saved"
                messages.success(request, format_html("{} {}.", verb, obj))
                return redirect(obj.get_absolute_url())
        return self.render_form(form, instance)


class ObjectDeleteView(ViewSetMixin, View):
    action = "delete"
    template_name = "tether/object_delete.html"

    def get(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        return render(request, self.template_name, {**self.page_context(), "object": obj})

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            self.viewset.services.delete(obj, actor=request.user)
        except ProtectedError as error:
            blockers = sorted({str(o) for o in error.protected_objects})
            shown = ", ".join(blockers[:5]) + ("…" if len(blockers) > 5 else "")
            messages.error(request, f"{obj} is still referenced by {shown}; "
                                    "remove or reassign those first.")
            return redirect(obj.get_absolute_url())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(obj.get_absolute_url())
        messages.success(request, f"Deleted {obj}.")
        return redirect(self.page_context()["list_url"])


class ObjectHistoryView(ViewSetMixin, View):
    template_name = "tether/object_history.html"

    def get(self, request, pk):
        if not request.user.can("view", AuditEntry):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        entries = AuditEntry.objects.restrict(request.user).filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).select_related("actor")[:500]
        context = {**self.page_context(), "object": obj, "entries": entries}
        return render(request, self.template_name, context)


class ObjectChoicesView(ViewSetMixin, View):
    """Options for a SearchSelect: the first matches of the search text, as <option>s."""

    limit = 25

    def get(self, request):
        text = request.GET.get("q", "").strip()
        queryset = self.get_queryset()
        if text:
            queryset = queryset.filter(**{f"{self.viewset.choices_search_field}__icontains": text})
        options = queryset.order_by(self.viewset.choices_search_field)[: self.limit]
        return render(request, "tether/inc/options.html", {"options": options})
