"""Contract clauses: the library of clauses a contract must contain, and what each
arrangement's contract has of them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tether.contracts.choices import AppliesTo, ClauseStatus
from tether.contracts.library import CODE, MAX_SOURCE, MAX_TITLE
from tether.core.models import TetherModel


class ClauseRequirement(TetherModel):
    """A clause the contracts must contain: what it must say, which regulation or practice
    asks for it, and whether every arrangement needs it or only those supporting a critical
    or important function. Built-in ones come from Tether's library and can be deactivated,
    never deleted; a company adds its own."""

    code = models.CharField(
        max_length=40, unique=True,
        validators=[RegexValidator(CODE, "Use 2 to 40 capital letters, digits or underscores, "
                                         "starting with a letter.")],
        help_text="A stable short name, e.g. AUDIT_ACCESS.")
    title = models.CharField(max_length=MAX_TITLE)
    requirement = models.TextField(help_text="What the clause must say.")
    sources = models.TextField(
        blank=True, help_text="The citations that ask for it, one per line "
                              "(e.g. DORA Art. 30(2)(a)).")
    applies_to = models.CharField(max_length=16, choices=AppliesTo.choices,
                                  default=AppliesTo.ALL)
    position = models.PositiveIntegerField(default=1000, help_text="Checklists show clauses "
                                                                  "in this order.")
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive requirements drop out of every checklist "
                                          "and gap count; their checks are kept.")
    is_builtin = models.BooleanField("built in", default=False, editable=False)

    # Which clauses contracts must contain is the company's compliance policy: like the
    # risk methodology, the administrator's to change, everyone's to read.
    permission_domain = "methodology"

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(name="clause_requirement_applies_to_known",
                                   condition=Q(applies_to__in=AppliesTo.values),
                                   violation_error_message="Unknown scope of a requirement."),
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"

    @property
    def source_list(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        if any(len(source) > MAX_SOURCE for source in self.source_list):
            raise ValidationError({"sources": f"Keep each citation to {MAX_SOURCE} characters."})


class ArrangementClause(TetherModel):
    """Whether an arrangement's contract contains one required clause, where, and who checked
    it. An arrangement without a row for a requirement has not been checked for it."""

    arrangement = models.ForeignKey("registry.Arrangement", on_delete=models.CASCADE,
                                    related_name="clause_checks")
    requirement = models.ForeignKey(ClauseRequirement, on_delete=models.PROTECT,
                                    related_name="checks")
    status = models.CharField(max_length=16, choices=ClauseStatus.choices)
    reason = models.TextField(blank=True, help_text="Why the clause does not apply (required "
                                                    "when not applicable).")
    location = models.CharField("where", max_length=250, blank=True,
                                help_text="Document and section, e.g. MSA §14.2.")
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="clause_checks", help_text="The arrangement's document that has it.")
    note = models.TextField(blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   limit_choices_to={"provider__isnull": True})
    checked_on = models.DateField(default=timezone.localdate)

    permission_domain = "contracts"

    class Meta:
        ordering = ["arrangement", "requirement__position", "requirement__code"]
        verbose_name = "clause check"
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "requirement"],
                                    name="clause_check_once_per_arrangement",
                                    violation_error_message="This clause is already checked "
                                                            "for this arrangement: edit it."),
            models.CheckConstraint(
                name="clause_check_not_applicable_has_reason",
                condition=~Q(status=ClauseStatus.NOT_APPLICABLE) | ~Q(reason=""),
                violation_error_message="Say why the clause does not apply."),
            models.CheckConstraint(name="clause_check_status_known",
                                   condition=Q(status__in=ClauseStatus.values),
                                   violation_error_message="Unknown clause status."),
        ]
        indexes = [models.Index(fields=["requirement", "status"],
                                name="clause_check_requirement_idx")]

    def __str__(self):
        return f"{self.arrangement} · {self.requirement.code}: {self.get_status_display()}"

    def clean(self):
        super().clean()
        if self.status == ClauseStatus.NOT_APPLICABLE and not self.reason.strip():
            raise ValidationError({"reason": "Say why the clause does not apply."})
        if (self.document_id is not None and self.arrangement_id is not None
                and self.document.arrangement_id != self.arrangement_id):
            raise ValidationError({"document": "Choose a document of this arrangement."})
