"""Keep or outsource: a decision case per value-chain activity, its options with their cost
ranges, the simulation's result, the decision taken, and the actual costs that followed."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from tether.core.models import TetherModel
from tether.decisions.choices import CaseStatus, OptionKind
from tether.registry.validators import validate_currency

MAX_HORIZON_YEARS = 15
MAX_DISCOUNT_RATE = Decimal("0.5")
# Each cost component of an option: (field prefix, label). Transition is paid once in year 0,
# fee and overhead every year, exit once at the end of the horizon.
COMPONENTS = (
    ("transition", "One-off transition cost"),
    ("fee", "Recurring annual fee"),
    ("overhead", "Annual management & monitoring overhead"),
    ("exit", "Exit cost at the end of the horizon"),
)


def _amount(label: str, help_text: str = ""):
    return models.DecimalField(label, max_digits=16, decimal_places=2, default=Decimal("0"),
                               validators=[MinValueValidator(Decimal("0"))],
                               help_text=help_text)


class DecisionCase(TetherModel):
    """A keep-or-outsource decision about one value-chain activity: the options compared over a
    horizon, the simulation of their costs, and the decision with its reasons.

    Once decided, its assumptions (horizon, discount rate, options) are kept as they were: a
    later review compares them with the actual costs; revisiting means a new case.
    """

    activity = models.ForeignKey("registry.Activity", on_delete=models.PROTECT,
                                 related_name="decision_cases")
    title = models.CharField(max_length=250)
    horizon_years = models.PositiveSmallIntegerField(
        "horizon (years)", default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_YEARS)],
        help_text="Years compared, 1 to 15.")
    currency = models.CharField(max_length=3, default="EUR", validators=[validate_currency])
    discount_rate = models.DecimalField(
        max_digits=5, decimal_places=4, default=Decimal("0.06"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_DISCOUNT_RATE)],
        help_text="Annual rate for the net present value, as a fraction: 0.06 is 6 %.")
    risk_cost_share = models.DecimalField(
        "share of the fee at risk", max_digits=5, decimal_places=4, default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Risk-adjusted cost of a provider: residual score / 100 × this share × the "
                  "annual fee, every year. 0.20 with a score of 50 adds 10 % to the fee.")
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=CaseStatus.choices,
                              default=CaseStatus.DRAFT, editable=False)
    recommendation = models.TextField(blank=True, editable=False)
    reasons = models.TextField(blank=True, editable=False)
    chosen_option = models.ForeignKey("DecisionOption", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      editable=False)
    decided_on = models.DateField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    simulation = models.JSONField(null=True, blank=True, editable=False)
    simulated_at = models.DateTimeField(null=True, blank=True, editable=False)
    simulation_runs = models.PositiveIntegerField(null=True, blank=True, editable=False)
    simulation_seed = models.BigIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    permission_domain = "decisions"

    class Meta:
        ordering = ["-created", "title"]
        verbose_name = "decision case"
        constraints = [
            models.CheckConstraint(
                name="decision_case_horizon_1_to_15",
                condition=Q(horizon_years__gte=1, horizon_years__lte=MAX_HORIZON_YEARS),
                violation_error_message="The horizon runs from 1 to 15 years."),
            models.CheckConstraint(
                name="decision_case_discount_rate_0_to_half",
                condition=Q(discount_rate__gte=0, discount_rate__lte=MAX_DISCOUNT_RATE),
                violation_error_message="The discount rate runs from 0 to 0.5 (50 %)."),
            models.CheckConstraint(
                name="decision_case_risk_share_0_to_1",
                condition=Q(risk_cost_share__gte=0, risk_cost_share__lte=1),
                violation_error_message="The share of the fee at risk runs from 0 to 1."),
        ]
        indexes = [models.Index(fields=["status", "activity"], name="decision_case_status_idx")]

    def __str__(self):
        return self.title

    @property
    def is_decided(self) -> bool:
        return self.status != CaseStatus.DRAFT


def _triple_constraints(prefix: str, label: str) -> list:
    low, mode, high = (f"{prefix}_low", f"{prefix}_mode", f"{prefix}_high")
    return [models.CheckConstraint(
        name=f"decision_option_{prefix}_ordered",
        condition=Q(**{f"{low}__lte": F(mode)}) & Q(**{f"{mode}__lte": F(high)})
        & Q(**{f"{low}__gte": 0}),
        violation_error_message=f"{label}: low ≤ most likely ≤ high, and not negative.")]


class DecisionOption(TetherModel):
    """One way to run the activity — keep it in-house, or a provider's (or the market's) offer —
    with each cost as a low / most likely / high range (a triangular distribution)."""

    case = models.ForeignKey(DecisionCase, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=OptionKind.choices)
    provider = models.ForeignKey(
        "registry.Provider", null=True, blank=True, on_delete=models.PROTECT,
        related_name="decision_options",
        help_text="The provider making the offer, if it is in the register: its residual risk "
                  "score then sets the risk-adjusted cost.")
    transition_low = _amount("transition, low")
    transition_mode = _amount("transition, most likely")
    transition_high = _amount("transition, high")
    fee_low = _amount("annual fee, low")
    fee_mode = _amount("annual fee, most likely")
    fee_high = _amount("annual fee, high")
    overhead_low = _amount("annual overhead, low")
    overhead_mode = _amount("annual overhead, most likely")
    overhead_high = _amount("annual overhead, high")
    exit_low = _amount("exit cost, low")
    exit_mode = _amount("exit cost, most likely")
    exit_high = _amount("exit cost, high")
    escalation_percent = models.DecimalField(
        "annual escalation (%)", max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-50")), MaxValueValidator(Decimal("100"))],
        help_text="Yearly growth of the fee and the overhead, e.g. 2.5 for 2.5 % a year.")
    risk_cost_manual = models.DecimalField(
        "expected annual risk cost", max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="For an option without a scored provider (in-house, a market offer): the "
                  "expected yearly cost of its risks. A scored provider's is derived instead.")
    notes = models.TextField(blank=True)

    permission_domain = "decisions"

    class Meta:
        ordering = ["case", "kind", "name"]
        verbose_name = "decision option"
        constraints = [
            *(constraint for prefix, label in COMPONENTS
              for constraint in _triple_constraints(prefix, label)),
            models.UniqueConstraint(fields=["case", "name"], name="decision_option_unique_name",
                                    violation_error_message="This case already has an "
                                                            "option of that name."),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("decisions:decisioncase_detail", args=[self.case_id])

    def triple(self, prefix: str) -> tuple[Decimal, Decimal, Decimal]:
        return (getattr(self, f"{prefix}_low"), getattr(self, f"{prefix}_mode"),
                getattr(self, f"{prefix}_high"))

    def clean(self):
        errors = {}
        for prefix, label in COMPONENTS:
            low, mode, high = self.triple(prefix)
            if None in (low, mode, high):
                continue
            if low > high:
                errors[f"{prefix}_high"] = (f"{label}: the high value ({high}) is below the low "
                                            f"value ({low}).")
            elif not low <= mode <= high:
                errors[f"{prefix}_mode"] = (f"{label}: the most likely value ({mode}) must lie "
                                            f"between the low ({low}) and the high ({high}).")
        if errors:
            raise ValidationError(errors)


class DecisionActual(TetherModel):
    """What one year after a decision actually cost, and how the service level went: the
    "savings planned vs achieved" review."""

    case = models.ForeignKey(DecisionCase, on_delete=models.CASCADE, related_name="actuals")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_YEARS)],
        help_text="Year of the horizon, 1 being the first year after the decision.")
    actual_cost = models.DecimalField(max_digits=16, decimal_places=2,
                                      validators=[MinValueValidator(Decimal("0"))])
    sla_attainment = models.DecimalField(
        "SLA attainment (%)", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Share of service levels met that year, as reported.")
    notes = models.TextField(blank=True)

    permission_domain = "decisions"

    class Meta:
        ordering = ["case", "year"]
        verbose_name = "actual cost"
        constraints = [
            models.UniqueConstraint(fields=["case", "year"], name="decision_actual_one_per_year",
                                    violation_error_message="This year's actual cost is already "
                                                            "recorded for the case."),
            models.CheckConstraint(
                name="decision_actual_cost_not_negative", condition=Q(actual_cost__gte=0),
                violation_error_message="The actual cost cannot be negative."),
            models.CheckConstraint(
                name="decision_actual_sla_0_to_100",
                condition=Q(sla_attainment__isnull=True)
                | Q(sla_attainment__gte=0, sla_attainment__lte=100),
                violation_error_message="SLA attainment runs from 0 to 100 %."),
        ]

    def __str__(self):
        return f"{self.case} — year {self.year}"

    def get_absolute_url(self):
        return reverse("decisions:decisioncase_detail", args=[self.case_id])

    def clean(self):
        if self.case_id is None or self.year is None:
            return
        if self.case.status == CaseStatus.DRAFT:
            raise ValidationError({"case": "Actual costs are recorded once the case is decided: "
                                           "they are compared with the decision."})
        if self.year > self.case.horizon_years:
            raise ValidationError({"year": f"The case's horizon is {self.case.horizon_years} "
                                           "years."})
