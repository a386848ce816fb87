from django.db import models


class LevelKind(models.TextChoices):
    SLA = "sla", "SLA (contractual, with service credits)"
    KPI = "kpi", "KPI (monitored, no credits)"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Aggregation(models.TextChoices):
    MEAN = "mean", "Mean"
    PERCENTILE = "percentile", "Percentile"
    WITHIN_TARGET = "within_target", "Share of items within the item target (%)"
    SUM = "sum", "Sum"
    MINIMUM = "min", "Minimum"
    MAXIMUM = "max", "Maximum"


class PeriodLength(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


class BatchSource(models.TextChoices):
    API = "api", "REST bulk endpoint"
    FILE = "file", "CSV/XLSX upload"
    PORTAL = "portal", "Provider portal"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Outcome(models.TextChoices):
    """A period's verdict. Too few measurements is not a breach: it is reported apart."""

    MET = "met", "Met"
    BREACHED = "breached", "Breached"
    INSUFFICIENT = "insufficient", "Too few measurements"
