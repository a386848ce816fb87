"""Receiving measurements: the batch, its idempotency, storing and recomputing.

A delivery with an idempotency key is received once: the same key with the same payload
answers with the stored batch; the same key with another payload is refused. Storing is a
merge that replaces a level's measurement at the same time, so even a delivery sent twice
without a key, or a job run twice after its worker died, never counts anything twice.
"""

import hashlib
import json
from datetime import UTC, date, datetime

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from tether.core.audit import record_change, snapshot
from tether.core.models import AuditAction
from tether.core.signals import announce_provider_evidence
from tether.performance import engine, storage
from tether.performance.choices import BatchSource, BatchStatus, LevelKind, Outcome
from tether.performance.ingest import (
    LOOKUP_BY_KEY,
    BatchProblem,
    ParsedMeasurements,
    check_file_header,
    parse_csv_text,
    parse_file,
    parse_json_rows,
)
from tether.performance.models import MeasurementBatch, PeriodResult

INGEST_JOB = "performance.ingest"
# Rows merged at once: sorted by level and time, so each slice touches its own months.
MERGE_SLICE = 250_000
AUDIT_SOURCE = {BatchSource.API: "api", BatchSource.FILE: "web", BatchSource.PORTAL: "portal"}


class IdempotencyConflict(Exception):
    """The idempotency key was already used for a different delivery."""


def payload_digest(rows_or_file) -> str:
    """SHA-256 of what was delivered: the body's bytes, a file's bytes, or rows as JSON."""
    digest = hashlib.sha256()
    if isinstance(rows_or_file, bytes):
        digest.update(rows_or_file)
    elif isinstance(rows_or_file, list):
        digest.update(json.dumps(rows_or_file, sort_keys=True, default=str).encode())
    else:
        rows_or_file.seek(0)
        for block in iter(lambda: rows_or_file.read(1 << 20), b""):
            digest.update(block)
        rows_or_file.seek(0)
    return digest.hexdigest()


def _scope_provider(actor, provider):
    """The provider whose levels the delivery may feed (None: any), checking who sends it."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    if actor.is_internal:
        if not actor.can("add", MeasurementBatch):
            raise PermissionDenied("Your role does not feed measurements.")
        return provider
    if actor.provider_id is None or (provider is not None and provider.pk != actor.provider_id):
        raise PermissionDenied
    return actor.provider


def _replay(actor, key: str, digest: str) -> MeasurementBatch | None:
    batch = MeasurementBatch.objects.filter(idempotency_key=key).first()
    if batch is None:
        return None
    if batch.payload_sha256 != digest or not MeasurementBatch.objects.restrict(actor).filter(
            pk=batch.pk).exists():
        raise IdempotencyConflict(
            f"The Idempotency-Key “{key[:80]}” was already used for another delivery; send new "
            "measurements under a new key.")
    return batch


def _parse_inline(rows_or_file, fmt: str | None, provider_id: int | None):
    if isinstance(rows_or_file, list):
        return parse_json_rows(rows_or_file, provider_id=provider_id)
    if fmt == "csv":
        return parse_csv_text(rows_or_file, provider_id=provider_id)
    try:
        rows = json.loads(rows_or_file, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise BatchProblem(f"The body is not valid JSON: {str(error)[:200]}.") from None
    return parse_json_rows(rows, provider_id=provider_id, strict=True)


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def batch_receive(*, actor, source: str, rows_or_file, idempotency_key: str | None = None,
                  provider=None, fmt: str | None = None,
                  file_name: str = "") -> tuple[MeasurementBatch, bool]:
    """Receive a delivery of measurements; returns its batch and whether it is a new one.

    Rows (a list of dicts) and bodies (bytes, `fmt` "json" or "csv") are stored at once; a
    file object is kept on the batch and read by a background job.
    """
    scope = _scope_provider(actor, provider)
    key = (idempotency_key or "").strip() or None
    if key is not None and len(key) > 200:
        raise BatchProblem("The Idempotency-Key is longer than 200 characters.")
    digest = payload_digest(rows_or_file)
    if key is not None:
        stored = _replay(actor, key, digest)
        if stored is not None:
            return stored, False
    common = {"idempotency_key": key, "payload_sha256": digest, "source": source,
              "provider": scope, "submitted_by": actor, "file_name": file_name[:255]}
    try:
        if isinstance(rows_or_file, list | bytes):
            parsed = _parse_inline(rows_or_file, fmt, scope.pk if scope else None)
            return _receive_now(actor, common, parsed), True
        return _receive_later(actor, common, rows_or_file), True
    except IntegrityError:
        # The same key arrived twice at once, and the other request stored it first.
        stored = _replay(actor, key, digest) if key else None
        if stored is None:
            raise
        return stored, False


def _receive_now(actor, common: dict, parsed: ParsedMeasurements) -> MeasurementBatch:
    with transaction.atomic():
        with transaction.atomic():  # a savepoint: a duplicate key must not spoil the rest
            batch = MeasurementBatch.objects.create(status=BatchStatus.PROCESSING, **common)
        _store(parsed)
        _finish(batch, parsed)
        record_change(actor=actor, instance=batch, action=AuditAction.CREATE, before=None,
                      source=AUDIT_SOURCE.get(batch.source, ""))
    return batch


def _receive_later(actor, common: dict, upload) -> MeasurementBatch:
    from tether.core.jobs import job_enqueue
    from tether.performance import tasks  # noqa: F401 (declares the job kind)

    name = common["file_name"] or getattr(upload, "name", "") or "measurements.csv"
    common["file_name"] = name[:255]
    check_file_header(upload, filename=name)
    with transaction.atomic():
        with transaction.atomic():
            batch = MeasurementBatch(status=BatchStatus.QUEUED, **common)
            stored = upload if isinstance(upload, File) else File(upload)
            batch.file.save(name.rsplit("/", 1)[-1][-100:], stored, save=False)
            batch.save()
        batch.job = job_enqueue(kind=INGEST_JOB, title=f"Measurements from {name[:200]}",
                                actor=actor, params={"batch": batch.pk})
        batch.save(update_fields=["job", "last_updated"])
        record_change(actor=actor, instance=batch, action=AuditAction.CREATE, before=None,
                      source=AUDIT_SOURCE.get(batch.source, ""))
    return batch


def batch_process(batch_id: int, *, progress=None) -> dict:
    """Read a queued batch's file, store its measurements and recompute (the job's work).

    Safe to run again after a worker died: a finished batch is left alone, and an unfinished
    one is processed anew, its merge replacing what the first run stored.
    """
    MeasurementBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.PROCESSING)
    batch = MeasurementBatch.objects.get(pk=batch_id)
    if batch.status != BatchStatus.PROCESSING:
        return _summary(batch)
    before = snapshot(batch)
    try:
        if progress:
            progress.step("Reading the file…")
        with batch.file.open("rb") as handle:
            parsed = parse_file(handle, filename=batch.file_name, provider_id=batch.provider_id)
    except (BatchProblem, OSError) as problem:
        with transaction.atomic():
            MeasurementBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.FAILED, error=str(problem)[:2000], finished=timezone.now())
            batch.refresh_from_db()
            record_change(actor=batch.submitted_by, instance=batch, action=AuditAction.UPDATE,
                          before=before, source="job")
        return _summary(batch)
    with transaction.atomic():
        _store(parsed, progress=progress)
        _finish(batch, parsed)
        record_change(actor=batch.submitted_by, instance=batch, action=AuditAction.UPDATE,
                      before=before, source="job")
    return _summary(batch)


def _summary(batch: MeasurementBatch) -> dict:
    summary = {"batch": batch.pk, "status": batch.status, "received": batch.received,
               "accepted": batch.accepted, "rejected": batch.rejected}
    if batch.error:
        summary["error"] = batch.error[:200]
    return summary


def _finish(batch: MeasurementBatch, parsed: ParsedMeasurements) -> None:
    batch.status = BatchStatus.DONE
    batch.received = parsed.received
    batch.accepted = parsed.accepted
    batch.rejected = parsed.rejected
    batch.rejections = parsed.rejections
    batch.finished = timezone.now()
    batch.save(update_fields=["status", "received", "accepted", "rejected", "rejections",
                              "finished", "last_updated"])


def _store(parsed: ParsedMeasurements, *, progress=None) -> None:
    """Merge the accepted rows, recompute the periods they touch, and tell the apps that
    rate providers when an SLA period's verdict changed (a breach appeared or went away, or a
    period was assessed: the risk engine weighs the share of breached periods)."""
    total = parsed.accepted
    if not total:
        return
    levels = set(parsed.provider_of_level)
    window = _period_window(parsed.times)
    verdicts_before = _sla_verdicts(levels, window)
    touched: set = set()
    if progress:
        progress.total(total)
    for start in range(0, total, MERGE_SLICE):
        end = start + MERGE_SLICE
        touched |= storage.merge_measurements(parsed.level_ids[start:end],
                                              parsed.times[start:end], parsed.values[start:end])
        if progress:
            progress.advance(min(end, total), "Storing measurements…")
    if progress:
        progress.step("Recomputing results…")
    engine.recompute_months(touched)
    verdicts_after = _sla_verdicts(levels, window)
    moved = {key for key in verdicts_before.keys() | verdicts_after.keys()
             if verdicts_before.get(key) != verdicts_after.get(key)}
    announce_provider_evidence({parsed.provider_of_level[level] for level, _ in moved},
                               reason="SLA results changed")


def _period_window(times) -> tuple[date, date]:
    """The first and last period starts the measurements can fall in (a quarter starts up to
    two months before its measurements' month)."""
    first = datetime.fromtimestamp(int(times.min()), UTC).date()
    last = datetime.fromtimestamp(int(times.max()), UTC).date()
    first_quarter = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    return first_quarter, last


def _sla_verdicts(level_ids: set[int], window: tuple[date, date]) -> dict:
    """(level, period) → met or breached, for the SLAs among these levels, in the periods
    the batch can have moved: only those are read, however long the levels' history."""
    assessed = PeriodResult.objects.filter(
        period_start__gte=window[0], period_start__lte=window[1],
        service_level__kind=LevelKind.SLA).exclude(outcome=Outcome.INSUFFICIENT)
    if len(level_ids) <= LOOKUP_BY_KEY:
        assessed = assessed.filter(service_level_id__in=level_ids)
    return {(level, period): outcome for level, period, outcome in assessed.values_list(
        "service_level_id", "period_start", "outcome") if level in level_ids}
