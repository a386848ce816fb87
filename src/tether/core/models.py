"""Users with roles, and the audit trail of every change to the register."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.urls import reverse
from django.utils import timezone

from tether.core import audit_chain
from tether.core.querysets import RestrictedManager, RestrictedQuerySet
from tether.core.roles import INTERNAL_ROLES, Role, role_allows


class TetherModel(models.Model):
    """Base of every register object: timestamps and the restricted manager."""

    created = models.DateTimeField(auto_now_add=True)
    last_updated = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()

    permission_domain = "registry"
    # Lookup from this model to a provider id, for provider contacts; None: never shown.
    provider_scope: str | None = None

    class Meta:
        abstract = True

    def get_absolute_url(self):
        meta = self._meta
        return reverse(f"{meta.app_label}:{meta.model_name}_detail", args=[self.pk])


class TetherUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in: an internal user with a role, or a provider's contact."""

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.EXECUTIVE)
    provider = models.ForeignKey(
        "registry.Provider",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
        help_text="Only for provider contacts: the provider whose items they see.",
    )
    remind_by_email = models.BooleanField(
        default=True, help_text="Reminders of deadlines also come by e-mail (a daily digest).")

    objects = TetherUserManager()

    permission_domain = "users"
    provider_scope = None

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_provider_contact_has_provider",
                condition=(
                    models.Q(role=Role.PROVIDER_CONTACT, provider__isnull=False)
                    | (~models.Q(role=Role.PROVIDER_CONTACT) & models.Q(provider__isnull=True))
                ),
                violation_error_message="A provider contact needs a provider; "
                "internal users have none.",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_absolute_url(self):
        return reverse("core:user_detail", args=[self.pk])

    @property
    def is_internal(self) -> bool:
        return self.role in INTERNAL_ROLES

    def can(self, action: str, model) -> bool:
        """Whether this user may take `action` on `model` through the internal UI and API."""
        return self.is_active and role_allows(self.role, action, model.permission_domain)


class AuditChainLock(models.Model):
    """One row, locked by whoever appends to the audit chain, so two writers cannot fork it.

    A row lock (SELECT … FOR UPDATE) works the same on every database, unlike advisory locks;
    on SQLite the IMMEDIATE transaction already admits one writer at a time.
    """

    class Meta:
        verbose_name = "audit chain lock"

    def __str__(self):
        return "audit chain lock"


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    # Nothing changes, but a file holding register data left Tether: who took it is on record.
    DOWNLOAD = "download", "Downloaded"


class AuditEntry(models.Model):
    """One change to the register: who, when, what, and the values before and after.

    Entries are append-only and hash-chained (`core.audit_chain`): each has a gapless
    sequence, the hash of the entry before it and its own hash over its content, so an entry
    changed, deleted or reordered in the database shows in `tether audit verify`.
    """

    sequence = models.PositiveBigIntegerField(
        unique=True, editable=False, help_text="Position in the audit chain: 1, 2, 3… no gaps."
    )
    # Set in Python when the entry is chained (not by the database), so it can be hashed
    # before the insert; microseconds are kept on SQLite and PostgreSQL alike.
    timestamp = models.DateTimeField(db_index=True, editable=False)
    # No foreign key constraint and nothing done on delete: the id an entry was hashed with
    # must stay when the account is deleted (SET_NULL would rewrite, and so break, the chain).
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )
    # Kept as text too, so the trail still names the person after their account is deleted.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=250)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    source = models.CharField(
        max_length=32, blank=True, help_text="Where the change came from: web, api, import, cli…"
    )
    previous_hash = models.CharField(max_length=64, editable=False,
                                     help_text="The entry hash of the entry before (SHA-256).")
    entry_hash = models.CharField(
        max_length=64, editable=False,
        help_text="SHA-256 over this entry's content and the previous hash.",
    )

    objects = RestrictedManager()
    permission_domain = "audit"

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx")]
        constraints = [
            models.CheckConstraint(name="auditentry_sequence_from_one",
                                   condition=models.Q(sequence__gte=1)),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr} by {self.actor_name or 'system'}"

    def save(self, *args, **kwargs):
        """Append this entry to the chain; an entry once written is never changed."""
        if not self._state.adding:
            raise ValueError("Audit entries are append-only; an entry is never changed.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            last_sequence, self.previous_hash = audit_chain.chain_head(type(self), using)
            self.sequence = last_sequence + 1
            # Stamped after taking the lock, so timestamps follow the chain's order.
            self.timestamp = timezone.now()
            # Hashed as the text the database will hand back (an int object_id becomes "1").
            for name in ("actor_name", "object_id", "object_repr", "source"):
                setattr(self, name, self._meta.get_field(name).to_python(getattr(self, name)))
            self.entry_hash = audit_chain.entry_digest(
                sequence=self.sequence, timestamp=self.timestamp, actor_id=self.actor_id,
                actor_name=self.actor_name, action=self.action,
                content_type=audit_chain.content_type_label(
                    ContentType.objects.db_manager(using).get_for_id(self.content_type_id)),
                object_id=self.object_id, object_repr=self.object_repr,
                before=audit_chain.stored_json(self.before),
                after=audit_chain.stored_json(self.after),
                source=self.source, previous_hash=self.previous_hash,
            )
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("core:auditentry_detail", args=[self.pk])

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each value that differs."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """A piece of long work (rescoring, an import, an export) run by a background worker.

    The task library (django-tasks) delivers the work; this row is what people see: what runs,
    how far it has got, what it produced. A job whose heartbeat stops while it runs was lost
    with its worker and is queued again (`core.jobs.requeue_stale_jobs`).
    """

    kind = models.CharField(max_length=64, db_index=True)
    title = models.CharField(max_length=250)
    params = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=250, blank=True)
    result = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()
    permission_domain = "jobs"

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat"], name="job_status_heartbeat_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("core:job_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.status == JobStatus.SUCCEEDED else None
        return min(100, int(self.progress_done * 100 / self.progress_total))


class Notification(models.Model):
    """A message to one person: a reminder of a deadline, or news about their work.

    Notifications are personal (nobody sees another's) and are not register data, so they are
    not in the audit trail. `key` says what a notification is about; one person gets one
    notification per key, so a reminder is never sent twice.
    """

    TITLE_MAX = 200
    BODY_MAX = 2000

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(max_length=BODY_MAX, blank=True)
    url = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=200)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the recipient asked for e-mail and it has not gone out yet; cleared once sent.
    email_pending = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    permission_domain = "notifications"

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"],
                                    name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["email_pending", "recipient"], name="notification_email_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ScheduledRun(models.Model):
    """One slot of a schedule, claimed by the worker that queued its job.

    The unique (name, slot_start) is what makes several workers on several machines queue each
    slot exactly once: the first insert wins, the others get an IntegrityError.
    """

    name = models.CharField(max_length=64)
    slot_start = models.DateTimeField()
    claimed = models.DateTimeField(default=timezone.now)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")

    permission_domain = "jobs"

    class Meta:
        ordering = ["-slot_start", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "slot_start"], name="scheduled_run_once"),
        ]

    def __str__(self):
        return f"{self.name} @ {self.slot_start:%Y-%m-%d %H:%M}"
