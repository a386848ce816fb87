"""The board report: a dated pack of portfolio figures for executives, kept as filed."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse

from tether.board.choices import ReportStatus, ReportTrigger
from tether.core.models import TetherModel


class BoardReport(TetherModel):
    """One board pack as of a date: its figures (kept, so a past pack shows what was filed)
    and its PDF, generated on demand by a person or on the schedule."""

    as_of = models.DateField(help_text="The day the figures are taken at.")
    trigger = models.CharField(max_length=12, choices=ReportTrigger.choices,
                               default=ReportTrigger.USER)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     help_text="Empty when the schedule made the report.")
    status = models.CharField(max_length=12, choices=ReportStatus.choices,
                              default=ReportStatus.QUEUED)
    generated_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    pdf = models.FileField(upload_to="board/", null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True,
                                  help_text="SHA-256 of the PDF as filed.")
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    error = models.TextField(blank=True)

    permission_domain = "reporting"
    provider_scope = None

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = "board report"
        indexes = [models.Index(fields=["trigger", "as_of"], name="board_report_trigger_idx")]

    def __str__(self):
        return f"Board report as of {self.as_of:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("board:boardreport_detail", args=[self.pk])

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY

    @property
    def generated_by(self) -> str:
        """Who the pack says asked for it: the schedule (or the command, which stands in for
        it), the person, or a person whose account has since been deleted."""
        if self.trigger == ReportTrigger.SCHEDULE:
            return "the monthly schedule"
        if self.requested_by is not None:
            return self.requested_by.get_username()
        return "a user since removed"

    @property
    def filename(self) -> str:
        return f"board-report-{self.as_of:%Y-%m-%d}-{self.pk}.pdf"
