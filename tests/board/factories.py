"""Board reports for tests: a filed one made cheaply (no figures gathered, a one-page PDF)."""

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.factories import pdf_bytes
from tether.board.choices import ReportStatus, ReportTrigger
from tether.board.models import BoardReport


def filed_report(**fields) -> BoardReport:
    """A ready report with a small PDF and no figures: what pages and endpoints need to name
    an existing report, at a fraction of a real generation's cost."""
    report = BoardReport(**{"as_of": timezone.localdate(), "trigger": ReportTrigger.SCHEDULE,
                            "status": ReportStatus.READY, "generated_at": timezone.now(),
                            **fields})
    report.pdf.save("board-report-test.pdf", ContentFile(pdf_bytes()), save=False)
    report.save()
    return report


def board_objects() -> dict:
    """One object of every board model: what the authorization matrix and the API fuzz test
    need to name existing ids."""
    return {BoardReport: filed_report()}
