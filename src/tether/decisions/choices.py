from django.db import models


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    DECIDED = "decided", "Decided"
    CLOSED = "closed", "Closed"


class OptionKind(models.TextChoices):
    IN_HOUSE = "in_house", "Keep in-house"
    OUTSOURCE = "outsource", "Outsource"
