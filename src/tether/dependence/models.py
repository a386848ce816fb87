"""The dependence app's one table: the daily concentration figures, for trends."""

from django.db import models

from tether.core.models import TetherModel


class ConcentrationSnapshot(TetherModel):
    """The concentration of the live portfolio on one day, for one dimension and measure:
    its HHI, total and leading groups, as `tether concentration_snapshot` computed them."""

    date = models.DateField()
    dimension = models.CharField(max_length=16)
    measure = models.CharField(max_length=16)
    currency = models.CharField(max_length=3, blank=True)
    hhi = models.FloatField("HHI")
    total = models.FloatField()
    top = models.JSONField(default=list, help_text="The leading groups: key, label, share.")

    class Meta:
        ordering = ["date", "dimension", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["date", "dimension", "measure"],
                                    name="concentration_snapshot_unique_per_day",
                                    violation_error_message="This day's figure is already "
                                    "recorded."),
        ]

    def __str__(self):
        return f"{self.date} {self.dimension}/{self.measure}: HHI {self.hhi:.0f}"
