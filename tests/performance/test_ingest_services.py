"""Receiving batches: idempotency, no double counting, the file job, evidence announcements."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ArrangementFactory
from tests.performance.factories import CreditBandFactory, ServiceLevelFactory
from tether.core.jobs import JOB_KINDS
from tether.core.models import AuditEntry, Job, JobStatus
from tether.core.roles import Role
from tether.core.signals import provider_evidence_changed
from tether.performance.choices import BatchSource, BatchStatus, Outcome
from tether.performance.ingest import BatchProblem
from tether.performance.ingest_services import (
    INGEST_JOB,
    IdempotencyConflict,
    batch_process,
    batch_receive,
)
from tether.performance.models import MeasurementBatch, MeasurementChunk, PeriodResult
from tether.performance.storage import read_measurements

pytestmark = pytest.mark.django_db


def level_of(provider, reference="AVAIL", arrangement_reference=None, **fields):
    """A service level (mean, target 99.5) of an arrangement of the provider."""
    arrangement = ArrangementFactory(
        provider=provider, reference=arrangement_reference or f"ARR-{provider.pk}")
    return ServiceLevelFactory(arrangement=arrangement, reference=reference, **fields)


def march(level, values) -> list[dict]:
    """One measurement a day from March 1st, 2026."""
    return [{"level": level.pk, "at": f"2026-03-{day:02d}", "value": value}
            for day, value in enumerate(values, start=1)]


def body(rows) -> bytes:
    return json.dumps(rows).encode()


@pytest.fixture
def manager(users):
    return users[Role.VENDOR_MANAGER]


@pytest.fixture
def announced():
    calls = []

    def listener(sender, provider_ids, reason, **kwargs):
        calls.append((provider_ids, reason))

    provider_evidence_changed.connect(listener)
    yield calls
    provider_evidence_changed.disconnect(listener)


def test_a_batch_stores_its_rows_recomputes_and_is_audited(manager, provider_a):
    level = level_of(provider_a)
    batch, created = batch_receive(actor=manager, source=BatchSource.API,
                                   rows_or_file=body(march(level, [99.9, 99.8])), fmt="json")
    assert created and batch.status == BatchStatus.DONE
    assert (batch.received, batch.accepted, batch.rejected) == (2, 2, 0)
    assert read_measurements(level.pk)[1].tolist() == [99.9, 99.8]
    result = PeriodResult.objects.get(service_level=level)
    assert result.count == 2 and result.outcome == Outcome.MET
    entry = AuditEntry.objects.filter(object_id=str(batch.pk), source="api").get()
    assert entry.after["accepted"] == 2 and entry.actor == manager


def test_the_same_key_and_body_is_counted_once(manager, provider_a):
    level = level_of(provider_a)
    payload = body(march(level, [99.9, 99.8, 99.7]))
    first, created = batch_receive(actor=manager, source=BatchSource.API, rows_or_file=payload,
                                   fmt="json", idempotency_key="delivery-1")
    again, created_again = batch_receive(actor=manager, source=BatchSource.API,
                                         rows_or_file=payload, fmt="json",
                                         idempotency_key="delivery-1")
    assert created and not created_again and again.pk == first.pk
    assert MeasurementBatch.objects.count() == 1
    assert MeasurementChunk.objects.get(service_level=level).count == 3
    assert PeriodResult.objects.get(service_level=level).count == 3


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(manager, provider_a):
    level = level_of(provider_a)
    batch_receive(actor=manager, source=BatchSource.API, rows_or_file=body(march(level, [1])),
                  fmt="json", idempotency_key="delivery-1")
    with pytest.raises(IdempotencyConflict, match="already used"):
        batch_receive(actor=manager, source=BatchSource.API,
                      rows_or_file=body(march(level, [2, 3])), fmt="json",
                      idempotency_key="delivery-1")
    assert read_measurements(level.pk)[1].tolist() == [1.0]
    assert MeasurementBatch.objects.count() == 1


def test_another_users_key_is_not_a_way_to_read_their_batch(users, provider_a, provider_b):
    own = level_of(provider_a)
    payload = body(march(own, [1]))
    batch_receive(actor=users["contact_a"], source=BatchSource.PORTAL, rows_or_file=payload,
                  fmt="json", idempotency_key="shared")
    with pytest.raises(IdempotencyConflict):
        batch_receive(actor=users["contact_b"], source=BatchSource.PORTAL, rows_or_file=payload,
                      fmt="json", idempotency_key="shared")


def test_rows_sent_again_without_a_key_replace_rather_than_double(manager, provider_a):
    level = level_of(provider_a)
    payload = body(march(level, [99.0, 98.0]))
    for _ in range(2):
        batch_receive(actor=manager, source=BatchSource.API, rows_or_file=payload, fmt="json")
    assert MeasurementBatch.objects.count() == 2
    assert MeasurementChunk.objects.get(service_level=level).count == 2
    assert PeriodResult.objects.get(service_level=level).count == 2


def test_accepted_rows_are_kept_when_others_are_rejected(manager, provider_a):
    level = level_of(provider_a)
    rows = [*march(level, [99.0]), {"level": level.pk, "at": "soon", "value": 1}]
    batch, _ = batch_receive(actor=manager, source=BatchSource.API, rows_or_file=rows)
    assert (batch.accepted, batch.rejected) == (1, 1)
    assert batch.rejections[0]["row"] == 2 and batch.rejections[0]["column"] == "at"
    assert read_measurements(level.pk)[1].tolist() == [99.0]


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b'{"at": 1}', b"[NaN]",
                                     b'[{"level": 1, "at": "2026-03-01", "value": "1"}]'])
def test_a_body_of_the_wrong_shape_is_refused_whole_and_stores_nothing(manager, payload):
    with pytest.raises(BatchProblem):
        batch_receive(actor=manager, source=BatchSource.API, rows_or_file=payload, fmt="json")
    assert not MeasurementBatch.objects.exists()


def test_a_csv_body_is_read_like_a_file(manager, provider_a):
    level = level_of(provider_a, arrangement_reference="ARR-CSV")
    payload = b"arrangement,level,at,value\nARR-CSV,AVAIL,2026-03-01,99.1\n"
    batch, _ = batch_receive(actor=manager, source=BatchSource.API, rows_or_file=payload,
                             fmt="csv")
    assert batch.accepted == 1 and read_measurements(level.pk)[1].tolist() == [99.1]


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, Role.RISK_OFFICER])
def test_roles_that_do_not_write_performance_cannot_feed(users, role, provider_a):
    level = level_of(provider_a)
    with pytest.raises(PermissionDenied):
        batch_receive(actor=users[role], source=BatchSource.API,
                      rows_or_file=march(level, [1]))


def test_a_contact_feeds_only_their_own_providers_levels(users, provider_a, provider_b):
    own, other = level_of(provider_a), level_of(provider_b)
    batch, _ = batch_receive(actor=users["contact_a"], source=BatchSource.PORTAL,
                             rows_or_file=[*march(own, [1]), *march(other, [2])])
    assert batch.provider == provider_a
    assert (batch.accepted, batch.rejected) == (1, 1)
    assert not MeasurementChunk.objects.filter(service_level=other).exists()
    with pytest.raises(PermissionDenied):
        batch_receive(actor=users["contact_a"], source=BatchSource.PORTAL,
                      rows_or_file=march(own, [1]), provider=provider_b)


def test_a_new_breach_is_announced_once_and_an_unchanged_one_is_not(manager, provider_a,
                                                                     announced,
                                                                     django_capture_on_commit_callbacks):
    level = level_of(provider_a)
    CreditBandFactory(service_level=level, worse_than=99.5, credit_percent=5)
    with django_capture_on_commit_callbacks(execute=True):
        batch_receive(actor=manager, source=BatchSource.API, rows_or_file=march(level, [90.0]))
    assert announced == [([provider_a.pk], "SLA results changed")]
    assert PeriodResult.objects.get(service_level=level).outcome == Outcome.BREACHED
    with django_capture_on_commit_callbacks(execute=True):
        batch_receive(actor=manager, source=BatchSource.API,
                      rows_or_file=march(level, [90.0, 91.0]))
    assert len(announced) == 1


# The file job --------------------------------------------------------------------------------


def csv_upload(rows: str, name="march.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("arrangement,level,at,value\n" + rows).encode(),
                              content_type="text/csv")


def test_an_uploaded_file_is_read_by_its_job(manager, provider_a,
                                             django_capture_on_commit_callbacks):
    level_of(provider_a, arrangement_reference="ARR-F")
    with django_capture_on_commit_callbacks(execute=True):
        batch, _ = batch_receive(actor=manager, source=BatchSource.FILE,
                                 rows_or_file=csv_upload("ARR-F,AVAIL,2026-03-01,99\n"
                                                         "ARR-F,AVAIL,someday,99\n"))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.file_name == "march.csv"
    assert (batch.received, batch.accepted, batch.rejected) == (2, 1, 1)
    assert batch.job.status == JobStatus.SUCCEEDED
    assert batch.job.result["accepted"] == 1
    assert AuditEntry.objects.filter(object_id=str(batch.pk), source="job").exists()


def test_a_file_without_the_columns_is_refused_before_anything_is_queued(manager):
    upload = SimpleUploadedFile("m.csv", b"a,b\n1,2\n")
    with pytest.raises(BatchProblem, match="header row"):
        batch_receive(actor=manager, source=BatchSource.FILE, rows_or_file=upload)
    assert not MeasurementBatch.objects.exists() and not Job.objects.exists()


def test_running_the_job_again_doubles_nothing(manager, provider_a):
    level = level_of(provider_a, arrangement_reference="ARR-J")
    batch, _ = batch_receive(actor=manager, source=BatchSource.FILE,
                             rows_or_file=csv_upload("ARR-J,AVAIL,2026-03-01,99\n"
                                                     "ARR-J,AVAIL,2026-03-02,98\n"))
    job = batch.job
    # As if the worker had died mid-way: the batch still says processing, the job is re-run.
    MeasurementBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PROCESSING)
    JOB_KINDS[INGEST_JOB](job, None)
    JOB_KINDS[INGEST_JOB](job, None)
    batch.refresh_from_db()
    assert (batch.status, batch.received, batch.accepted) == (BatchStatus.DONE, 2, 2)
    assert MeasurementChunk.objects.get(service_level=level).count == 2
    assert PeriodResult.objects.get(service_level=level).count == 2
    # A finished batch is left alone: its audit trail gets no entry per extra run.
    entries = AuditEntry.objects.filter(object_id=str(batch.pk)).count()
    assert batch_process(batch.pk)["accepted"] == 2
    assert AuditEntry.objects.filter(object_id=str(batch.pk)).count() == entries


def test_a_file_that_cannot_be_read_fails_its_batch_with_the_reason(manager, provider_a):
    batch, _ = batch_receive(actor=manager, source=BatchSource.FILE,
                             rows_or_file=csv_upload("x,y,2026-03-01,1\n"))
    MeasurementBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED)
    batch.file.save("broken.csv", io.BytesIO(b"\x00\x01binary"), save=True)
    batch_process(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "binary" in batch.error


def test_a_met_period_moves_an_sla_share_but_a_kpi_never(manager, provider_a, provider_b,
                                                         announced,
                                                         django_capture_on_commit_callbacks):
    sla = level_of(provider_a)
    kpi = level_of(provider_b, kind="kpi")
    with django_capture_on_commit_callbacks(execute=True):
        batch_receive(actor=manager, source=BatchSource.API,
                      rows_or_file=[*march(sla, [99.9]), *march(kpi, [1.0])])
    assert announced == [([provider_a.pk], "SLA results changed")]
