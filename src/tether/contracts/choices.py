from django.db import models


class ClauseStatus(models.TextChoices):
    PRESENT = "present", "Present"
    PARTIAL = "partial", "Partly present"
    MISSING = "missing", "Missing"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class AppliesTo(models.TextChoices):
    ALL = "all", "Every arrangement"
    CRITICAL = "critical", "Critical or important arrangements only"
