"""The register of information's filing over the API: readiness (what to fix), exports built
as background jobs, and their packages.

The role check is the API's (`RolePermission` on RegisterExport, domain "reporting"): every
internal role reads; administrators, vendor managers and risk officers export. Downloading a
package (it holds the whole register) is recorded in the audit trail, as on the pages.
"""

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from tether.core.api.permissions import RolePermission
from tether.registry.models import Organisation
from tether.regulatory import filing, filtersets, roi
from tether.regulatory.models import ExportStatus, RegisterExport
from tether.regulatory.validation import ERROR

ISSUES_RETURNED = 500
SCOPE_HELP = ("auto: consolidated (CON) if several entities are in the register's scope, else "
              "this entity alone; con: consolidated; ind: this entity alone.")


class IssueSerializer(serializers.Serializer):
    severity = serializers.CharField()
    check = serializers.CharField(help_text="The check's number or name (docs/dora-validation.md).")
    template = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    url = serializers.CharField(help_text="The page of the object to correct, if any.")


class RegisterExportSerializer(serializers.ModelSerializer):
    package_url = serializers.SerializerMethodField(
        help_text="Where to download the zip; empty until the package is built.")

    class Meta:
        model = RegisterExport
        fields = ["id", "organisation", "reference_date", "consolidated", "status", "job",
                  "requested_by", "file_name", "rows", "errors", "warnings", "ready_to_file",
                  "message", "package_url", "created"]
        read_only_fields = fields

    def get_package_url(self, export) -> str:
        if export.status != ExportStatus.DONE:
            return ""
        url = f"/api/regulatory/exports/{export.pk}/package/"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class RegisterExportDetailSerializer(RegisterExportSerializer):
    issues = serializers.SerializerMethodField(
        help_text=f"What the validator found in the package, errors first (up to "
                  f"{filing.KEPT_FAILURES:,} are kept; `errors` and `warnings` count them all).")

    class Meta(RegisterExportSerializer.Meta):
        fields = [*RegisterExportSerializer.Meta.fields, "issues"]
        read_only_fields = fields

    @extend_schema_field(IssueSerializer(many=True))
    def get_issues(self, export) -> list[dict]:
        artefact = getattr(export, "artefact", None)
        return list(artefact.failures) if artefact else []


class RegisterRequestSerializer(serializers.Serializer):
    """Which register to file: its entity, reference date and scope."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(dora_profile__isnull=False),
        help_text="The entity maintaining the register: an organisation with a DORA profile.")
    reference_date = serializers.DateField()
    scope = serializers.ChoiceField(choices=list(filing.SCOPES), default="auto",
                                    help_text=SCOPE_HELP)

    def validate_organisation(self, organisation):
        error = filing.entity_error(organisation)
        if error:
            raise serializers.ValidationError(error)
        return organisation

    @property
    def consolidated(self) -> bool | None:
        return filing.SCOPES[self.validated_data["scope"]]


class RegisterExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = RegisterExport.objects.all()
    filterset_class = filtersets.RegisterExportFilterSet
    permission_classes = [RolePermission]

    def get_queryset(self):
        exports = RegisterExport.objects.restrict(self.request.user, "view")
        if self.action == "retrieve":  # its issues, not the zip
            exports = exports.select_related("artefact").defer("artefact__content")
        return exports.order_by("-created", "-id")

    def get_serializer_class(self):
        if self.action == "create":
            return RegisterRequestSerializer
        if self.action == "retrieve":
            return RegisterExportDetailSerializer
        return RegisterExportSerializer

    @extend_schema(request=RegisterRequestSerializer,
                   responses={202: RegisterExportSerializer})
    def create(self, request, *args, **kwargs):
        """Queue the build of a package; follow its `job`, then download `package_url`."""
        wanted = RegisterRequestSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        export = filing.export_request(
            actor=request.user, organisation=wanted.validated_data["organisation"],
            reference_date=wanted.validated_data["reference_date"],
            consolidated=wanted.consolidated, source="api")
        body = RegisterExportSerializer(export, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The EBA reporting package as built and validated.")})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer])
    def package(self, request, pk=None):
        export = self.get_object()
        if export.status != ExportStatus.DONE or not hasattr(export, "artefact"):
            raise Http404("This export has no package yet.")
        filing.record_download(export, actor=request.user, source="api")
        response = HttpResponse(bytes(export.artefact.content), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
        return response


class ReadinessSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    reference_date = serializers.DateField()
    consolidated = serializers.BooleanField()
    rows = serializers.DictField(child=serializers.IntegerField(),
                                 help_text="Rows per template as they would be filed.")
    errors = serializers.IntegerField()
    warnings = serializers.IntegerField()
    issues = IssueSerializer(many=True, help_text=f"The first {ISSUES_RETURNED}, errors first.")


class ReadinessView(APIView):
    """The register as it would be filed: rows per template and what to fix first."""

    permission_classes = [RolePermission]
    permission_model = RegisterExport

    @extend_schema(parameters=[
        OpenApiParameter("organisation", int, required=True,
                         description="The entity maintaining the register."),
        OpenApiParameter("reference_date", OpenApiTypes.DATE, required=True),
        OpenApiParameter("scope", str, enum=list(filing.SCOPES), description=SCOPE_HELP),
    ], responses={200: ReadinessSerializer})
    def get(self, request):
        wanted = RegisterRequestSerializer(data=request.query_params)
        wanted.is_valid(raise_exception=True)
        organisation = wanted.validated_data["organisation"]
        try:
            register, issues = filing.readiness(organisation.lei,
                                                wanted.validated_data["reference_date"],
                                                consolidated=wanted.consolidated)
        except roi.RegisterError as error:
            raise serializers.ValidationError({"organisation": [str(error)]}) from error
        errors = sum(issue.severity == ERROR for issue in issues)
        body = {"organisation": organisation.pk,
                "reference_date": wanted.validated_data["reference_date"],
                "consolidated": register.consolidated,
                "rows": {code: len(rows) for code, rows in register.rows.items()},
                "errors": errors, "warnings": len(issues) - errors,
                "issues": [vars(issue) for issue in issues[:ISSUES_RETURNED]]}
        return Response(ReadinessSerializer(body).data)
