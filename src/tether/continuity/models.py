"""Exit and continuity: exit plans and their tests, in-house capability, alternatives."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tether.continuity.choices import (
    AlternativeKind,
    CapabilityKind,
    CapabilityLevel,
    ExitStrategy,
    PlanTestKind,
    PlanTestResult,
)
from tether.core.models import TetherModel
from tether.registry.validators import validate_currency


class ExitPlan(TetherModel):
    """How the company leaves an arrangement, in an orderly way or in a hurry: what triggers
    it, the steps and owners, how long it may take, where the work goes, how data comes back."""

    arrangement = models.OneToOneField("registry.Arrangement", on_delete=models.CASCADE,
                                       related_name="exit_plan")
    strategy = models.CharField(max_length=24, choices=ExitStrategy.choices)
    alternative_provider = models.ForeignKey(
        "registry.Provider", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="exit_plans_as_alternative",
        help_text="Where the work would go, if to another provider.")
    triggers = models.TextField(help_text="What makes us start the exit (insolvency, breach, "
                                          "repeated SLA failure, change of control…).")
    data_return = models.TextField(blank=True, help_text="How and in what format our data "
                                                         "comes back, and is deleted.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_exit_plans",
                              limit_choices_to={"provider__isnull": True})
    target_duration_days = models.PositiveIntegerField(
        help_text="How long the exit may take, from trigger to the new service running.")
    estimated_cost = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR", validators=[validate_currency])
    last_reviewed = models.DateField(null=True, blank=True)
    review_months = models.PositiveSmallIntegerField(
        default=12, help_text="Review and test the plan at least this often.")
    notes = models.TextField(blank=True)

    permission_domain = "continuity"

    class Meta:
        ordering = ["arrangement__reference"]
        constraints = [
            models.CheckConstraint(
                name="exit_plan_cost_not_negative",
                condition=Q(estimated_cost__isnull=True) | Q(estimated_cost__gte=0),
                violation_error_message="The estimated cost cannot be negative."),
        ]

    def __str__(self):
        return f"Exit plan for {self.arrangement}"


class ExitStep(TetherModel):
    """One step of an exit plan, with its owner and duration."""

    plan = models.ForeignKey(ExitPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              limit_choices_to={"provider__isnull": True})
    duration_days = models.PositiveIntegerField(default=0)

    permission_domain = "continuity"

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self):
        return f"{self.position}. {self.description[:60]}"

    def get_absolute_url(self):
        return self.plan.get_absolute_url()


class ExitPlanTest(TetherModel):
    """A test of an exit plan: when, how, with what result and lessons."""

    plan = models.ForeignKey(ExitPlan, on_delete=models.CASCADE, related_name="tests")
    tested_on = models.DateField()
    kind = models.CharField(max_length=16, choices=PlanTestKind.choices)
    result = models.CharField(max_length=16, choices=PlanTestResult.choices)
    achieved_duration_days = models.PositiveIntegerField(null=True, blank=True)
    lessons = models.TextField(blank=True)

    permission_domain = "continuity"

    class Meta:
        ordering = ["plan", "-tested_on", "-id"]
        indexes = [models.Index(fields=["plan", "tested_on"], name="exit_test_plan_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.tested_on}: {self.get_result_display()}"

    def get_absolute_url(self):
        return self.plan.get_absolute_url()


class InHouseCapability(TetherModel):
    """A capability the company keeps for an outsourced activity, so it could take work back."""

    activity = models.ForeignKey("registry.Activity", on_delete=models.CASCADE,
                                 related_name="capabilities")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=CapabilityKind.choices)
    level = models.PositiveSmallIntegerField(choices=CapabilityLevel.choices)
    people = models.PositiveIntegerField(default=0, help_text="People who hold it today.")
    assessed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    permission_domain = "continuity"

    class Meta:
        ordering = ["activity", "name"]
        verbose_name_plural = "in-house capabilities"

    def __str__(self):
        return self.name


class ServiceAlternative(TetherModel):
    """Another way to get a service: a provider already contracted, in-house, or the market;
    how long and how much it would take to switch."""

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE,
                                related_name="alternatives")
    kind = models.CharField(max_length=16, choices=AlternativeKind.choices)
    provider = models.ForeignKey("registry.Provider", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="alternative_for")
    description = models.CharField(max_length=250, blank=True)
    switch_days = models.PositiveIntegerField(help_text="Time to switch, in days.")
    switch_cost = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR", validators=[validate_currency])
    notes = models.TextField(blank=True)

    permission_domain = "continuity"

    class Meta:
        ordering = ["service", "switch_days"]
        constraints = [
            models.CheckConstraint(
                name="alternative_provider_when_contracted",
                condition=~Q(kind=AlternativeKind.CONTRACTED) | Q(provider__isnull=False),
                violation_error_message="A contracted alternative names its provider."),
            models.CheckConstraint(
                name="alternative_cost_not_negative",
                condition=Q(switch_cost__isnull=True) | Q(switch_cost__gte=0),
                violation_error_message="The switching cost cannot be negative."),
        ]

    def __str__(self):
        who = self.provider.name if self.provider_id else self.get_kind_display()
        return f"{self.service}: {who}"
