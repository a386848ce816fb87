from django.db import models


class QuestionType(models.TextChoices):
    YES_NO = "yes_no", "Yes / no"
    CHOICE = "choice", "One choice from a list"
    NUMBER = "number", "Number"
    TEXT = "text", "Text"
    DATE = "date", "Date"
    FILE = "file", "File"


# Answers of these types are scored from the template's options or bands; the others score
# in full once answered (and, where evidence is required, once a file is attached).
SCORED_BY_OPTIONS = frozenset({QuestionType.YES_NO, QuestionType.CHOICE})


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", "Draft (editable)"
    PUBLISHED = "published", "Published (can be sent)"
    RETIRED = "retired", "Retired"


class CampaignStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ResponseStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft saved"
    SUBMITTED = "submitted", "Submitted, to review"
    RETURNED = "returned", "Returned to the provider"
    ACCEPTED = "accepted", "Accepted"


# What the provider may still change; the rest is with us (or done).
EDITABLE_BY_PROVIDER = (ResponseStatus.NOT_STARTED, ResponseStatus.DRAFT, ResponseStatus.RETURNED)


class AnswerReview(models.TextChoices):
    PENDING = "pending", "Not reviewed"
    ACCEPTED = "accepted", "Accepted"
    CHALLENGED = "challenged", "Challenged"
