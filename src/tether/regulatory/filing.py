"""Preparing a filing: the register's readiness, and its package built as a background job.

Readiness validates the register in memory and says, for every failure, which object to open
to correct it. An export builds the package, validates the zip it wrote (so what is checked
is exactly what is filed), and keeps both.
"""

from dataclasses import asdict, dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from tether.core.audit import record_change, snapshot
from tether.core.jobs import job_enqueue, job_kind
from tether.core.models import AuditAction
from tether.core.services import object_create
from tether.regulatory import roi
from tether.regulatory.models import ExportArtefact, ExportStatus, RegisterExport
from tether.regulatory.packaging import write_package
from tether.regulatory.validation import ERROR, Failure, validate_package, validate_tables

JOB_KIND = "regulatory.register_export"
KEPT_FAILURES = 5000  # an export keeps this many failures to show; the counts are exact
# The scope asked for → `consolidated`: None lets `export_request` decide from the register.
SCOPES = {"auto": None, "con": True, "ind": False}


@dataclass(frozen=True)
class Issue:
    severity: str
    check: str
    template: str
    row: int | None
    column: str | None
    message: str
    url: str


def issues(register: roi.Register, failures: list[Failure]) -> list[Issue]:
    """The failures, errors first, each with the address of the object its row comes from."""
    found = []
    for failure in failures:
        url = register.url_of(failure.template, failure.row) if failure.row else ""
        found.append(Issue(failure.severity, failure.check, failure.template or "",
                           failure.row, failure.column, failure.message, url))
    found.sort(key=lambda issue: (issue.severity != ERROR, issue.template, issue.row or 0))
    return found


def readiness(lei: str, reference_date: date, *, consolidated: bool | None = None,
              today: date | None = None) -> tuple[roi.Register, list[Issue]]:
    """The register as it would be filed today, and what to fix before filing it."""
    register = roi.build_register(lei, reference_date, consolidated=consolidated)
    failures = validate_tables(register.tables, parameters=register.parameters, today=today)
    return register, issues(register, failures)


def entity_error(organisation) -> str | None:
    """Why this organisation cannot maintain a register to file, if it cannot."""
    if not organisation.lei:
        return "The entity needs an LEI to file a register."
    return None


@transaction.atomic
def export_request(*, actor, organisation, reference_date: date,
                   consolidated: bool | None = None, source: str = "web",
                   queue: bool = True) -> RegisterExport:
    """Record an export of the register and queue the job that builds it; consolidated (CON)
    unless told otherwise or the entity is alone within the register's scope."""
    if consolidated is None:
        consolidated = roi.scope_is_group()
    export = object_create(RegisterExport, actor=actor, source=source, data={
        "organisation": organisation, "reference_date": reference_date,
        "consolidated": consolidated, "requested_by": actor if actor and actor.pk else None})
    export.job = job_enqueue(
        kind=JOB_KIND, actor=actor, queue=queue, params={"export": export.pk},
        title=f"Register of information of {organisation} at {reference_date:%Y-%m-%d}")
    export.save(update_fields=["job"])
    return export


@job_kind(JOB_KIND)
def build_export(job, progress) -> dict:
    """Build, write and validate the package; repeatable (it replaces what a killed run left)."""
    export = RegisterExport.objects.select_related("organisation").get(pk=job.params["export"])
    RegisterExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
    try:
        progress.step("Reading the register")
        register = roi.build_register(export.organisation.lei or "", export.reference_date,
                                      consolidated=export.consolidated)
        progress.step(f"Writing {register.row_count} rows")
        package = write_package(register)
        row_count = register.row_count
        register.rows = {}  # the validator reads the zip: one copy of the rows at a time
        progress.step("Validating the package")
        found = issues(register, validate_package(package.content, file_name=package.name))
    except roi.RegisterError as error:
        RegisterExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, message=str(error))
        raise
    errors = sum(issue.severity == ERROR for issue in found)
    with transaction.atomic():
        ExportArtefact.objects.update_or_create(export=export, defaults={
            "content": package.content,
            "failures": [asdict(issue) for issue in found[:KEPT_FAILURES]]})
        RegisterExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.DONE, file_name=package.name, rows=row_count,
            errors=errors, warnings=len(found) - errors, last_updated=timezone.now(),
            message="Ready to file." if not errors else f"{errors} errors to fix before filing.")
    return {"rows": row_count, "errors": errors, "warnings": len(found) - errors,
            "file": package.name}


def record_download(export: RegisterExport, *, actor, source: str = "web") -> None:
    """Who took a package out of Tether (it holds the whole register) is in the audit trail."""
    record_change(actor=actor, instance=export, action=AuditAction.DOWNLOAD,
                  before=snapshot(export), source=source)
