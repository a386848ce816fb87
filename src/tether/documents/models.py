"""Documents kept encrypted at rest, attached to any register object, and the copies handed out.

The file itself never touches the database: `blob_name` points into TETHER_DOCUMENTS_DIR,
where `documents.storage` keeps it encrypted under the key named by `key_id`.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from tether.core.models import TetherModel
from tether.registry.choices import Confidentiality

MAX_REMINDER_DAYS = 366


class DocumentKind(models.TextChoices):
    CONTRACT = "contract", "Contract or amendment"
    NDA = "nda", "Non-disclosure agreement"
    ISO27001 = "iso27001", "ISO/IEC 27001 certificate"
    SOC_REPORT = "soc_report", "SOC 1 / SOC 2 report"
    CERTIFICATE = "certificate", "Other certificate"
    POLICY = "policy", "Policy"
    EVIDENCE = "evidence", "Evidence"
    REPORT = "report", "Report"
    OTHER = "other", "Other"


class Document(TetherModel):
    """One uploaded file and what it is: kind, confidentiality, validity, who may see it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=16, choices=DocumentKind.choices,
                            default=DocumentKind.OTHER)
    confidentiality = models.PositiveSmallIntegerField(
        choices=Confidentiality.choices, default=Confidentiality.INTERNAL
    )
    description = models.TextField(blank=True)

    # Attached to any object; the provider is derived from it so the portal can scope in SQL.
    content_type = models.ForeignKey(ContentType, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    attached_to = GenericForeignKey("content_type", "object_id")
    provider = models.ForeignKey(
        "registry.Provider", null=True, blank=True, on_delete=models.PROTECT,
        related_name="documents", help_text="The provider the document concerns.",
    )
    arrangement = models.ForeignKey(
        "registry.Arrangement", null=True, blank=True, on_delete=models.PROTECT,
        related_name="documents",
    )
    shared_with_provider = models.BooleanField(
        default=False,
        help_text="Shown to the provider's contacts in the portal (subject to any NDA).",
    )

    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, db_index=True)
    remind_days_before = models.PositiveSmallIntegerField(
        default=30, validators=[MaxValueValidator(MAX_REMINDER_DAYS)],
        help_text="Days before expiry to remind the owner (at most a year).",
    )
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    signed_on = models.DateField(
        null=True, blank=True,
        help_text="For agreements such as an NDA: the date both parties signed. "
        "Only an internal user can set it.",
    )

    file_name = models.CharField(max_length=160, editable=False)
    media_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    key_id = models.CharField(max_length=40, editable=False)
    blob_name = models.CharField(max_length=200, unique=True, editable=False)

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_by_provider = models.BooleanField(default=False, editable=False)

    permission_domain = "documents"
    provider_scope = None  # the portal's own selectors add the sharing and NDA rules

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="document_attached_idx"),
            models.Index(fields=["provider", "shared_with_provider"],
                         name="document_provider_shared_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="document_valid_dates_ordered",
                condition=models.Q(valid_from__isnull=True) | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                violation_error_message="The end of validity is before its start.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("documents:document_detail", args=[self.pk])


class DocumentCopy(models.Model):
    """One download: who received which copy, so a leaked file names its recipient."""

    copy_id = models.CharField(max_length=32, unique=True)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="copies")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    recipient_name = models.CharField(max_length=250)
    issued_at = models.DateTimeField()
    watermarked = models.BooleanField()
    via_portal = models.BooleanField(default=False)

    permission_domain = "documents"

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name_plural = "document copies"

    def __str__(self):
        return f"Copy {self.copy_id} of {self.document} for {self.recipient_name}"
