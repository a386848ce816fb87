"""SLAs and KPIs, their measurements and the results per period.

Measurements are stored per service level and calendar month as two packed arrays
(timestamps and values), not as one row each: ten million rows cannot be read back in
seconds from SQLite, ten million packed numbers can (docs/performance.md). Results per
period are ordinary rows, so lists, filters and dashboards query them directly.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tether.core.models import TetherModel
from tether.performance.choices import (
    Aggregation,
    BatchSource,
    BatchStatus,
    Direction,
    LevelKind,
    Outcome,
    PeriodLength,
)
from tether.registry.validators import validate_currency


class ServiceLevel(TetherModel):
    """An SLA or KPI of an arrangement: what is measured, how a period's measurements are
    aggregated, the target the aggregate must reach, and what a breach costs the provider."""

    arrangement = models.ForeignKey("registry.Arrangement", on_delete=models.CASCADE,
                                    related_name="service_levels")
    kind = models.CharField(max_length=8, choices=LevelKind.choices, default=LevelKind.SLA)
    name = models.CharField(max_length=200, help_text="What is promised, e.g. "
                                                      "“Availability of the payments API”.")
    reference = models.CharField(
        max_length=64, help_text="How measurements name this level, e.g. “PAY-AVAIL”; "
                                 "unique in the arrangement.")
    unit = models.CharField(max_length=32, blank=True, help_text="%, ms, hours, tickets…")
    description = models.TextField(blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices,
                                 default=Direction.HIGHER)
    aggregation = models.CharField(max_length=16, choices=Aggregation.choices,
                                   default=Aggregation.MEAN)
    percentile = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="For percentile aggregation: 95 for the 95th percentile.")
    item_target = models.FloatField(
        null=True, blank=True, help_text="For “share within target”: the value each item must "
                                         "reach, e.g. resolved within 4 hours.")
    target = models.FloatField(help_text="What the period's aggregate must reach.")
    period = models.CharField(max_length=8, choices=PeriodLength.choices,
                              default=PeriodLength.MONTH)
    minimum_count = models.PositiveIntegerField(
        default=1, help_text="A period with fewer measurements is not assessed.")
    monthly_fee = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True,
        help_text="Basis of service credits; empty: the arrangement's annual cost / 12.")
    currency = models.CharField(max_length=3, default="EUR", validators=[validate_currency])
    credit_cap_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Credits per period never exceed this share of the monthly fee.")
    active = models.BooleanField(default=True)

    permission_domain = "performance"
    provider_scope = "arrangement__provider"

    class Meta:
        ordering = ["arrangement__reference", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "reference"],
                                    name="service_level_reference_unique"),
            models.CheckConstraint(
                name="service_level_percentile_given",
                condition=~Q(aggregation=Aggregation.PERCENTILE) | Q(percentile__isnull=False),
                violation_error_message="A percentile aggregation needs its percentile."),
            models.CheckConstraint(
                name="service_level_item_target_given",
                condition=~Q(aggregation=Aggregation.WITHIN_TARGET)
                | Q(item_target__isnull=False),
                violation_error_message="“Share within target” needs the item target."),
        ]

    def __str__(self):
        return f"{self.reference} · {self.name}"


class CreditBand(TetherModel):
    """A service-credit band: when the period's aggregate is worse than `worse_than`, the
    provider owes `credit_percent` of the monthly fee. The most severe band that applies wins."""

    service_level = models.ForeignKey(ServiceLevel, on_delete=models.CASCADE,
                                      related_name="credit_bands")
    worse_than = models.FloatField()
    credit_percent = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0),
                                                    MaxValueValidator(100)])

    permission_domain = "performance"
    provider_scope = "service_level__arrangement__provider"

    class Meta:
        ordering = ["service_level", "worse_than"]
        constraints = [models.UniqueConstraint(fields=["service_level", "worse_than"],
                                               name="credit_band_bound_unique")]

    def __str__(self):
        return f"worse than {self.worse_than:g}: {self.credit_percent} %"


class MeasurementBatch(TetherModel):
    """One delivery of measurements (an API call, a file, a portal form). The idempotency key
    makes a retried delivery a no-op that answers with the first delivery's result."""

    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    payload_sha256 = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=8, choices=BatchSource.choices)
    provider = models.ForeignKey("registry.Provider", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="measurement_batches",
                                 help_text="Set when a provider's contact sent it.")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="measurements/", null=True, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12, choices=BatchStatus.choices,
                              default=BatchStatus.QUEUED)
    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True,
                                  help_text="The first rejected rows: row, column, error.")
    error = models.TextField(blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    finished = models.DateTimeField(null=True, blank=True)

    permission_domain = "performance"
    provider_scope = "provider"

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Measurement batch {self.pk} ({self.get_source_display()})"


class MeasurementChunk(models.Model):
    """A service level's measurements of one calendar month: `times` (int64 seconds since the
    epoch, ascending, unique) and `values` (float64), packed little-endian."""

    service_level = models.ForeignKey(ServiceLevel, on_delete=models.CASCADE,
                                      related_name="chunks")
    month = models.DateField()
    count = models.PositiveIntegerField()
    times = models.BinaryField()
    values = models.BinaryField()

    permission_domain = "performance"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service_level", "month"],
                                               name="measurement_chunk_month_unique")]

    def __str__(self):
        return f"{self.count} measurements of {self.service_level_id} in {self.month:%Y-%m}"


class PeriodResult(models.Model):
    """A service level's outcome in one period (month or quarter), written by the engine."""

    service_level = models.ForeignKey(ServiceLevel, on_delete=models.CASCADE,
                                      related_name="results")
    period_start = models.DateField()
    count = models.PositiveIntegerField()
    value = models.FloatField(null=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    attainment = models.FloatField(
        null=True, help_text="Value as a percentage of the target (inverted when lower is "
                             "better): below 100 is short of the target.")
    credit_percent = models.FloatField(default=0)
    credit_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    permission_domain = "performance"

    class Meta:
        ordering = ["service_level", "period_start"]
        constraints = [models.UniqueConstraint(fields=["service_level", "period_start"],
                                               name="period_result_unique")]
        indexes = [models.Index(fields=["period_start", "attainment"],
                                name="period_result_worst"),
                   # Covers the credits owed over a range: read from the index alone.
                   models.Index(fields=["period_start", "service_level", "credit_amount"],
                                name="period_result_credits")]

    def __str__(self):
        return f"{self.service_level_id} {self.period_start}: {self.outcome}"
