"""Questionnaire templates over the API: read with their sections and questions, written
through the template services, imported and exported as YAML, CSV or XLSX."""

import io

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from tether.core.api.serializers import QueryParameters, StrictSerializer, TetherModelSerializer
from tether.core.api.viewsets import TetherModelViewSet
from tether.diligence import template_services as services
from tether.diligence.choices import QuestionType
from tether.diligence.filtersets import QuestionFilterSet, SectionFilterSet, TemplateFilterSet
from tether.diligence.models import Question, QuestionnaireTemplate, Section
from tether.diligence.transfer import (
    CONTENT_TYPES,
    FORMATS,
    MAX_BYTES,
    TemplateFileError,
    export_filename,
    fields,
    read_template,
    spec_of,
    write_template,
)
from tether.diligence.transfer.document import MAX_LENGTH, json_number

SCORE = {"min_value": 0, "max_value": 1}
BOUND = {"min_value": -1e12, "max_value": 1e12}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with stored data."


def _detail(error: ValidationError):
    return error.message_dict if hasattr(error, "error_dict") else error.messages


class OptionSerializer(StrictSerializer):
    """An answer of a yes/no or choice question and what it scores (0 to 1)."""

    value = serializers.CharField(max_length=MAX_LENGTH["value"])
    label = serializers.CharField(max_length=MAX_LENGTH["label"], allow_blank=True,
                                  required=False, default="")
    score = serializers.FloatField(**SCORE)


class BandSerializer(StrictSerializer):
    """A range of a number question's answers (min included, max excluded) and its score."""

    min = serializers.FloatField(**BOUND, required=False, allow_null=True)
    max = serializers.FloatField(**BOUND, required=False, allow_null=True)
    score = serializers.FloatField(**SCORE)


class QuestionSerializer(TetherModelSerializer):
    options = OptionSerializer(many=True, required=False)
    bands = BandSerializer(many=True, required=False)
    show_if_values = serializers.ListField(
        child=serializers.CharField(max_length=MAX_LENGTH["value"]), required=False,
        max_length=200, help_text="The answers to show_if_question that show this question.")

    class Meta:
        model = Question
        fields = ["id", "display", "section", "position", "code", "text", "help_text",
                  "question_type", "weight", "required", "options", "bands",
                  "evidence_required", "evidence_hint", "show_if_question", "show_if_values",
                  "created", "last_updated"]
        read_only_fields = ["position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and not self.read_only:
            for name in ("section", "show_if_question"):
                field = self.fields[name]
                field.queryset = field.queryset.restrict(request.user, "view")

    def validate_options(self, value):
        return [{"value": item["value"].strip(), "label": item.get("label", "").strip(),
                 "score": json_number(item["score"])} for item in value]

    def validate_bands(self, value):
        return [{**({"min": json_number(item["min"])} if item.get("min") is not None else {}),
                 **({"max": json_number(item["max"])} if item.get("max") is not None else {}),
                 "score": json_number(item["score"])} for item in value]


class SectionSerializer(TetherModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "display", "template", "position", "title", "description",
                  "risk_category", "created", "last_updated"]
        read_only_fields = ["position"]

    def validate_template(self, template):
        if self.instance is not None and template.pk != self.instance.template_id:
            raise serializers.ValidationError("A section stays in its questionnaire; add a "
                                              "new one to the other questionnaire instead.")
        return template

    def validate_risk_category(self, value):
        try:
            return fields.risk_category(value)
        except fields.FieldError as error:
            raise serializers.ValidationError(str(error)) from None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and not self.read_only:
            field = self.fields["template"]
            field.queryset = field.queryset.restrict(request.user, "view")


class TemplateSectionSerializer(SectionSerializer):
    """A section as its template shows it: with its questions, in order."""

    questions = QuestionSerializer(many=True, read_only=True)

    class Meta(SectionSerializer.Meta):
        fields = [*SectionSerializer.Meta.fields, "questions"]


class TemplateSerializer(TetherModelSerializer):
    sections = TemplateSectionSerializer(many=True, read_only=True)

    class Meta:
        model = QuestionnaireTemplate
        fields = ["id", "display", "name", "version", "status", "description", "sections",
                  "created", "last_updated"]
        read_only_fields = ["version", "status"]


class TemplateImportSerializer(serializers.Serializer):
    """A questionnaire file to import as a draft (a new version if the name exists)."""

    file = serializers.FileField(help_text="YAML, CSV or XLSX.")
    format = serializers.ChoiceField(choices=FORMATS, required=False,
                                     help_text="The file's format; by default from its name.")
    name = serializers.CharField(max_length=MAX_LENGTH["name"], required=False,
                                 allow_blank=True,
                                 help_text="Instead of the name the file gives.")
    publish = serializers.BooleanField(default=False, help_text="Publish it at once.")

    def validate_file(self, upload):
        if upload.size > MAX_BYTES:
            raise serializers.ValidationError(
                f"The file is {upload.size / 2**20:,.1f} MB; a questionnaire file may be up "
                f"to {MAX_BYTES / 2**20:,.0f} MB.")
        return upload


class ConditionDocumentSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The code of an earlier question.")
    values = serializers.ListField(child=serializers.CharField(),
                                   help_text="Its answers that show this question.")


class QuestionDocumentSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    help_text = serializers.CharField(required=False)
    type = serializers.CharField(help_text=f"One of {', '.join(QuestionType.values)}.")
    weight = serializers.FloatField(required=False)
    required = serializers.BooleanField(required=False, help_text="Left out when true.")
    options = OptionSerializer(many=True, required=False)
    bands = BandSerializer(many=True, required=False)
    evidence_required = serializers.BooleanField(required=False)
    evidence_hint = serializers.CharField(required=False)
    show_if = ConditionDocumentSerializer(required=False)


class SectionDocumentSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField(required=False)
    risk_category = serializers.CharField(required=False)
    questions = QuestionDocumentSerializer(many=True)


class TemplateDocumentSerializer(serializers.Serializer):
    """A questionnaire as a YAML file holds it (values at their default are left out)."""

    name = serializers.CharField()
    description = serializers.CharField(required=False)
    sections = SectionDocumentSerializer(many=True)


class ExportQuerySerializer(QueryParameters):
    format = serializers.ChoiceField(choices=FORMATS, default="yaml")


def _ordered_questions():
    return Question.objects.select_related("show_if_question").order_by("position", "id")


class WritesThroughServices(TetherModelViewSet):
    """Refusals of a delete (a published template, a question others depend on) are
    conflicts with stored data; other refusals are invalid input."""

    def perform_destroy(self, instance):
        try:
            super().perform_destroy(instance)
        except ValidationError as error:
            raise Conflict(" ".join(error.messages)) from None


class TemplateViewSet(WritesThroughServices):
    """Questionnaire templates with their sections and questions, in order. Only a draft is
    changed or deleted; a published one is copied into a new version to change it."""

    queryset = QuestionnaireTemplate.objects.all()
    serializer_class = TemplateSerializer
    filterset_class = TemplateFilterSet
    services = services.TEMPLATE

    def base_queryset(self):
        sections = Section.objects.order_by("position", "id").prefetch_related(
            Prefetch("questions", queryset=_ordered_questions()))
        return QuestionnaireTemplate.objects.prefetch_related(
            Prefetch("sections", queryset=sections))

    def _change(self, request, service, *, created=False):
        if not request.user.can("change", QuestionnaireTemplate):
            raise PermissionDenied
        template = self.get_object()
        result = service(template, actor=request.user, source="api")
        result = self.base_queryset().get(pk=result.pk)
        body = TemplateSerializer(result, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: TemplateSerializer},
                   description="Publish a draft so campaigns can send it. Refused, with every "
                   "problem listed, unless each question is sound and each condition refers "
                   "to an earlier question. Earlier published versions are retired.")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._change(request, services.template_publish)

    @extend_schema(request=None, responses={200: TemplateSerializer},
                   description="Stop a published template from being sent again.")
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        return self._change(request, services.template_retire)

    @extend_schema(request=None, responses={201: TemplateSerializer},
                   description="Copy a published or retired template into a new draft version.")
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        if not request.user.can("add", QuestionnaireTemplate):
            raise PermissionDenied
        return self._change(request, services.template_new_version, created=True)

    @extend_schema(
        parameters=[OpenApiParameter("format", enum=FORMATS, default="yaml",
                                     description="yaml, csv or xlsx.")],
        responses={
            (200, "application/yaml"): OpenApiResponse(
                TemplateDocumentSerializer, description="The questionnaire; any of the files "
                "imports back unchanged."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, CONTENT_TYPES["xlsx"]): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fmt = query.validated_data["format"]
        template = self.get_object()
        out = io.BytesIO()
        write_template(spec_of(template), fmt=fmt, out=out)
        response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = (f'attachment; filename="'
                                           f'{export_filename(template, fmt)}"')
        return response

    @extend_schema(
        request={"multipart/form-data": TemplateImportSerializer},
        responses={201: TemplateSerializer},
        description="Import a questionnaire file as a draft (or a new version of the "
        "questionnaire of that name). Every problem of the file is listed under `file`, each "
        "with its row or line and column; nothing is written unless the whole file is sound.",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_file(self, request):
        form = TemplateImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data["file"]
        try:
            spec = read_template(upload.file, filename=upload.name, fmt=data.get("format"),
                                 name=data.get("name", ""))
            outcome = services.template_import(actor=request.user, spec=spec,
                                               publish=data["publish"], source="api")
        except TemplateFileError as error:
            raise serializers.ValidationError({"file": error.messages}) from None
        except ValidationError as error:
            raise serializers.ValidationError({"file": list(error.messages)}) from None
        template = self.base_queryset().get(pk=outcome.template.pk)
        body = TemplateSerializer(template, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_content_negotiation(self, request, force=False):
        # `?format=` names the file an export writes, not DRF's renderer; errors are JSON.
        if getattr(self, "action", None) == "export":
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)


class SectionViewSet(WritesThroughServices):
    """Sections of questionnaire templates; added at the end of a draft."""

    queryset = Section.objects.all()
    serializer_class = SectionSerializer
    filterset_class = SectionFilterSet
    services = services.SECTION

    def base_queryset(self):
        return Section.objects.select_related("template")


class QuestionViewSet(WritesThroughServices):
    """Questions of questionnaire templates; added at the end of a draft's section. Options
    score yes/no and choice answers, bands score numbers, each from 0 to 1."""

    queryset = Question.objects.all()
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilterSet
    services = services.QUESTION

    def base_queryset(self):
        return Question.objects.select_related("section__template", "show_if_question")


router = DefaultRouter()
router.include_root_view = False
# Before "templates", so /templates/sections/ is never read as the template "sections".
router.register("templates/sections", SectionViewSet, basename="diligence-section")
router.register("templates/questions", QuestionViewSet, basename="diligence-question")
router.register("templates", TemplateViewSet, basename="diligence-template")

urlpatterns = router.urls
