"""Oversight: audits of providers, their findings, corrective actions, and incidents."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from tether.core.models import TetherModel
from tether.oversight.choices import (
    ActionStatus,
    AuditConclusion,
    AuditKind,
    AuditStatus,
    FindingStatus,
    IncidentKind,
    IncidentStatus,
    Severity,
)
from tether.registry.validators import validate_currency

INTERNAL_USERS = {"provider__isnull": True}


def _check_arrangement(obj, errors: dict) -> None:
    """An arrangement named on an oversight record must be one of its provider's."""
    arrangement = obj.arrangement if obj.arrangement_id else None
    if arrangement is not None and obj.provider_id and arrangement.provider_id != obj.provider_id:
        errors["arrangement"] = (f"{arrangement.reference} is a contract with another provider, "
                                 "not with the provider named here.")


class Audit(TetherModel):
    """An audit of a provider: by our internal audit, the provider itself (self-assessment),
    an independent QA firm or a regulator; its scope, who led it, when, and its conclusion."""

    kind = models.CharField(max_length=32, choices=AuditKind.choices)
    title = models.CharField(max_length=250)
    provider = models.ForeignKey("registry.Provider", on_delete=models.PROTECT,
                                 related_name="audits")
    arrangements = models.ManyToManyField("registry.Arrangement", blank=True,
                                          related_name="audits",
                                          help_text="The contracts in scope, if not all.")
    scope = models.TextField(help_text="What is examined: processes, sites, controls, period.")
    auditor = models.CharField(max_length=250, blank=True,
                               help_text="The firm or person who carries out the audit.")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="led_audits",
                             limit_choices_to=INTERNAL_USERS,
                             help_text="Who owns the audit on our side.")
    planned_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=AuditStatus.choices,
                              default=AuditStatus.PLANNED)
    conclusion = models.CharField(max_length=24, choices=AuditConclusion.choices, blank=True)
    summary = models.TextField(blank=True)
    report = models.ForeignKey("documents.Document", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               help_text="The audit report, once filed as a document.")

    permission_domain = "oversight"
    provider_scope = "provider"

    class Meta:
        ordering = ["-planned_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="audit_completed_after_started",
                condition=Q(completed_on__isnull=True) | Q(started_on__isnull=True)
                | Q(completed_on__gte=F("started_on")),
                violation_error_message="An audit cannot be completed before it started."),
        ]
        indexes = [models.Index(fields=["provider", "status"], name="audit_provider_status_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.status == AuditStatus.COMPLETED and not self.conclusion:
            raise ValidationError({"conclusion": "A completed audit states its conclusion."})


class Incident(TetherModel):
    """Something that went wrong at a provider: an outage, a data breach, a security or
    quality failure; its impact, timeline, root cause and whether it was reported."""

    provider = models.ForeignKey("registry.Provider", on_delete=models.PROTECT,
                                 related_name="incidents")
    arrangement = models.ForeignKey("registry.Arrangement", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(max_length=16, choices=IncidentKind.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True,
                                      help_text="When the incident began, if known.")
    detected_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=IncidentStatus.choices,
                              default=IncidentStatus.OPEN)
    customers_affected = models.PositiveIntegerField(null=True, blank=True)
    records_affected = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Data records exposed or lost.")
    financial_impact = models.DecimalField(max_digits=16, decimal_places=2, null=True,
                                           blank=True)
    currency = models.CharField(max_length=3, default="EUR", validators=[validate_currency])
    services_affected = models.TextField(blank=True,
                                         help_text="Services and activities affected.")
    root_cause = models.TextField(blank=True)
    is_major = models.BooleanField(
        default=False, help_text="A major incident (DORA Art. 19): reported to the authority.")
    reported_to_authority_on = models.DateField(null=True, blank=True)

    permission_domain = "oversight"
    provider_scope = "provider"

    class Meta:
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="incident_resolved_after_started",
                condition=Q(resolved_at__isnull=True) | Q(started_at__isnull=True)
                | Q(resolved_at__gte=F("started_at")),
                violation_error_message="An incident cannot be resolved before it started."),
            models.CheckConstraint(
                name="incident_detected_after_started",
                condition=Q(started_at__isnull=True) | Q(detected_at__gte=F("started_at")),
                violation_error_message="An incident cannot be detected before it started."),
            models.CheckConstraint(
                name="incident_financial_impact_not_negative",
                condition=Q(financial_impact__isnull=True) | Q(financial_impact__gte=0),
                violation_error_message="The financial impact cannot be negative."),
        ]
        indexes = [models.Index(fields=["provider", "status"],
                                name="incident_provider_status_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        _check_arrangement(self, errors)
        if self.status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED) \
                and self.resolved_at is None:
            errors["resolved_at"] = "A resolved or closed incident says when it was resolved."
        if errors:
            raise ValidationError(errors)


class IncidentEvent(TetherModel):
    """One entry of an incident's timeline: what happened or was done, and when."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    description = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+", editable=False)

    permission_domain = "oversight"
    provider_scope = "incident__provider"

    class Meta:
        ordering = ["incident", "at", "id"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M}: {self.description[:60]}"

    def get_absolute_url(self):
        return self.incident.get_absolute_url()


class Finding(TetherModel):
    """Something an audit, an incident or a review found wrong at a provider, to be answered
    by the provider and put right by corrective actions before it is closed."""

    audit = models.ForeignKey(Audit, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="findings")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="findings")
    provider = models.ForeignKey("registry.Provider", on_delete=models.PROTECT,
                                 related_name="findings")
    arrangement = models.ForeignKey("registry.Arrangement", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="findings")
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    status = models.CharField(max_length=16, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN)
    raised_on = models.DateField(default=timezone.localdate)
    due_date = models.DateField(null=True, blank=True,
                                help_text="When the finding must be put right.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_findings",
                              limit_choices_to=INTERNAL_USERS)
    provider_response = models.TextField(blank=True,
                                         help_text="The provider's answer to the finding.")
    responded_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_on = models.DateField(null=True, blank=True, editable=False)
    closure_note = models.TextField(blank=True)

    permission_domain = "oversight"
    provider_scope = "provider"

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="finding_closed_after_raised",
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("raised_on")),
                violation_error_message="A finding cannot be closed before it was raised."),
        ]
        indexes = [
            models.Index(fields=["provider", "status"], name="finding_provider_status_idx"),
            models.Index(fields=["status", "due_date"], name="finding_status_due_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != FindingStatus.CLOSED

    @property
    def is_overdue(self) -> bool:
        return (self.is_open and self.due_date is not None
                and self.due_date < timezone.localdate())

    def clean(self):
        errors = {}
        _check_arrangement(self, errors)
        # A rule of the forms and the API, not of the database: other apps' fixtures and
        # imports may record findings already overdue when raised.
        if self.due_date and self.raised_on and self.due_date < self.raised_on:
            errors["due_date"] = "A finding cannot be due before it was raised."
        for source in ("audit", "incident"):
            origin = getattr(self, source) if getattr(self, f"{source}_id") else None
            if origin is not None and self.provider_id and origin.provider_id != self.provider_id:
                errors[source] = f"The {source} “{origin}” concerns another provider."
        if errors:
            raise ValidationError(errors)


class CorrectiveAction(TetherModel):
    """What must be done to put a finding or an incident right: by whom, by when, with the
    evidence that it was done and our verification of it."""

    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="actions")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="actions")
    # Derived from the finding or incident, so provider scoping and filters are one join.
    provider = models.ForeignKey("registry.Provider", on_delete=models.PROTECT,
                                 related_name="corrective_actions", editable=False, blank=True)
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="corrective_actions",
                              limit_choices_to=INTERNAL_USERS)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True, editable=False)
    evidence = models.ManyToManyField("documents.Document", blank=True, related_name="+",
                                      help_text="Documents showing the action was done.")
    verification_note = models.TextField(blank=True,
                                         help_text="How we checked that the action worked.")

    permission_domain = "oversight"
    provider_scope = "provider"

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = "corrective action"
        constraints = [
            models.CheckConstraint(
                name="corrective_action_one_origin",
                condition=Q(finding__isnull=False, incident__isnull=True)
                | Q(finding__isnull=True, incident__isnull=False),
                violation_error_message="A corrective action answers either one finding or "
                                        "one incident."),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="action_status_due_idx")]

    def __str__(self):
        return self.description[:80]

    @property
    def origin(self):
        return self.finding if self.finding_id else self.incident

    @property
    def arrangement(self):
        """The contract concerned (documents attached here are filed under it)."""
        origin = self.origin
        return origin.arrangement if origin is not None else None

    @property
    def is_overdue(self) -> bool:
        return (self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
                and self.due_date is not None and self.due_date < timezone.localdate())

    def clean(self):
        origin = self.origin if (self.finding_id or self.incident_id) else None
        if origin is not None:
            self.provider_id = origin.provider_id
