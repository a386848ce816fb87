from django.db import models


class AuditKind(models.TextChoices):
    INTERNAL = "internal", "Internal audit"
    PROVIDER_SELF_ASSESSMENT = "provider_self_assessment", "Provider self-assessment"
    THIRD_PARTY_QA = "third_party_qa", "Independent third-party QA"
    REGULATOR = "regulator", "Regulator inspection"


class AuditStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class AuditConclusion(models.TextChoices):
    SATISFACTORY = "satisfactory", "Satisfactory"
    NEEDS_IMPROVEMENT = "needs_improvement", "Needs improvement"
    UNSATISFACTORY = "unsatisfactory", "Unsatisfactory"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


# An action still to be done; "done" and "cancelled" are finished.
PENDING_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class IncidentKind(models.TextChoices):
    OUTAGE = "outage", "Outage"
    DATA_BREACH = "data_breach", "Data breach"
    SECURITY = "security", "Security incident"
    QUALITY_FAILURE = "quality_failure", "Quality failure"
    OTHER = "other", "Other"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONTAINED = "contained", "Contained"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


# An incident still being handled: neither resolved nor closed.
ACTIVE_INCIDENT_STATUSES = (IncidentStatus.OPEN, IncidentStatus.CONTAINED)
