"""What the company and a provider's contacts exchange: invitations and information requests."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from tether.core.models import TetherModel


class Invitation(TetherModel):
    """A single-use, expiring link that lets a provider's contact set up their account.

    Only the SHA-256 of the token is stored: the link in the e-mail is the one copy.
    """

    provider = models.ForeignKey("registry.Provider", on_delete=models.CASCADE,
                                 related_name="invitations")
    email = models.EmailField()
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="invitations")

    permission_domain = "requests"

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"Invitation of {self.email} for {self.provider}"

    def get_absolute_url(self):
        return reverse("portal:invitation_detail", args=[self.pk])

    @property
    def state(self) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    ACCEPTED = "accepted", "Accepted"
    REOPENED = "reopened", "Reopened"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_FOR_PROVIDER = (RequestStatus.OPEN, RequestStatus.REOPENED)


class InformationRequest(TetherModel):
    """A question to a provider that their contacts answer in the portal, with files."""

    provider = models.ForeignKey("registry.Provider", on_delete=models.PROTECT,
                                 related_name="information_requests")
    arrangement = models.ForeignKey("registry.Arrangement", null=True, blank=True,
                                    on_delete=models.PROTECT,
                                    related_name="information_requests")
    title = models.CharField(max_length=250)
    question = models.TextField(help_text="What the provider sees and answers.")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN)
    internal_note = models.TextField(blank=True, help_text="Never shown to the provider.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     editable=False)
    answer = models.TextField(blank=True, editable=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)

    permission_domain = "requests"
    provider_scope = "provider"

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["provider", "status"], name="request_provider_status_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portal:informationrequest_detail", args=[self.pk])
