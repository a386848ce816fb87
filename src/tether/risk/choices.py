from django.db import models


class Treatment(models.TextChoices):
    ACCEPT = "accept", "Accept"
    MITIGATE = "mitigate", "Mitigate"
    TRANSFER = "transfer", "Transfer (e.g. cyber insurance)"
    AVOID = "avoid", "Avoid"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ControlStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IMPLEMENTED = "implemented", "Implemented"
    INEFFECTIVE = "ineffective", "Implemented but ineffective"


class ControlType(models.TextChoices):
    PREVENTIVE = "preventive", "Preventive"
    DETECTIVE = "detective", "Detective"
    CORRECTIVE = "corrective", "Corrective"
    TRANSFER = "transfer", "Risk transfer (insurance, contract)"


class BusinessCriticality(models.IntegerChoices):
    LOW = 1, "Low"
    MODERATE = 2, "Moderate"
    HIGH = 3, "High"
    CRITICAL = 4, "Critical or important function"


class DataSensitivity(models.IntegerChoices):
    NONE = 0, "No company or customer data"
    INTERNAL = 1, "Internal data"
    CONFIDENTIAL = 2, "Confidential data or intellectual property"
    PERSONAL = 3, "Personal data"
    SPECIAL = 4, "Special-category personal or payment data"


class SystemAccess(models.IntegerChoices):
    NONE = 0, "No access to our systems"
    READ_ONLY = 1, "Read-only access"
    USER = 2, "User access to business systems"
    PRIVILEGED = 3, "Privileged or network access"


class ScoreTrigger(models.TextChoices):
    RESCORE = "rescore", "Rescoring"
    METHODOLOGY = "methodology", "Methodology changed"
    EVIDENCE = "evidence", "New evidence"
