from django.db import models


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being generated"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportTrigger(models.TextChoices):
    USER = "user", "On demand"
    SCHEDULE = "schedule", "Schedule"


PENDING_STATUSES = (ReportStatus.QUEUED, ReportStatus.RUNNING)
