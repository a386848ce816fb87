"""`tether backup` and `tether restore`: everything comes back exactly, or nothing changes."""

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader
from django.db.models.functions import Cast
from django_countries.fields import CountryField
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from tests.core.test_cli import run_tether
from tests.factories import UserFactory, make_document, pdf_bytes
from tether.core.audit_chain import verify_chain
from tether.core.backup import SKIPPED_MODELS, _decoder, _encoder, _read_snapshot
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.documents.models import Document
from tether.documents.services import document_plaintext
from tether.registry.models import Organisation, Provider
from tether.registry.services import (
    ACTIVITY,
    ARRANGEMENT,
    ORGANISATION,
    PROVIDER,
    PROVIDER_IDENTIFIER,
    SERVICE,
    SUBCONTRACTING_LINK,
)

# Backup and restore run their own transactions, as they do outside tests.
transactional = pytest.mark.django_db(transaction=True)


def key_spec(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"


@pytest.fixture
def document_keys(settings):
    settings.TETHER_DOCUMENT_KEYS = [key_spec("knew2025"), key_spec("kold2024")]
    return settings.TETHER_DOCUMENT_KEYS


@pytest.fixture
def portfolio(document_keys):
    """A varied register made through the services, with users, grants and document files."""
    admin = UserFactory(username="admin", role=Role.ADMIN, first_name="Åsa",
                        last_name="Ødegård-Müller")
    bank = ORGANISATION.create(actor=admin, data={"name": "Tether Bank AG", "country": "DE"})
    branch = ORGANISATION.create(actor=admin, data={"name": "Tether Bank SA", "country": "FR",
                                                    "description": "Zweigstelle — 東京 too"})
    payments = ACTIVITY.create(actor=admin, data={"organisation": bank, "name": "Payments",
                                                  "porter_area": "operations"})
    ACTIVITY.create(actor=admin, data={"organisation": bank, "name": "Card clearing",
                                       "porter_area": "operations", "parent": payments})
    retired = SERVICE.create(actor=admin, data={"name": "Retired", "service_type": "ito"})
    hosting = SERVICE.create(actor=admin, data={"name": "Hosting", "service_type": "ito",
                                                "activities": [payments.pk]})
    SERVICE.delete(retired, actor=admin)  # a gap in the ids, and a deletion in the trail
    group = PROVIDER.create(actor=admin, data={
        "name": "Cloud Group plc", "country": "IE", "outsourcing_type": "ito",
        "lei": "529900T8BM49AURSDO55"})
    cloud = PROVIDER.create(actor=admin, data={
        "name": "Cloud Europe GmbH", "country": "DE", "outsourcing_type": "ito",
        "parent": group, "annual_spend": Decimal("1234567.89"),
        "service_countries": ["DE", "IE", "FR"], "services": [hosting.pk]})
    datacentre = PROVIDER.create(actor=admin, data={
        "name": "Rechenzentrum Süd", "country": "DE", "outsourcing_type": "ito"})
    PROVIDER.update(datacentre, actor=admin, data={"parent": cloud})  # regroups, in bulk
    PROVIDER_IDENTIFIER.create(actor=admin, data={
        "provider": cloud, "scheme": "vat", "value": "DE123456789", "country": "DE"})
    arrangement = ARRANGEMENT.create(actor=admin, data={
        "reference": "ARR-0001", "organisation": bank, "provider": cloud,
        "start_date": date(2024, 1, 1), "end_date": date(2027, 6, 30),
        "annual_cost": Decimal("99000.50"), "currency": "EUR", "is_critical": True,
        "criticality_reason": "Hosts the payment engine.", "services": [hosting.pk],
        "governing_law_country": "IE"})
    ARRANGEMENT.create(actor=admin, data={
        "reference": "ARR-0002", "organisation": branch, "provider": group,
        "start_date": date(2025, 3, 1), "end_date": None, "renewal_type": "open_ended"})
    SUBCONTRACTING_LINK.create(actor=admin, data={
        "provider": cloud, "subcontractor": datacentre, "service": hosting,
        "arrangement": arrangement, "supports_critical_function": True})
    contract = make_document(actor=admin, attached_to=arrangement, name="contract.pdf",
                             data=pdf_bytes(pages=2))
    contact = UserFactory(username="contact", role=Role.PROVIDER_CONTACT, provider=cloud)
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(*Permission.objects.filter(codename__startswith="view_")[:3])
    contact.groups.add(auditors)
    contact.user_permissions.add(Permission.objects.get(codename="view_provider"))
    Token.objects.create(user=admin)
    TOTPDevice.objects.create(user=admin, name="Phone", confirmed=True)
    session = SessionStore()  # sessions are not backed up: a restore logs everyone out
    session["signed_in_as"] = admin.pk
    session.create()
    documents = Path(settings.TETHER_DOCUMENTS_DIR)
    for name, size in (("3f/3fa0c1.knew2025.tdoc", 70_000), ("a1/a1b2c3.kold2024.tdoc", 10),
                       ("sub/dir/ünïcode name.tdoc", 0)):
        (documents / name).parent.mkdir(parents=True, exist_ok=True)
        (documents / name).write_bytes(os.urandom(size))
    (documents / "3f" / ".upload-in-progress").write_bytes(b"half a file")
    return {"admin": admin, "bank": bank, "contract": contract}


def stored_models():
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy
            and m._meta.label_lower not in SKIPPED_MODELS]


def database_rows() -> dict[str, list[tuple]]:
    """Every column of every row, by model and primary key; JSON as its stored text."""
    rows = {}
    for model in stored_models():
        columns = [Cast(f.name, output_field=models.TextField())
                   if isinstance(f, models.JSONField) else f.attname
                   for f in model._meta.concrete_fields]
        rows[model._meta.label_lower] = list(
            model._base_manager.order_by("pk").values_list(*columns))
    return rows


def document_files() -> dict[str, bytes]:
    root = Path(settings.TETHER_DOCUMENTS_DIR)
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()
            and not path.name.startswith(".")}


def back_up(tmp_path, name="backup.tar.gz") -> Path:
    archive = tmp_path / name
    call_command("backup", output=archive, stdout=io.StringIO(), stderr=io.StringIO())
    return archive


def restore(archive: Path, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out, stderr=out, **options)
    return out.getvalue()


def wipe_to_a_fresh_install():
    """What `tether migrate` gives: no data, and content types with ids of their own."""
    backed_up = set(ContentType.objects.values_list("pk", flat=True))
    call_command("flush", interactive=False, verbosity=0)
    # Content types recreated with ids of their own, as on another install. flush resets the
    # sequences on PostgreSQL, so the new ids could land where the old ones were: recreate
    # until they differ.
    for _ in range(3):
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
        if ContentType.objects.get_for_model(Provider).pk not in backed_up:
            break
    Group.objects.create(name="Seeded by a data migration")  # not data the restore refuses
    shutil.rmtree(settings.TETHER_DOCUMENTS_DIR)


@transactional
def test_restore_brings_back_every_row_and_document_file_exactly(portfolio, tmp_path):
    before, files = database_rows(), document_files()
    provider_type = ContentType.objects.get_for_model(Provider).pk
    archive = back_up(tmp_path)
    wipe_to_a_fresh_install()
    assert ContentType.objects.get_for_model(Provider).pk != provider_type
    assert Provider.objects.count() == 0

    output = restore(archive)

    assert "Restored" in output
    assert database_rows() == before
    assert document_files() == files
    assert ContentType.objects.get_for_model(Provider).pk == provider_type
    assert verify_chain().intact
    contract = Document.objects.get(pk=portfolio["contract"].pk)  # with the keys kept aside
    assert document_plaintext(contract).startswith(b"%PDF")
    assert not Session.objects.exists()
    assert not list(tmp_path.glob(".documents.restore-*"))


@transactional
def test_new_rows_after_a_restore_get_fresh_ids_and_extend_the_audit_chain(portfolio, tmp_path):
    archive = back_up(tmp_path)
    last_ids = {m: m.objects.order_by("pk").last().pk for m in (Organisation, AuditEntry)}
    wipe_to_a_fresh_install()
    restore(archive)
    added = ORGANISATION.create(actor=None, data={"name": "Added later", "country": "LU"})
    assert added.pk > last_ids[Organisation]
    assert AuditEntry.objects.order_by("pk").last().pk > last_ids[AuditEntry]
    assert verify_chain().intact


def read_members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def write_archive(target: Path, members: dict[str, bytes], *, rehash: bool = True,
                  manifest_changes: dict | None = None, extra: tuple = ()) -> Path:
    """An archive of `members` (and raw `extra` TarInfos), with the manifest made to match."""
    manifest = json.loads(members.pop("manifest.json"))
    manifest.update(manifest_changes or {})
    if rehash:
        manifest["members"] = {name: {"sha256": hashlib.sha256(data).hexdigest(),
                                      "size": len(data)} for name, data in members.items()}
    members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as tar:
        for info in extra:
            tar.addfile(info)
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def assert_refused_and_unchanged(archive: Path, match: str):
    """Even with --force, which would replace everything, nothing changes."""
    before, files = database_rows(), document_files()
    with pytest.raises(CommandError, match=match):
        restore(archive, force=True)
    assert database_rows() == before
    assert document_files() == files
    assert not list(Path(settings.TETHER_DOCUMENTS_DIR).parent.glob(".documents.restore-*"))


@transactional
@pytest.mark.parametrize("damage", ["truncated", "flipped byte"])
def test_restore_refuses_a_damaged_archive_and_changes_nothing(portfolio, tmp_path, damage):
    data = bytearray(back_up(tmp_path).read_bytes())
    if damage == "truncated":
        data = data[: len(data) * 2 // 3]
    else:
        data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    assert_refused_and_unchanged(damaged, "damaged|incomplete")


@transactional
def test_restore_refuses_a_member_whose_content_does_not_match_its_checksum(portfolio,
                                                                            tmp_path):
    members = read_members(back_up(tmp_path))
    name = "db/registry.provider.jsonl"
    members[name] = members[name].replace(b"Cloud Europe GmbH", b"Cloud Europa GmbH")
    altered = write_archive(tmp_path / "altered.tar.gz", members, rehash=False)
    assert_refused_and_unchanged(altered, "checksum of db/registry.provider.jsonl")


@transactional
@pytest.mark.parametrize("name", ["../../escaped.txt", "documents/../../escaped.txt",
                                  "/srv/escaped.txt", "documents//escaped.txt"])
def test_restore_refuses_a_member_path_outside_the_archive(portfolio, tmp_path, name):
    members = read_members(back_up(tmp_path))
    members[name] = b"written where it should not be"
    hostile = write_archive(tmp_path / "hostile.tar.gz", members)
    assert_refused_and_unchanged(hostile, "unsafe member name")
    assert not (tmp_path.parent / "escaped.txt").exists()
    assert not (tmp_path / "escaped.txt").exists()


@transactional
def test_restore_refuses_a_member_that_is_a_link(portfolio, tmp_path):
    link = tarfile.TarInfo("documents/3f/passwords.tdoc")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    hostile = write_archive(tmp_path / "link.tar.gz", read_members(back_up(tmp_path)),
                            extra=(link,))
    assert_refused_and_unchanged(hostile, "not a regular file")


@transactional
def test_restore_refuses_another_format_version(portfolio, tmp_path):
    future = write_archive(tmp_path / "v2.tar.gz", read_members(back_up(tmp_path)),
                           manifest_changes={"format_version": 2})
    assert_refused_and_unchanged(future, "format version 2")


@transactional
def test_restore_refuses_a_backup_from_a_newer_tether(portfolio, tmp_path):
    members = read_members(back_up(tmp_path))
    migrations = json.loads(members["manifest.json"])["migrations"]
    migrations["core"] = ["9999_from_the_future"]
    newer = write_archive(tmp_path / "newer.tar.gz", members,
                          manifest_changes={"migrations": migrations})
    assert_refused_and_unchanged(newer, "newer Tether")


@transactional
def test_restore_into_an_install_with_data_needs_force(portfolio, tmp_path):
    before, files = database_rows(), document_files()
    archive = back_up(tmp_path)
    ORGANISATION.create(actor=None, data={"name": "Added after the backup", "country": "LU"})
    late_file = Path(settings.TETHER_DOCUMENTS_DIR) / "late.tdoc"
    late_file.write_bytes(b"uploaded after the backup")

    with pytest.raises(CommandError, match="already holds data"):
        restore(archive)
    assert Organisation.objects.filter(name="Added after the backup").exists()

    output = restore(archive, force=True)
    assert database_rows() == before
    assert document_files() == files
    moved_aside = next(tmp_path.glob("documents.before-restore-*"))
    assert (moved_aside / "late.tdoc").read_bytes() == b"uploaded after the backup"
    assert str(moved_aside) in output


@transactional
def test_manifest_has_versions_counts_checksums_and_key_ids_but_never_keys(portfolio,
                                                                           tmp_path,
                                                                           document_keys):
    archive = tmp_path / "backup.tar.gz"
    errors = io.StringIO()
    call_command("backup", output=archive, stdout=io.StringIO(), stderr=errors)
    members = read_members(archive)
    manifest = json.loads(members.pop("manifest.json"))

    assert manifest["format"] == "tether-backup" and manifest["format_version"] == 1
    assert manifest["database_vendor"] == connection.vendor
    leaves = dict(MigrationLoader(connection).graph.leaf_nodes())
    assert manifest["migrations"]["core"] == [leaves["core"]]
    assert manifest["row_counts"]["registry.provider"] == 3
    assert manifest["row_counts"]["core.auditentry"] == AuditEntry.objects.count()
    assert "sessions.session" not in manifest["row_counts"]
    assert manifest["members"] == {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in members.items()}
    assert "documents/3f/.upload-in-progress" not in members
    assert manifest["documents"]["key_ids"] == ["knew2025", "kold2024"]
    everything = b"".join(members.values()) + json.dumps(manifest).encode()
    for spec in document_keys:
        assert spec.split(":")[1].encode() not in everything
    assert "does NOT contain the document encryption keys" in errors.getvalue()
    assert "knew2025, kold2024" in errors.getvalue()


@transactional
def test_restore_warns_when_this_install_lacks_the_documents_keys(portfolio, tmp_path,
                                                                   settings):
    archive = back_up(tmp_path)
    wipe_to_a_fresh_install()
    settings.TETHER_DOCUMENT_KEYS = [key_spec("kother")]
    assert "knew2025, kold2024" in restore(archive)


@pytest.mark.parametrize("field, value", [
    (models.DateTimeField(), datetime(2026, 1, 31, 9, 15, 0, 123456, tzinfo=UTC)),
    (models.DateTimeField(), datetime(2026, 1, 31, 9, 15, tzinfo=UTC)),
    (models.DateField(), date(1999, 12, 31)),
    (models.TimeField(), time(23, 59, 58, 999)),
    (models.DecimalField(max_digits=16, decimal_places=2), Decimal("-0.10")),
    (models.DurationField(), timedelta(days=3, microseconds=7)),
    (models.UUIDField(), uuid.UUID("12345678-1234-5678-1234-567812345678")),
    (models.BinaryField(), b"\x00\xffbytes"),
    (models.GenericIPAddressField(), "2001:db8::1"),
    (CountryField(multiple=True), "DE,FR"),
    (CountryField(), "IE"),
])
def test_each_column_type_comes_back_as_the_same_database_value(field, value):
    field.set_attributes_from_name("column")
    encode, decode = _encoder(field) or (lambda v: v), _decoder(field, connection) or (
        lambda v: v)
    archived = json.loads(json.dumps(encode(value)))
    assert unwrapped(decode(archived)) == unwrapped(field.get_db_prep_save(value, connection))


def unwrapped(parameter):
    """A database parameter's value, out of the driver's wrapper for bytes (no equality)."""
    parameter = getattr(parameter, "obj", parameter)
    return bytes(parameter) if isinstance(parameter, memoryview) else parameter


@transactional
def test_backup_reads_every_table_in_one_read_only_snapshot():
    with _read_snapshot(connection), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone()[0] == "repeatable read"
            cursor.execute("SHOW transaction_read_only")
            assert cursor.fetchone()[0] == "on"
        else:
            assert connection.connection.in_transaction
    assert not connection.in_atomic_block


# --- End to end, as an operator runs it ----------------------------------------------------


def archive_rows(archive: Path) -> dict[str, list]:
    """The rows of an archive, JSON columns parsed (PostgreSQL orders a JSON object's keys)."""
    def value(item):
        if isinstance(item, str) and item[:1] in "{[":
            try:
                return json.loads(item)
            except ValueError:
                return item
        return item

    rows = {}
    for name, data in read_members(archive).items():
        if name.startswith("db/"):
            header, *lines = data.splitlines()
            rows[json.loads(header)["model"]] = [[value(v) for v in json.loads(line)]
                                                 for line in lines]
    return rows


def table_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                  if t not in ("django_session", "django_migrations", "sqlite_sequence")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
                for t in tables}


@pytest.fixture
def fresh_postgres_database():
    """The URL of a new, empty PostgreSQL database, dropped afterwards; skip without a server."""
    psycopg = pytest.importorskip("psycopg")
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tether")
    if not server.startswith("postgres"):
        server = "postgres://postgres@127.0.0.1:5432/tether"
    base, _, _ = server.rpartition("/")
    name = f"tether_restore_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server to restore into")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tether(*args, data_dir: Path, database_url: str | None = None):
    extra = {"TETHER_DOCUMENTS_DIR": str(data_dir / "documents")}
    if database_url:
        extra["DATABASE_URL"] = database_url
    result = run_tether(*args, data_dir=data_dir, extra_env=extra)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def demo_backup(tmp_path_factory):
    """`tether demo` with two document files, and its backup."""
    source = tmp_path_factory.mktemp("source")
    tether("demo", "--no-serve", data_dir=source)
    for name in ("ab/ab12.k1.tdoc", "cd/cd34.k1.tdoc"):
        (source / "documents" / name).parent.mkdir(parents=True, exist_ok=True)
        (source / "documents" / name).write_bytes(os.urandom(4096))
    archive = source.parent / "demo.tar.gz"
    result = tether("backup", "--output", str(archive), data_dir=source)
    assert "does NOT contain the document encryption keys" in result.stderr
    return source, archive


@pytest.mark.slow
def test_demo_backup_restores_into_a_new_data_directory(demo_backup, tmp_path):
    source, archive = demo_backup
    copy = tmp_path / "copy"
    tether("restore", str(archive), data_dir=copy)
    assert table_counts(copy / "tether.sqlite3") == table_counts(source / "tether.sqlite3")
    for name in ("ab/ab12.k1.tdoc", "cd/cd34.k1.tdoc"):
        assert (copy / "documents" / name).read_bytes() == (
            source / "documents" / name).read_bytes()
    tether("check", data_dir=copy)
    tether("audit", "verify", data_dir=copy)
    again = run_tether("restore", str(archive), data_dir=copy,
                       extra_env={"TETHER_DOCUMENTS_DIR": str(copy / "documents")})
    assert again.returncode != 0 and "already holds data" in again.stderr


@pytest.mark.slow
def test_sqlite_backup_restores_into_postgresql_and_back(demo_backup, tmp_path,
                                                         fresh_postgres_database):
    """A logical dump: the rows survive SQLite → PostgreSQL → SQLite unchanged."""
    _, archive = demo_backup
    on_postgres = tmp_path / "on-postgres"
    tether("restore", str(archive), data_dir=on_postgres, database_url=fresh_postgres_database)
    tether("audit", "verify", data_dir=on_postgres, database_url=fresh_postgres_database)
    tether("backup", "--output", str(tmp_path / "from-postgres.tar.gz"), data_dir=on_postgres,
           database_url=fresh_postgres_database)
    back = tmp_path / "back"
    tether("restore", str(tmp_path / "from-postgres.tar.gz"), data_dir=back)
    tether("audit", "verify", data_dir=back)
    tether("backup", "--output", str(tmp_path / "back.tar.gz"), data_dir=back)
    original = archive_rows(archive)
    assert archive_rows(tmp_path / "from-postgres.tar.gz") == original
    assert archive_rows(tmp_path / "back.tar.gz") == original
