"""Campaigns and responses over the API: ours under campaigns/ and responses/, the provider
contacts' own under portal/responses/ (their provider's responses only; any other is 404)."""


from django.core.exceptions import ValidationError
from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from tether.core.api.permissions import RolePermission
from tether.core.api.serializers import StrictSerializer, TetherModelSerializer
from tether.diligence import campaign_services as services
from tether.diligence.campaign_filtersets import CampaignFilterSet, ResponseFilterSet
from tether.diligence.campaign_selectors import answer_sheet, portal_responses
from tether.diligence.choices import AnswerReview, QuestionType, ResponseStatus
from tether.diligence.models import Answer, Campaign, QuestionnaireResponse, QuestionnaireTemplate
from tether.documents.forms import read_upload
from tether.documents.models import Document
from tether.documents.sharing import shared_documents

MAX_IDS = 10_000
ID = {"min_value": 1, "max_value": 2**63 - 1}


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _invalid(error: ValidationError, field: str | None = None) -> serializers.ValidationError:
    """A service's ValidationError as the API's 400."""
    if hasattr(error, "error_dict"):
        detail = error.message_dict
        return serializers.ValidationError({field: detail} if field else detail)
    return serializers.ValidationError({field or "non_field_errors": error.messages})


# --- serializers ---------------------------------------------------------------------------------

class CampaignSerializer(TetherModelSerializer):
    response_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "display", "name", "template", "due_date", "message",
                  "remind_days_before", "status", "created_by", "response_count", "created",
                  "last_updated"]
        read_only_fields = fields


class CampaignCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    template = serializers.PrimaryKeyRelatedField(queryset=QuestionnaireTemplate.objects.all())
    due_date = serializers.DateField()
    message = serializers.CharField(max_length=services.COMMENT_MAX, required=False,
                                    allow_blank=True, default="")
    remind_days_before = serializers.IntegerField(min_value=0, max_value=366, default=7)
    providers = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1,
                                      max_length=MAX_IDS,
                                      help_text="Ids of the providers to send it to.")


class CampaignProvidersSerializer(StrictSerializer):
    providers = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1,
                                      max_length=MAX_IDS)


class QuestionnaireResponseSerializer(TetherModelSerializer):
    class Meta:
        model = QuestionnaireResponse
        fields = ["id", "display", "campaign", "provider", "status", "submitted_at",
                  "submitted_by", "reviewed_at", "reviewed_by", "review_note", "points",
                  "max_points", "score", "reminded_on", "created", "last_updated"]
        read_only_fields = fields


class ProvidersAddedSerializer(serializers.Serializer):
    responses = QuestionnaireResponseSerializer(many=True, help_text="The new responses.")


class AnswerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="question.code", read_only=True)
    value = serializers.JSONField(read_only=True, allow_null=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = ["id", "question", "code", "value", "comment", "review", "review_comment",
                  "points", "max_points", "evidence"]
        read_only_fields = fields

    def get_evidence(self, answer) -> list[int]:
        """Ids of the documents attached to the answer."""
        return self.context.get("evidence", {}).get(answer.pk, [])


class CostlyAnswerSerializer(serializers.Serializer):
    code = serializers.CharField()
    reason = serializers.CharField()
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    max_points = serializers.DecimalField(max_digits=8, decimal_places=2)
    lost = serializers.DecimalField(max_digits=8, decimal_places=2)


class QuestionnaireResponseDetailSerializer(QuestionnaireResponseSerializer):
    """A response with its asked answers and the answers that cost points, most costly first."""

    answers = serializers.SerializerMethodField()
    costly = serializers.SerializerMethodField()
    current_score = serializers.SerializerMethodField(
        help_text="The score of the answers as they stand (the stored score is set on submit "
                  "and on acceptance).")

    class Meta(QuestionnaireResponseSerializer.Meta):
        fields = [*QuestionnaireResponseSerializer.Meta.fields, "current_score", "answers",
                  "costly"]
        read_only_fields = fields

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, response):
        sheet = self.context["sheet"]
        answers = [item.answer for item in sheet.items if item.answer is not None]
        evidence = {item.answer.pk: [d.pk for d in item.evidence] for item in sheet.items
                    if item.answer is not None}
        return AnswerSerializer(answers, many=True, context={"evidence": evidence}).data

    @extend_schema_field(CostlyAnswerSerializer(many=True))
    def get_costly(self, response):
        costly = self.context["sheet"].score.costly
        return CostlyAnswerSerializer(
            [{"code": q.code, "reason": q.reason, "points": q.points,
              "max_points": q.max_points, "lost": q.lost} for q in costly], many=True).data

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2,
                                                  allow_null=True))
    def get_current_score(self, response):
        percent = self.context["sheet"].score.percent
        return None if percent is None else str(percent)


class AnswerReviewInputSerializer(StrictSerializer):
    answer = serializers.IntegerField(**ID)
    decision = serializers.ChoiceField(choices=[AnswerReview.ACCEPTED, AnswerReview.CHALLENGED])
    comment = serializers.CharField(max_length=services.COMMENT_MAX, required=False,
                                    allow_blank=True, default="")


class ResponseReturnInputSerializer(StrictSerializer):
    note = serializers.CharField(max_length=services.COMMENT_MAX, required=False,
                                 allow_blank=True, default="")


# --- the portal's serializers --------------------------------------------------------------------

class PortalQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    section = serializers.CharField()
    text = serializers.CharField()
    help_text = serializers.CharField()
    question_type = serializers.ChoiceField(choices=QuestionType.choices)
    required = serializers.BooleanField()
    evidence_required = serializers.BooleanField()
    options = serializers.ListField(child=serializers.DictField(),
                                    help_text="The choices: value and label.")
    value = serializers.JSONField(allow_null=True)
    comment = serializers.CharField()
    review_comment = serializers.CharField(help_text="Our comment, once returned to you.")
    evidence = serializers.ListField(child=serializers.CharField(),
                                     help_text="Titles of the files attached.")


class PortalResponseSerializer(serializers.ModelSerializer):
    """One of the provider's questionnaires; `questions` lists those asked, given the answers."""

    campaign = serializers.CharField(source="campaign.name", read_only=True)
    due_date = serializers.DateField(source="campaign.due_date", read_only=True)
    message = serializers.CharField(source="campaign.message", read_only=True)
    score = serializers.SerializerMethodField()
    review_note = serializers.SerializerMethodField()

    class Meta:
        model = QuestionnaireResponse
        fields = ["id", "campaign", "due_date", "message", "status", "submitted_at",
                  "review_note", "score"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2,
                                                  allow_null=True))
    def get_score(self, response):
        """The score, once we have accepted the answers."""
        if response.status != ResponseStatus.ACCEPTED or response.score is None:
            return None
        return str(response.score)

    def get_review_note(self, response) -> str:
        return response.review_note if response.status == ResponseStatus.RETURNED else ""


class PortalResponseDetailSerializer(PortalResponseSerializer):
    questions = serializers.SerializerMethodField()

    class Meta(PortalResponseSerializer.Meta):
        fields = [*PortalResponseSerializer.Meta.fields, "questions"]
        read_only_fields = fields

    @extend_schema_field(PortalQuestionSerializer(many=True))
    def get_questions(self, response):
        returned = response.status == ResponseStatus.RETURNED
        return [{
            "id": item.question.pk, "code": item.question.code,
            "section": item.question.section.title, "text": item.question.text,
            "help_text": item.question.help_text, "question_type": item.question.question_type,
            "required": item.question.required,
            "evidence_required": item.question.evidence_required,
            "options": [{"value": o.get("value"), "label": o.get("label") or o.get("value")}
                        for o in item.options],
            "value": item.value, "comment": item.comment,
            "review_comment": item.answer.review_comment if returned and item.answer else "",
            "evidence": [document.title for document in item.evidence],
        } for item in self.context["sheet"].items]


class PortalAnswerInputSerializer(StrictSerializer):
    question = serializers.IntegerField(**ID)
    value = serializers.JSONField(
        required=False, allow_null=True,
        help_text="yes/no and choice: an option's value; number: a number; date: YYYY-MM-DD; "
                  "text: text. null clears the answer.")
    comment = serializers.CharField(max_length=services.COMMENT_MAX, required=False,
                                    allow_blank=True, trim_whitespace=False)


class PortalAnswersSaveSerializer(StrictSerializer):
    answers = serializers.ListField(child=PortalAnswerInputSerializer(), min_length=1,
                                    max_length=MAX_IDS)


class PortalEvidenceUploadSerializer(serializers.Serializer):
    question = serializers.IntegerField(**ID)
    file = serializers.FileField()
    title = serializers.CharField(max_length=250, required=False, allow_blank=True)


# --- views -------------------------------------------------------------------------------------

class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Questionnaire campaigns; created here, sent to the providers' contacts by e-mail."""

    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    permission_classes = [RolePermission]
    parser_classes = [JSONParser]
    ordering = ["pk"]

    def get_queryset(self):
        return (Campaign.objects.restrict(self.request.user, "view")
                .annotate(response_count=Count("responses")))

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer})
    def create(self, request):
        data = self._valid(CampaignCreateSerializer)
        try:
            campaign = services.campaign_create(
                actor=request.user, name=data["name"], template=data["template"],
                due_date=data["due_date"], message=data["message"],
                remind_days_before=data["remind_days_before"], provider_ids=data["providers"],
                source="api", base_url=_base_url(request))
        except ValidationError as error:
            raise _invalid(error) from None
        return Response(CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=CampaignProvidersSerializer,
                   responses={200: ProvidersAddedSerializer})
    @action(detail=True, methods=["post"], url_path="add-providers")
    def add_providers(self, request, pk=None):
        """Send the campaign to more providers; returns the new responses."""
        campaign = self.get_object()
        data = self._valid(CampaignProvidersSerializer)
        try:
            added = services.campaign_add_providers(
                campaign, actor=request.user, provider_ids=data["providers"], source="api",
                base_url=_base_url(request))
        except ValidationError as error:
            raise _invalid(error) from None
        return Response(ProvidersAddedSerializer({"responses": added}).data)

    @extend_schema(request=None, responses={200: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the campaign: providers can no longer change their answers."""
        campaign = self.get_object()
        try:
            services.campaign_close(campaign, actor=request.user, source="api")
        except ValidationError as error:
            raise _invalid(error) from None
        return Response(CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data)

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Providers' responses: their answers, score and the answers that cost points; review."""

    queryset = QuestionnaireResponse.objects.all()
    serializer_class = QuestionnaireResponseSerializer
    filterset_class = ResponseFilterSet
    permission_classes = [RolePermission]
    parser_classes = [JSONParser]
    ordering = ["pk"]

    def get_queryset(self):
        return (QuestionnaireResponse.objects.restrict(self.request.user, "view")
                .select_related("campaign", "provider"))

    def with_answers(self, response) -> Response:
        """The response with its answers, as the detail serializer shows it."""
        sheet = answer_sheet(response, documents=Document.objects.restrict(self.request.user))
        return Response(QuestionnaireResponseDetailSerializer(
            response, context={"sheet": sheet}).data)

    @extend_schema(responses={200: QuestionnaireResponseDetailSerializer})
    def retrieve(self, request, pk=None):
        return self.with_answers(self.get_object())

    @extend_schema(request=AnswerReviewInputSerializer,
                   responses={200: QuestionnaireResponseDetailSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Accept or challenge one answer (a challenge needs a comment)."""
        response = self.get_object()
        serializer = AnswerReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        answer = Answer.objects.filter(response=response, pk=data["answer"]).select_related(
            "response", "question").first()
        if answer is None:
            raise serializers.ValidationError({"answer": ["No such answer in this response."]})
        try:
            services.answer_review(answer, actor=request.user, decision=data["decision"],
                                   comment=data["comment"], source="api")
        except ValidationError as error:
            raise _invalid(error) from None
        return self.with_answers(self.get_queryset().get(pk=response.pk))

    @extend_schema(request=ResponseReturnInputSerializer,
                   responses={200: QuestionnaireResponseDetailSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_provider(self, request, pk=None):
        """Return a submitted response to the provider, with its challenged answers."""
        response = self.get_object()
        serializer = ResponseReturnInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.response_return(response, actor=request.user,
                                     note=serializer.validated_data["note"], source="api",
                                     base_url=_base_url(request))
        except ValidationError as error:
            raise _invalid(error) from None
        return self.with_answers(self.get_queryset().get(pk=response.pk))

    @extend_schema(request=None, responses={200: QuestionnaireResponseDetailSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept a submitted response: its score is final and the provider is rescored."""
        response = self.get_object()
        try:
            services.response_accept(response, actor=request.user, source="api")
        except ValidationError as error:
            raise _invalid(error) from None
        return self.with_answers(self.get_queryset().get(pk=response.pk))


class IsProviderContact(BasePermission):
    """The provider's own contacts; internal users use the portal's preview, not this API."""

    message = "Only a provider's contacts answer its questionnaires."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active
                    and not user.is_internal and user.provider_id)


class PortalResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    """A provider contact's questionnaires: read them, save answers, attach files, submit."""

    queryset = QuestionnaireResponse.objects.all()
    serializer_class = PortalResponseSerializer
    permission_classes = [IsProviderContact]
    parser_classes = [JSONParser]
    filterset_class = None
    ordering = ["pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, drawn without a user
            return QuestionnaireResponse.objects.none()
        return portal_responses(self.request.user.provider).order_by("pk")

    def with_answers(self, response) -> Response:
        """The response with its answers, as the detail serializer shows it."""
        sheet = answer_sheet(response, documents=shared_documents(response.provider_id))
        return Response(PortalResponseDetailSerializer(response, context={"sheet": sheet}).data)

    @extend_schema(responses={200: PortalResponseDetailSerializer})
    def retrieve(self, request, pk=None):
        return self.with_answers(self.get_object())

    @extend_schema(request=PortalAnswersSaveSerializer,
                   responses={200: PortalResponseDetailSerializer})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Save draft answers; all or nothing, errors by question id."""
        response = self.get_object()
        serializer = PortalAnswersSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values, comments = {}, {}
        for entry in serializer.validated_data["answers"]:
            if "value" in entry:
                values[entry["question"]] = entry["value"]
            if "comment" in entry:
                comments[entry["question"]] = entry["comment"]
        try:
            response = services.answers_save(response, actor=request.user, values=values,
                                              comments=comments, source="api")
        except ValidationError as error:
            raise _invalid(error, "answers") from None
        return self.with_answers(self.get_queryset().get(pk=response.pk))

    @extend_schema(request={"multipart/form-data": PortalEvidenceUploadSerializer},
                   responses={200: PortalResponseDetailSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, pk=None):
        """Attach a file to the answer of one question."""
        response = self.get_object()
        serializer = PortalEvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.answer_evidence_upload(
                response, actor=request.user, question_id=data["question"],
                upload_name=data["file"].name, data=read_upload(data["file"]),
                title=data.get("title", ""), source="api")
        except ValidationError as error:
            raise _invalid(error, None if hasattr(error, "error_dict") else "file") from None
        return self.with_answers(self.get_queryset().get(pk=response.pk))

    @extend_schema(request=None, responses={200: PortalResponseDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the answers for review; 400 lists what is still missing."""
        response = self.get_object()
        try:
            services.response_submit(response, actor=request.user, source="api",
                                     base_url=_base_url(request))
        except ValidationError as error:
            raise _invalid(error) from None
        return self.with_answers(self.get_queryset().get(pk=response.pk))


router = DefaultRouter()
router.include_root_view = False
router.register("campaigns", CampaignViewSet)
router.register("responses", ResponseViewSet)
router.register("portal/responses", PortalResponseViewSet, basename="portal-response")

urlpatterns = router.urls
