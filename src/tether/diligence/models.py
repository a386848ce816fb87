"""Due diligence: questionnaire templates, the campaigns that send them, and the answers."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from tether.core.models import TetherModel
from tether.diligence.choices import (
    AnswerReview,
    CampaignStatus,
    QuestionType,
    ResponseStatus,
    TemplateStatus,
)


class QuestionnaireTemplate(TetherModel):
    """A questionnaire (SIG-style, CAIQ-style, the company's own) in one version.

    Only a draft is edited; a published template is what campaigns send, so it never changes
    under the answers given to it. A new version starts as a copy.
    """

    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=TemplateStatus.choices,
                              default=TemplateStatus.DRAFT)
    description = models.TextField(blank=True)

    permission_domain = "diligence"

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"],
                                    name="template_unique_name_version",
                                    violation_error_message="This template already has a "
                                    "version of that number."),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status == TemplateStatus.DRAFT


class Section(TetherModel):
    """A group of questions, optionally tied to the risk category its answers speak to."""

    template = models.ForeignKey(QuestionnaireTemplate, on_delete=models.CASCADE,
                                 related_name="sections")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    risk_category = models.CharField(
        max_length=40, blank=True,
        help_text="Code of the risk category the section's score informs (optional).",
    )

    permission_domain = "diligence"

    class Meta:
        ordering = ["template", "position", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.template.get_absolute_url()


class Question(TetherModel):
    """One question: its type, weight, how each answer scores, and when it is asked at all.

    `options` (yes/no and choice): [{"value": "yes", "label": "Yes", "score": 1.0}, …], score
    between 0 and 1. `bands` (number): [{"min": 0, "max": 10, "score": 0.5}, …], min included,
    max excluded, either may be missing. A question with `show_if_question` is asked only when
    that earlier question's answer is one of `show_if_values`.
    """

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=40, help_text="Unique in the template, e.g. FIN-3.")
    text = models.TextField()
    help_text = models.TextField(blank=True)
    question_type = models.CharField(max_length=16, choices=QuestionType.choices)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(1),
                                 validators=[MinValueValidator(Decimal(0))])
    required = models.BooleanField(default=True)
    options = models.JSONField(default=list, blank=True)
    bands = models.JSONField(default=list, blank=True)
    evidence_required = models.BooleanField(default=False)
    evidence_hint = models.CharField(max_length=250, blank=True)
    show_if_question = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="dependants",
    )
    show_if_values = models.JSONField(default=list, blank=True)

    permission_domain = "diligence"

    class Meta:
        ordering = ["section__position", "position", "id"]
        constraints = [
            models.CheckConstraint(name="question_weight_not_negative",
                                   condition=Q(weight__gte=0),
                                   violation_error_message="A weight cannot be negative."),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"

    def get_absolute_url(self):
        return self.section.template.get_absolute_url()

    def clean(self):
        from tether.diligence.scoring import question_definition_errors

        errors = question_definition_errors(self)
        if errors:
            raise ValidationError(errors)


class Campaign(TetherModel):
    """A questionnaire sent to one or many providers' contacts, to answer by a due date."""

    name = models.CharField(max_length=200)
    template = models.ForeignKey(QuestionnaireTemplate, on_delete=models.PROTECT,
                                 related_name="campaigns",
                                 limit_choices_to={"status": TemplateStatus.PUBLISHED})
    due_date = models.DateField()
    message = models.TextField(blank=True, help_text="Shown to the providers' contacts.")
    remind_days_before = models.PositiveSmallIntegerField(
        default=7, help_text="Days before the due date to remind contacts who have not submitted."
    )
    status = models.CharField(max_length=16, choices=CampaignStatus.choices,
                              default=CampaignStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    permission_domain = "diligence"

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.name


class QuestionnaireResponse(TetherModel):
    """One provider's answers to one campaign, and their review and score."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    provider = models.ForeignKey("registry.Provider", on_delete=models.PROTECT,
                                 related_name="questionnaire_responses")
    status = models.CharField(max_length=16, choices=ResponseStatus.choices,
                              default=ResponseStatus.NOT_STARTED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    review_note = models.TextField(blank=True, help_text="Shown to the provider when returned.")
    points = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        help_text="Points earned as a percentage of the points the asked questions can earn.",
    )
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    permission_domain = "diligence"
    provider_scope = "provider"

    class Meta:
        ordering = ["campaign", "provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "provider"],
                                    name="response_one_per_provider_and_campaign",
                                    violation_error_message="This provider is already in the "
                                    "campaign."),
        ]
        indexes = [models.Index(fields=["provider", "status"], name="response_provider_idx")]

    def __str__(self):
        return f"{self.campaign}: {self.provider}"


class Answer(TetherModel):
    """A provider's answer to one question, and our review of it.

    `value` holds the answer as JSON: "yes"/"no", an option's value, a number, text, or an
    ISO date. Evidence files are documents attached to the answer.
    """

    response = models.ForeignKey(QuestionnaireResponse, on_delete=models.CASCADE,
                                 related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)
    review = models.CharField(max_length=16, choices=AnswerReview.choices,
                              default=AnswerReview.PENDING)
    review_comment = models.TextField(blank=True)
    points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    permission_domain = "diligence"
    provider_scope = "response__provider"

    class Meta:
        ordering = ["response", "question__section__position", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"],
                                    name="answer_one_per_question",
                                    violation_error_message="This question is already answered."),
        ]

    def __str__(self):
        return f"{self.question.code}: {self.value!r}"

    def get_absolute_url(self):
        return self.response.get_absolute_url()

    @property
    def provider(self):
        """The provider answering: evidence attached to the answer is that provider's document
        (documents.services.attachment_links reads it)."""
        return self.response.provider
