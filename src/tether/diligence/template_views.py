"""Pages of questionnaire templates: list, detail, edit, import and export, and the pages that
edit a draft's sections and questions. Permissions come from `ViewSetMixin`, as everywhere."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.views import View

from tether.core.views.generic import ObjectListView, ObjectViewSet, ViewSetMixin
from tether.diligence import template_services as services
from tether.diligence.choices import TemplateStatus
from tether.diligence.filtersets import QuestionFilterSet, SectionFilterSet, TemplateFilterSet
from tether.diligence.models import Question, QuestionnaireTemplate, Section
from tether.diligence.template_forms import ImportForm, QuestionForm, SectionForm, TemplateForm
from tether.diligence.template_tables import (
    TemplateTable,
    condition_text,
    scoring_items,
    status_word,
)
from tether.diligence.transfer import (
    CONTENT_TYPES,
    FORMATS,
    TemplateFileError,
    check_spec,
    export_filename,
    read_template,
    spec_of,
    write_template,
)


def _error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)


def _sections_of(template: QuestionnaireTemplate) -> list[Section]:
    """The template's sections in order, each with its questions and what they depend on."""
    questions = Question.objects.select_related("show_if_question").order_by("position", "id")
    return list(template.sections.order_by("position", "id").prefetch_related(
        Prefetch("questions", queryset=questions)))


class TemplateViews(ObjectViewSet):
    model = QuestionnaireTemplate
    url_prefix = "diligence/templates/"
    filterset_class = TemplateFilterSet
    table_class = TemplateTable
    form_class = TemplateForm
    services = services.TEMPLATE
    detail_template = "diligence/template_detail.html"

    @classmethod
    def base_queryset(cls):
        return QuestionnaireTemplate.objects.annotate(
            question_count=Count("sections__questions")).order_by("name", "-version")

    @classmethod
    def detail_context(cls, request, obj):
        user = request.user
        sections = _sections_of(obj)
        for section in sections:
            for question in section.questions.all():
                question.scoring = scoring_items(question)
                question.condition = condition_text(question)
        draft = obj.status == TemplateStatus.DRAFT
        can_change = user.can("change", QuestionnaireTemplate)
        return {
            "sections": sections,
            "status_word": status_word(obj),
            "is_draft": draft,
            "can_edit": draft and can_change,
            "can_delete": draft and user.can("delete", QuestionnaireTemplate),
            "can_publish": draft and can_change,
            "can_retire": obj.status == TemplateStatus.PUBLISHED and can_change,
            "can_new_version": not draft and user.can("add", QuestionnaireTemplate),
            "problems": check_spec(spec_of(obj, sections)) if draft else [],
            "question_total": sum(len(s.questions.all()) for s in sections),
            "weight_total": sum(q.weight for s in sections for q in s.questions.all()),
            "formats": FORMATS,
            "export_url": reverse("diligence:questionnairetemplate_export", args=[obj.pk]),
        }

    @classmethod
    def urls(cls):
        def page(route, view, name, viewset=cls):
            return path(f"{cls.url_prefix}{route}", view.as_view(viewset=viewset), name=name)

        generic = [pattern for pattern in super().urls()
                   if pattern.name != cls.url_name("list")]
        return [
            page("", TemplateListView, cls.url_name("list")),
            page("import/", TemplateImportView, "questionnairetemplate_import"),
            *generic,
            page("<int:pk>/export/", TemplateExportView, "questionnairetemplate_export"),
            page("<int:pk>/publish/", TemplatePublishView, "questionnairetemplate_publish"),
            page("<int:pk>/new-version/", TemplateNewVersionView,
                 "questionnairetemplate_new_version"),
            page("<int:pk>/retire/", TemplateRetireView, "questionnairetemplate_retire"),
            page("<int:pk>/sections/add/", SectionAddView, "section_add"),
            page("sections/<int:pk>/edit/", SectionEditView, "section_edit", SectionViews),
            page("sections/<int:pk>/delete/", SectionDeleteView, "section_delete", SectionViews),
            page("sections/<int:pk>/move/", SectionMoveView, "section_move", SectionViews),
            page("sections/<int:pk>/questions/add/", QuestionAddView, "question_add",
                 SectionViews),
            page("questions/<int:pk>/edit/", QuestionEditView, "question_edit", QuestionViews),
            page("questions/<int:pk>/delete/", QuestionDeleteView, "question_delete",
                 QuestionViews),
            page("questions/<int:pk>/move/", QuestionMoveView, "question_move", QuestionViews),
        ]


class TemplateListView(ObjectListView):
    template_name = "diligence/template_list.html"


class SectionViews(ObjectViewSet):
    """Sections have no pages of their own but the edit pages below (they show on their
    template's page)."""

    model = Section
    filterset_class = SectionFilterSet
    form_class = SectionForm
    services = services.SECTION
    pages = ()

    @classmethod
    def base_queryset(cls):
        return Section.objects.select_related("template")


class QuestionViews(ObjectViewSet):
    model = Question
    filterset_class = QuestionFilterSet
    form_class = QuestionForm
    services = services.QUESTION
    pages = ()

    @classmethod
    def base_queryset(cls):
        return Question.objects.select_related("section__template", "show_if_question")


def _template_url(template: QuestionnaireTemplate, anchor: str = "") -> str:
    url = template.get_absolute_url()
    return f"{url}#{anchor}" if anchor else url


class TemplateImportView(ViewSetMixin, View):
    """Upload a questionnaire file: every problem is listed, nothing is written unless the
    whole file is sound."""

    action = "add"
    template_name = "diligence/template_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ImportForm()})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        problems = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                spec = read_template(upload.file, filename=upload.name,
                                     fmt=form.cleaned_data["format"] or None,
                                     name=form.cleaned_data["name"])
                outcome = services.template_import(
                    actor=request.user, spec=spec, publish=form.cleaned_data["publish"],
                    source="web-import")
            except TemplateFileError as error:
                problems = error.messages
            except ValidationError as error:
                problems = _error_messages(error)
            else:
                template = outcome.template
                messages.success(request, format_html(
                    "Imported {}: {} questions in {} sections, {}.", template,
                    len(spec.questions), len(spec.sections), status_word(template)))
                return redirect(template.get_absolute_url())
        return render(request, self.template_name, {"form": form, "problems": problems})


class TemplateExportView(ViewSetMixin, View):
    """Download a questionnaire as YAML, CSV or XLSX; it imports back unchanged."""

    def get(self, request, pk):
        template = get_object_or_404(self.get_queryset(), pk=pk)
        fmt = request.GET.get("format", "yaml")
        if fmt not in FORMATS:
            raise Http404
        out = io.BytesIO()
        write_template(spec_of(template), fmt=fmt, out=out)
        response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = (f'attachment; filename="'
                                           f'{export_filename(template, fmt)}"')
        return response


class TemplateActionView(ViewSetMixin, View):
    """A state change of a template (POST only), reported back on its page."""

    action = "change"
    done = ""

    def act(self, template):
        raise NotImplementedError

    def post(self, request, pk):
        template = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            result = self.act(template)
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
            return redirect(template.get_absolute_url())
        messages.success(request, self.done.format(template=result))
        return redirect(result.get_absolute_url())


class TemplatePublishView(TemplateActionView):
    done = "Published {template}: campaigns can now send it."

    def act(self, template):
        return services.template_publish(template, actor=self.request.user)


class TemplateRetireView(TemplateActionView):
    done = "Retired {template}: it can no longer be sent; campaigns under way go on."

    def act(self, template):
        return services.template_retire(template, actor=self.request.user)


class TemplateNewVersionView(TemplateActionView):
    action = "add"
    done = "Created {template} as a draft copy: change it, then publish it."

    def act(self, template):
        return services.template_new_version(template, actor=self.request.user)


class ChildFormView(ViewSetMixin, View):
    """Adding or editing a section or question of a draft; the service refuses other states."""

    template_name = ""
    child_model = None  # what is added, when the view adds

    def dispatch(self, request, *args, **kwargs):
        if self.child_model is not None and not request.user.can("add", self.child_model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def template_of(self, obj) -> QuestionnaireTemplate:
        raise NotImplementedError

    def make_form(self, obj, data=None):
        raise NotImplementedError

    def save(self, obj, form):
        raise NotImplementedError

    def render_form(self, obj, form):
        template = self.template_of(obj)
        context = {"form": form, "object": obj, "template": template,
                   "adding": self.child_model is not None,
                   "not_draft": template.status != TemplateStatus.DRAFT,
                   "status_word": status_word(template)}
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        return self.render_form(obj, self.make_form(obj))

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        form = self.make_form(obj, request.POST)
        if form.is_valid():
            try:
                saved = self.save(obj, form)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, format_html("Saved {}.", saved))
                return redirect(self.saved_url(saved))
        return self.render_form(obj, form)

    def saved_url(self, saved) -> str:
        raise NotImplementedError


def _add_errors(form, error: ValidationError) -> None:
    """A service's errors on the form's fields where it has them, else above the form."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error)


class SectionAddView(ChildFormView):
    action = "change"  # adding a section changes the template
    child_model = Section
    template_name = "diligence/section_edit.html"

    def template_of(self, obj):
        return obj

    def make_form(self, obj, data=None):
        return SectionForm(data=data, user=self.request.user)

    def save(self, obj, form):
        return services.section_create(actor=self.request.user, template=obj,
                                       data=form.service_data())

    def saved_url(self, saved):
        return _template_url(saved.template, f"section-{saved.pk}")


class SectionEditView(ChildFormView):
    action = "change"
    template_name = "diligence/section_edit.html"

    def template_of(self, obj):
        return obj.template

    def make_form(self, obj, data=None):
        return SectionForm(data=data, instance=obj, user=self.request.user)

    def save(self, obj, form):
        return services.section_update(obj, actor=self.request.user, data=form.service_data())

    def saved_url(self, saved):
        return _template_url(saved.template, f"section-{saved.pk}")


class QuestionAddView(ChildFormView):
    action = "change"  # adding a question changes its section
    child_model = Question
    template_name = "diligence/question_edit.html"

    def template_of(self, obj):
        return obj.template

    def make_form(self, obj, data=None):
        initial = {"section": obj.pk, "weight": 1, "required": True}
        return QuestionForm(data=data, initial=initial, user=self.request.user,
                            template=obj.template)

    def save(self, obj, form):
        return services.question_create(actor=self.request.user, section=obj,
                                        data=form.service_data())

    def saved_url(self, saved):
        return _template_url(saved.section.template, f"question-{saved.pk}")


class QuestionEditView(ChildFormView):
    action = "change"
    template_name = "diligence/question_edit.html"

    def template_of(self, obj):
        return obj.section.template

    def make_form(self, obj, data=None):
        return QuestionForm(data=data, instance=obj, user=self.request.user,
                            template=obj.section.template)

    def save(self, obj, form):
        return services.question_update(obj, actor=self.request.user, data=form.service_data())

    def saved_url(self, saved):
        return _template_url(saved.section.template, f"question-{saved.pk}")


class ChildDeleteView(ViewSetMixin, View):
    action = "delete"
    template_name = ""

    def template_of(self, obj) -> QuestionnaireTemplate:
        raise NotImplementedError

    def get(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        template = self.template_of(obj)
        return render(request, self.template_name, {
            "object": obj, "template": template,
            "not_draft": template.status != TemplateStatus.DRAFT,
            "status_word": status_word(template)})

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        template = self.template_of(obj)
        try:
            self.viewset.services.delete(obj, actor=request.user)
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, f"Deleted {obj}.")
        return redirect(template.get_absolute_url())


class SectionDeleteView(ChildDeleteView):
    template_name = "diligence/section_delete.html"

    def template_of(self, obj):
        return obj.template


class QuestionDeleteView(ChildDeleteView):
    template_name = "diligence/question_delete.html"

    def template_of(self, obj):
        return obj.section.template


class ChildMoveView(ViewSetMixin, View):
    """Move a section or question up or down (POST direction=up|down)."""

    action = "change"

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        offset = 1 if request.POST.get("direction") == "down" else -1
        try:
            template = self.move(obj, offset)
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
            template = self.template_of(obj)
        return redirect(_template_url(template, f"{obj._meta.model_name}-{obj.pk}"))


class SectionMoveView(ChildMoveView):
    def template_of(self, obj):
        return obj.template

    def move(self, obj, offset):
        services.section_move(obj, actor=self.request.user, offset=offset)
        return obj.template


class QuestionMoveView(ChildMoveView):
    def template_of(self, obj):
        return obj.section.template

    def move(self, obj, offset):
        services.question_move(obj, actor=self.request.user, offset=offset)
        return obj.section.template


urlpatterns = TemplateViews.urls()
