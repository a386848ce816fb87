"""The audit trail is a hash chain: every write path extends it, any change to it shows."""

import csv
import hashlib
import io
import json
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from tests.factories import OrganisationFactory, UserFactory
from tether.core.audit import BulkChange, record_bulk, record_change
from tether.core.audit_chain import GENESIS_HASH, entry_digest, verify_chain
from tether.core.models import AuditAction, AuditEntry
from tether.core.roles import Role
from tether.core.services import object_create
from tether.core.views.accounts import user_create, user_delete
from tether.registry import services
from tether.registry.bulk import fast_insert
from tether.registry.demo import demo_load
from tether.registry.generate import portfolio_generate
from tether.registry.generate_files import write_arrangements_file
from tether.registry.models import Arrangement, Provider

pytestmark = pytest.mark.django_db

# Direct SQL, as someone with access to the database would tamper with the trail.
TAMPER = {
    "after": "UPDATE core_auditentry SET after = CAST(%s AS jsonb) WHERE id = %s"
    if connection.vendor == "postgresql" else "UPDATE core_auditentry SET after = %s WHERE id = %s",
    "object_repr": "UPDATE core_auditentry SET object_repr = %s WHERE id = %s",
    "actor_name": "UPDATE core_auditentry SET actor_name = %s WHERE id = %s",
}


@pytest.fixture
def actor():
    return UserFactory(username="vm", role=Role.VENDOR_MANAGER)


@pytest.fixture
def trail(actor):
    """Five entries written by ordinary services: provider created, changed, deleted…"""
    provider = services.provider_create(actor=actor, data={"name": "Acme SA", "country": "FR"})
    services.provider_update(provider, actor=actor, data={"name": "Acme Holding SA"})
    object_create(Arrangement, actor=actor, data={
        "reference": "ARR-1", "organisation": OrganisationFactory(), "provider": provider,
        "start_date": date(2025, 1, 1), "end_date": date(2027, 12, 31),
        "annual_cost": Decimal("120000.50")})
    other = services.provider_create(actor=None, data={"name": "Ünïcode GmbH", "country": "DE"})
    services.provider_delete(other, actor=actor)
    assert AuditEntry.objects.count() == 5
    return list(AuditEntry.objects.order_by("sequence"))


def sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def run_verify(*args):
    """`tether audit verify` as call_command runs it: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


# Writing


def test_service_writes_form_a_gapless_linked_chain_that_verifies(trail):
    assert [e.sequence for e in trail] == [1, 2, 3, 4, 5]
    assert trail[0].previous_hash == GENESIS_HASH
    assert all(e.previous_hash == p.entry_hash for p, e in zip(trail, trail[1:], strict=False))
    result = verify_chain()
    assert result.intact
    assert (result.count, result.last_sequence, result.last_hash) == (5, 5, trail[-1].entry_hash)


def test_stored_hash_matches_the_values_read_back_from_the_database(trail):
    entry = AuditEntry.objects.get(sequence=3)  # the arrangement: a decimal and dates
    assert entry.after["annual_cost"] == "120000.50"
    assert entry.entry_hash == entry_digest(
        sequence=3, timestamp=entry.timestamp, actor_id=entry.actor_id,
        actor_name=entry.actor_name, action=entry.action, content_type="registry.arrangement",
        object_id=entry.object_id, object_repr=entry.object_repr, before=entry.before,
        after=entry.after, source=entry.source, previous_hash=entry.previous_hash)
    assert entry.timestamp.microsecond == trail[2].timestamp.microsecond


def test_bulk_writes_continue_the_chain_with_awkward_json(trail, actor):
    awkward = {"z": 1, "a": {"y": [3, 2, 1], "b": None}, "cost": Decimal("1.10"),
               "day": date(2026, 2, 28), "big": 1e16, "whole": 2.0, "tenth": 0.1,
               "tiny": 1.5e-7, "text": "é ✓ \"quoted\" \\ =SUM(A1)", "empty": {}}
    count = record_bulk(actor=actor, model=Provider, source="import", changes=[
        BulkChange(trail[0].object_id, "Acme", AuditAction.UPDATE, {"n": i}, awkward)
        for i in range(3)
    ])
    assert count == 3
    ids = fast_insert(Provider, ("name", "country"), [("Fast One", "IT"), ("Fast Two", "ES")],
                      source="generate", describe=lambda row: row[0])
    assert len(ids) == 2
    record_change(actor=actor, instance=Provider.objects.get(pk=ids[0]),
                  action=AuditAction.UPDATE, before={"name": "x"})
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) \
        == list(range(1, 12))
    result = verify_chain(chunk_size=4)  # several chunks
    assert result.intact, result.detail
    assert result.count == 11


def test_generated_portfolio_and_an_import_verify(tmp_path):
    portfolio_generate(providers=30, arrangements=40, subcontracting=10, organisations=1,
                       seed=1)
    path = tmp_path / "arrangements.csv"
    write_arrangements_file(path, 20, "csv", seed=2)
    call_command("import_data", "arrangements", str(path), stdout=io.StringIO())
    assert AuditEntry.objects.filter(source="import").exists()
    result = verify_chain()
    assert result.intact, result.detail
    assert result.count == AuditEntry.objects.count() > 100


def test_demo_data_verifies():
    demo_load()
    result = verify_chain()
    assert result.intact, result.detail
    assert result.count == AuditEntry.objects.count() > 100


def test_entries_written_directly_are_chained_too():
    AuditEntry.objects.create(action="create", content_type_id=1, object_id=7, object_repr="x")
    AuditEntry.objects.create(action="delete", content_type_id=1, object_id="7", object_repr="x")
    assert verify_chain().count == 2


def test_an_entry_once_written_cannot_be_saved_again(trail):
    entry = trail[1]
    entry.object_repr = "Forged"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


def test_deleting_a_user_keeps_the_chain_and_the_actors_id(trail, actor):
    admin = UserFactory(role=Role.ADMIN)
    user_delete(actor, actor=admin)
    assert AuditEntry.objects.get(sequence=1).actor_id == trail[0].actor_id
    assert verify_chain().intact


def test_user_accounts_are_audited_in_the_chain(actor):
    user_create(actor=actor, data={"username": "new", "role": Role.AUDITOR, "password": ""})
    assert verify_chain().count == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite lets one writer in at a time anyway")
def test_concurrent_writers_do_not_fork_the_chain():
    content_type = ContentType.objects.get_for_model(Provider)
    errors = []
    start = threading.Barrier(4)

    def writer(number):
        try:
            start.wait()
            for index in range(15):
                with transaction.atomic():
                    AuditEntry.objects.create(action="update", content_type=content_type,
                                              object_id=str(number), object_repr=str(index))
                    record_bulk(actor=None, model=Provider, changes=[
                        BulkChange(number, "bulk", AuditAction.UPDATE, None, {"i": index})])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify_chain()
    assert result.intact, result.detail
    assert result.count == 4 * 15 * 2


def test_data_migration_chains_existing_entries_in_id_order(trail):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tether.core.migrations.0004_chain_existing_audit_entries")
    sql("UPDATE core_auditentry SET sequence = sequence + 1000, previous_hash = '', "
        "entry_hash = ''")
    migration.chain_existing_entries(apps, connection.schema_editor())
    assert list(AuditEntry.objects.order_by("id").values_list("sequence", flat=True)) == \
        [1, 2, 3, 4, 5]
    assert verify_chain().intact


# Tampering


@pytest.mark.parametrize("column, value", [
    ("after", '{"name": "Forged SA", "country": "FR"}'),
    ("object_repr", "Forged SA"),
    ("actor_name", "someone-else"),
    ("timestamp", None),
])
def test_a_changed_column_names_the_altered_entry(trail, column, value):
    target = trail[2]
    if column == "timestamp":
        AuditEntry.objects.filter(pk=target.pk).update(
            timestamp=target.timestamp - timedelta(minutes=5))
    else:
        sql(TAMPER[column], [value, target.pk])
    result = verify_chain()
    assert not result.intact
    assert (result.broken_sequence, result.broken_id, result.problem) == (3, target.pk,
                                                                          "altered")
    assert result.count == 2 and result.last_hash == trail[1].entry_hash
    status, out, err = run_verify()
    assert status == 1 and out == ""
    assert "BROKEN at sequence 3" in err and f"id {target.pk}" in err and "altered" in err


def test_changing_json_key_order_or_spacing_is_not_tampering(trail):
    target = trail[1]
    sql(TAMPER["after"],
        [json.dumps(dict(reversed(list(target.after.items()))), indent=2), target.pk])
    assert verify_chain().intact


def test_a_deleted_entry_is_reported_as_missing(trail):
    sql("DELETE FROM core_auditentry WHERE id = %s", [trail[2].pk])
    result = verify_chain()
    assert (result.broken_sequence, result.problem) == (3, "missing")
    assert "entry 3 is missing" in result.detail
    status, _out, err = run_verify()
    assert status == 1 and "BROKEN at sequence 3" in err


def test_reordered_entries_are_reported_at_the_first_moved_one(trail):
    second, third = trail[1], trail[2]
    sql("UPDATE core_auditentry SET sequence = 999 WHERE id = %s", [second.pk])
    sql("UPDATE core_auditentry SET sequence = 2 WHERE id = %s", [third.pk])
    sql("UPDATE core_auditentry SET sequence = 3 WHERE id = %s", [second.pk])
    result = verify_chain()
    assert (result.broken_sequence, result.broken_id) == (2, third.pk)
    assert result.problem in ("altered", "broken_link")


def test_an_entry_rehashed_after_its_change_breaks_the_link_to_the_next(trail):
    target = trail[2]
    forged = entry_digest(
        sequence=3, timestamp=target.timestamp, actor_id=target.actor_id,
        actor_name=target.actor_name, action=target.action,
        content_type="registry.arrangement", object_id=target.object_id,
        object_repr="Forged", before=target.before, after=target.after,
        source=target.source, previous_hash=target.previous_hash)
    AuditEntry.objects.filter(pk=target.pk).update(object_repr="Forged", entry_hash=forged)
    result = verify_chain()
    assert (result.broken_sequence, result.broken_id, result.problem) == (4, trail[3].pk,
                                                                          "broken_link")


def test_entries_cut_off_the_end_are_caught_by_the_anchor(trail):
    status, out, _err = run_verify()
    assert status == 0
    assert out.strip() == (f"Audit trail intact: 5 entries, last hash {trail[-1].entry_hash} "
                           "(sequence 5).")
    sql("DELETE FROM core_auditentry WHERE id = %s", [trail[-1].pk])
    assert verify_chain().intact  # the chain alone cannot tell
    status, _out, err = run_verify("--anchor", f"5:{trail[-1].entry_hash}")
    assert status == 1 and "anchor" in err and "sequence 4" in err
    status, _out, _err = run_verify("--anchor", f"4:{trail[-2].entry_hash}")
    assert status == 0


def test_a_rewritten_chain_is_caught_by_the_anchor(trail):
    anchor = f"4:{trail[3].entry_hash}"
    # Rewrite entry 4 and rehash it and everything after it: the chain itself is consistent.
    previous = trail[2].entry_hash
    for entry in trail[3:]:
        repr_ = "Forged" if entry.sequence == 4 else entry.object_repr
        digest = entry_digest(
            sequence=entry.sequence, timestamp=entry.timestamp, actor_id=entry.actor_id,
            actor_name=entry.actor_name, action=entry.action,
            content_type=f"{entry.content_type.app_label}.{entry.content_type.model}",
            object_id=entry.object_id, object_repr=repr_, before=entry.before,
            after=entry.after, source=entry.source, previous_hash=previous)
        AuditEntry.objects.filter(pk=entry.pk).update(
            object_repr=repr_, previous_hash=previous, entry_hash=digest)
        previous = digest
    assert verify_chain().intact
    status, _out, err = run_verify("--anchor", anchor)
    assert status == 1 and "BROKEN at sequence 4" in err


# Export


def test_jsonl_export_lets_an_auditor_recompute_every_hash(trail, tmp_path):
    path = tmp_path / "trail.jsonl"
    call_command("audit", "export", "--format", "jsonl", "--output", str(path),
                 stderr=io.StringIO())
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["sequence"] for r in records] == [1, 2, 3, 4, 5]
    previous = GENESIS_HASH
    for record in records:
        entry_hash = record.pop("entry_hash")
        record.pop("id")
        assert record["previous_hash"] == previous
        text = json.dumps(record, sort_keys=True, separators=(",", ":"))
        assert hashlib.sha256(text.encode()).hexdigest() == entry_hash
        previous = entry_hash
    assert previous == trail[-1].entry_hash


def test_csv_export_has_hashes_and_defuses_formulas(trail, actor, tmp_path):
    provider = Provider.objects.get(pk=trail[0].object_id)
    record_bulk(actor=actor, model=Provider, source="=cmd|' /C calc'!A0", changes=[
        BulkChange(provider.pk, "=HYPERLINK(\"http://evil\")", AuditAction.UPDATE, None,
                   {"name": "-1+1"})])
    path = tmp_path / "trail.csv"
    call_command("audit", "export", "--output", str(path), stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [int(r["sequence"]) for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r["entry_hash"] for r in rows[:5]] == [e.entry_hash for e in trail]
    assert rows[5]["previous_hash"] == trail[-1].entry_hash
    assert rows[5]["object_repr"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[5]["source"].startswith("'=")
    assert json.loads(rows[5]["after"]) == {"name": "-1+1"}


def test_export_since_a_date_keeps_the_later_entries(trail):
    AuditEntry.objects.filter(sequence__lte=2).update(
        timestamp=timezone.now() - timedelta(days=10))
    out = io.StringIO()
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    call_command("audit", "export", "--format", "jsonl", "--since", since, stdout=out,
                 stderr=io.StringIO())
    assert [json.loads(line)["sequence"] for line in out.getvalue().splitlines()] == [3, 4, 5]


# Pages


def test_auditor_sees_the_trail_verified(trail, users, login):
    response = login(users[Role.AUDITOR]).get("/audit/verify/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Audit trail intact" in page and trail[-1].entry_hash in page
    assert "<script" not in page.split("</head>")[1] and " onclick" not in page


def test_auditor_sees_where_the_trail_is_broken(trail, users, login):
    sql("UPDATE core_auditentry SET object_repr = 'Forged' WHERE id = %s", [trail[3].pk])
    response = login(users[Role.AUDITOR]).get("/audit/verify/")
    assert response.status_code == 200
    assert "broken at sequence 4" in response.content.decode()


def test_auditor_downloads_the_export(trail, users, login):
    response = login(users[Role.AUDITOR]).get("/audit/export/?format=jsonl")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tether-audit')
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["entry_hash"] for line in lines] == [e.entry_hash for e in trail]
    assert login(users[Role.AUDITOR]).get("/audit/export/?format=xlsx").status_code == 404


@pytest.mark.parametrize("url", ["/audit/verify/", "/audit/export/"])
def test_executive_may_not_verify_or_export_the_trail(trail, users, login, url):
    assert login(users[Role.EXECUTIVE]).get(url).status_code == 403
