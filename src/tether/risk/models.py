"""Risk: the methodology, location ratings, intake and tiering, the register, and scores."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_countries.fields import CountryField

from tether.core.models import TetherModel
from tether.core.querysets import RestrictedManager
from tether.registry.choices import Substitutability
from tether.risk.choices import (
    BusinessCriticality,
    ControlStatus,
    ControlType,
    DataSensitivity,
    RiskStatus,
    ScoreTrigger,
    SystemAccess,
    Treatment,
)


class RiskCategory(TetherModel):
    """A kind of risk the company tracks (the seeds': loss of control, data security, …)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    permission_domain = "methodology"

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "risk categories"

    def __str__(self):
        return self.name


class Methodology(TetherModel):
    """One version of how risk is rated: scales, matrix, appetite, weights, tiers.

    Versions are never edited: a change is a new version, which becomes current and rescores
    everything in a background job, while the older versions stay for the score history.
    `config` is validated by `risk.methodology.MethodologyConfig`.
    """

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200, default="Tether methodology")
    config = models.JSONField()
    is_current = models.BooleanField(default=False)
    change_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    permission_domain = "methodology"

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "methodologies"
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True),
                                    name="methodology_one_current",
                                    violation_error_message="Only one methodology is current."),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class CountryRisk(TetherModel):
    """Political, economic and legal risk of a country, 1 (low) to 5 (high), as the user rates it.

    Imported from the user's own source (no data is fetched at run time) and edited here.
    """

    country = CountryField(unique=True)
    political = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    economic = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    legal = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    source = models.CharField(max_length=200, blank=True)
    as_of = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    permission_domain = "risk"

    class Meta:
        ordering = ["country"]
        verbose_name = "country risk rating"
        constraints = [
            models.CheckConstraint(
                name="country_risk_ratings_1_to_5",
                condition=Q(political__gte=1, political__lte=5, economic__gte=1, economic__lte=5,
                            legal__gte=1, legal__lte=5),
                violation_error_message="Ratings run from 1 (low) to 5 (high).",
            ),
        ]

    def __str__(self):
        return f"{self.country.name}"

    @property
    def average(self) -> float:
        return (self.political + self.economic + self.legal) / 3


class ArrangementIntake(TetherModel):
    """The inherent-risk intake of an arrangement; it sets the tier, due-diligence depth and
    review cadence. Spend, substitutability and country come from the arrangement and its
    provider unless overridden here."""

    arrangement = models.OneToOneField("registry.Arrangement", on_delete=models.CASCADE,
                                       related_name="intake")
    criticality = models.PositiveSmallIntegerField(choices=BusinessCriticality.choices)
    data_sensitivity = models.PositiveSmallIntegerField(choices=DataSensitivity.choices)
    system_access = models.PositiveSmallIntegerField(choices=SystemAccess.choices)
    annual_spend = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True,
        help_text="Leave empty to use the arrangement's annual cost.")
    substitutability = models.CharField(
        max_length=20, choices=Substitutability.choices, blank=True,
        help_text="Leave empty to use the arrangement's.")
    country = CountryField(blank=True, help_text="Leave empty to use the provider's countries.")
    notes = models.TextField(blank=True)

    # Derived by the risk engine under the current methodology.
    inherent_score = models.DecimalField(max_digits=5, decimal_places=2, null=True,
                                         editable=False)
    tier = models.PositiveSmallIntegerField(null=True, editable=False)
    explanation = models.JSONField(null=True, editable=False)

    permission_domain = "risk"

    class Meta:
        ordering = ["arrangement__reference"]

    def __str__(self):
        return f"Intake of {self.arrangement}"

    def get_absolute_url(self):
        return reverse("risk:arrangementintake_detail", args=[self.pk])


class Risk(TetherModel):
    """A risk in the register, on a provider, an arrangement or a value-chain activity.

    Ratings come from the methodology's matrix: inherent from the likelihood and impact before
    controls, residual after the implemented controls' effect (or as the owner assessed it).
    """

    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    category = models.ForeignKey(RiskCategory, on_delete=models.PROTECT, related_name="risks")
    provider = models.ForeignKey("registry.Provider", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="risks")
    arrangement = models.ForeignKey("registry.Arrangement", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="risks")
    activity = models.ForeignKey("registry.Activity", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="risks")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_risks",
                              limit_choices_to={"provider__isnull": True})
    status = models.CharField(max_length=16, choices=RiskStatus.choices,
                              default=RiskStatus.OPEN)
    treatment = models.CharField(max_length=16, choices=Treatment.choices,
                                 default=Treatment.MITIGATE)
    treatment_notes = models.TextField(blank=True)
    inherent_likelihood = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    inherent_impact = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    residual_likelihood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Leave empty to derive it from the implemented controls.")
    residual_impact = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Leave empty to derive it from the implemented controls.")
    review_date = models.DateField(null=True, blank=True)

    # Derived by the risk engine under the current methodology.
    effective_likelihood = models.PositiveSmallIntegerField(null=True, editable=False)
    effective_impact = models.PositiveSmallIntegerField(null=True, editable=False)
    inherent_rating = models.CharField(max_length=40, blank=True, editable=False)
    residual_rating = models.CharField(max_length=40, blank=True, editable=False)
    above_appetite = models.BooleanField(default=False, editable=False)

    permission_domain = "risk"

    class Meta:
        ordering = ["-above_appetite", "title"]
        constraints = [
            models.CheckConstraint(
                name="risk_on_exactly_one_subject",
                condition=(
                    Q(provider__isnull=False, arrangement__isnull=True, activity__isnull=True)
                    | Q(provider__isnull=True, arrangement__isnull=False, activity__isnull=True)
                    | Q(provider__isnull=True, arrangement__isnull=True, activity__isnull=False)
                ),
                violation_error_message="A risk concerns one provider, one arrangement or one "
                "value-chain activity.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "residual_rating"], name="risk_status_rating_idx"),
            models.Index(fields=["inherent_likelihood", "inherent_impact"],
                         name="risk_inherent_cell_idx"),
            models.Index(fields=["effective_likelihood", "effective_impact"],
                         name="risk_residual_cell_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def subject(self):
        return self.provider or self.arrangement or self.activity

    def clean(self):
        subjects = [s for s in (self.provider_id, self.arrangement_id, self.activity_id) if s]
        if len(subjects) != 1:
            raise ValidationError("Choose exactly one of provider, arrangement or activity.")


class Control(TetherModel):
    """A control or mitigation on a risk, and how much it lowers likelihood and impact."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="controls")
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    control_type = models.CharField(max_length=16, choices=ControlType.choices,
                                    default=ControlType.PREVENTIVE)
    status = models.CharField(max_length=16, choices=ControlStatus.choices,
                              default=ControlStatus.PLANNED)
    likelihood_reduction = models.PositiveSmallIntegerField(
        default=0, help_text="Levels of likelihood this control removes once implemented.")
    impact_reduction = models.PositiveSmallIntegerField(
        default=0, help_text="Levels of impact this control removes once implemented.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              limit_choices_to={"provider__isnull": True})

    permission_domain = "risk"

    class Meta:
        ordering = ["risk", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.risk.get_absolute_url()


class ProviderScore(models.Model):
    """A provider's current inherent and residual risk score (0–100), tier and explanation."""

    provider = models.OneToOneField("registry.Provider", on_delete=models.CASCADE,
                                    related_name="risk_score")
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="+")
    inherent_score = models.DecimalField(max_digits=5, decimal_places=2)
    residual_score = models.DecimalField(max_digits=5, decimal_places=2)
    inherent_rating = models.CharField(max_length=40)
    residual_rating = models.CharField(max_length=40)
    above_appetite = models.BooleanField(default=False)
    tier = models.PositiveSmallIntegerField(null=True)
    explanation = models.JSONField()
    computed_at = models.DateTimeField()

    objects = RestrictedManager()
    permission_domain = "risk"
    provider_scope = None

    class Meta:
        ordering = ["-residual_score"]
        indexes = [
            models.Index(fields=["tier", "residual_score"], name="score_tier_idx"),
            models.Index(fields=["above_appetite", "residual_score"], name="score_appetite_idx"),
        ]

    def __str__(self):
        return f"{self.provider_id}: {self.residual_score}"


class ProviderScoreHistory(models.Model):
    """A provider's score as it was after one rescoring: the trend, and what changed it."""

    provider = models.ForeignKey("registry.Provider", on_delete=models.CASCADE,
                                 related_name="risk_score_history")
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="+")
    inherent_score = models.DecimalField(max_digits=5, decimal_places=2)
    residual_score = models.DecimalField(max_digits=5, decimal_places=2)
    residual_rating = models.CharField(max_length=40)
    tier = models.PositiveSmallIntegerField(null=True)
    trigger = models.CharField(max_length=16, choices=ScoreTrigger.choices)
    computed_at = models.DateTimeField()

    objects = RestrictedManager()
    permission_domain = "risk"
    provider_scope = None

    class Meta:
        ordering = ["provider", "-computed_at", "-id"]
        indexes = [models.Index(fields=["provider", "computed_at"], name="score_history_idx")]

    def __str__(self):
        return f"{self.provider_id} @ {self.computed_at:%Y-%m-%d}: {self.residual_score}"
