"""Backup and restore of a whole installation: every table and every document file, in one archive.

The archive is a gzipped tar file:

    db/<app_label>.<model_name>.jsonl   one per model: a header line, then one JSON array a row
    documents/<path>                    every file under TETHER_DOCUMENTS_DIR, as it is (encrypted)
    manifest.json                       written last: versions, migration state, row counts,
                                        key ids (never keys) and the SHA-256 of every member

Rows are dumped and loaded through the *historical* models of the migration state the database
is at (what `RunPython` gets from `apps.get_model`), never through the current model classes, so
the code is generic over every installed app and a backup taken by an older Tether can be
restored by a newer one: the restore migrates the empty database to the backup's state, loads
the rows, and then migrates forward, so data migrations run over the restored rows.

Primary keys are kept exactly, content types and permissions included: content type ids occur
not only in foreign keys but also inside JSON values (audit snapshots of objects that refer to a
content type), which natural keys would not remap, and the audit trail's hash chain covers the
rows as they were. JSON columns are copied as their stored text, so values (and the difference
between SQL NULL and JSON null) come back as they were written.
"""

import base64
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models.functions import Cast
from django.utils import timezone

from tether.core.models import AuditEntry

FORMAT = "tether-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_PREFIX = "db/"
DOCUMENTS_PREFIX = "documents/"
DB_MEMBER = re.compile(r"db/([a-z0-9_]+\.[a-z0-9_]+)\.jsonl")
# Sessions are not backed up: a restored install starts with everyone logged out.
SKIPPED_MODELS = frozenset({"sessions.session"})
READ_CHUNK = 2000
INSERT_BATCH = 5000
COPY_BUFFER = 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
SQLITE_RESTORE_CACHE_KIB = 256 * 1024
# Fields whose values JSON and the database drivers take as they are.
_PLAIN_FIELDS = frozenset({
    models.AutoField, models.BigAutoField, models.SmallAutoField, models.CharField,
    models.TextField, models.EmailField, models.SlugField, models.URLField,
    models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
    models.PositiveIntegerField, models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField, models.BooleanField, models.FloatField,
})


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


@dataclass
class BackupReport:
    path: Path
    rows: dict[str, int]
    documents: int
    document_bytes: int
    key_ids: list[str]
    key_source: str
    archive_bytes: int
    sha256: str
    seconds: float
    skipped_documents: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    rows: dict[str, int]
    documents: int
    seconds: float
    backup_created_at: str
    backup_version: str
    migrated_forward: bool
    key_ids: list[str]
    missing_key_ids: list[str]
    replaced_documents_dir: Path | None


# --- Models and migration state --------------------------------------------------------------


def _applied_leaves(loader: MigrationLoader) -> dict[str, list[str]]:
    """Per app, the latest applied migrations (more than one only for unmerged branches)."""
    graph = loader.graph
    replaced = {key for squash in loader.replacements.values() for key in squash.replaces}
    # Entries of apps that are no longer installed are ignored, as `migrate` ignores them.
    unknown = sorted(f"{app}.{name}" for app, name in loader.applied_migrations
                     if app in loader.migrated_apps and (app, name) not in graph.nodes
                     and (app, name) not in replaced)
    if unknown:
        raise BackupError(
            f"The database has migrations this Tether does not know ({', '.join(unknown[:5])}): "
            "it was upgraded by a newer version. Back it up with that version.")
    applied = {key for key in loader.applied_migrations if key in graph.nodes}
    leaves: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        children = graph.node_map[(app, name)].children
        if not any(child.key in applied and child.key[0] == app for child in children):
            leaves.setdefault(app, []).append(name)
    return leaves


def _state_apps(loader: MigrationLoader, leaves: dict[str, list[str]]):
    nodes = [(app, name) for app, names in leaves.items() for name in names]
    return loader.project_state(nodes, at_end=True).apps


def _stored_models(state_apps) -> list[type[models.Model]]:
    """Every model with a table of its own, in an order that loads referenced rows first.

    Cycles (a user's provider, a provider's owner) are broken arbitrarily: foreign keys are
    checked at commit on SQLite and PostgreSQL alike, so the order only makes loading tidier.
    """
    by_label = {
        model._meta.label_lower: model
        for model in state_apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    }
    depends = {
        label: {f.related_model._meta.label_lower for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not None
                and f.related_model._meta.label_lower in by_label
                and f.related_model._meta.label_lower != label}
        for label, model in by_label.items()
    }
    ordered: list[str] = []
    pending = sorted(by_label)
    while pending:
        ready = [label for label in pending if depends[label] <= set(ordered)] or pending[:1]
        ordered += ready
        pending = [label for label in pending if label not in ready]
    return [by_label[label] for label in ordered]


def _stored_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def _model_tables(connection, state_models) -> list[str]:
    """Tables of the given and the installed models that exist in the database."""
    installed = [m for m in global_apps.get_models(include_auto_created=True)
                 if m._meta.managed and not m._meta.proxy and not m._meta.swapped]
    names = {m._meta.db_table for m in [*state_models, *installed]}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    return sorted(names & existing)


# --- Column codecs -------------------------------------------------------------------------


def _value_field(model_field: models.Field) -> models.Field:
    """The field that gives a column its type: a foreign key's target field, else itself."""
    while model_field.is_relation and getattr(model_field, "target_field", None) is not None:
        model_field = model_field.target_field
    return model_field


def _select(model_field: models.Field):
    # JSON is copied as its stored text: exactly what was written, SQL NULL apart from JSON null.
    if isinstance(model_field, models.JSONField):
        return Cast(model_field.name, output_field=models.TextField())
    return model_field.attname


def _encoder(model_field: models.Field) -> Callable | None:
    """How a column's Python value becomes a JSON value; None: as it is."""
    kind = _value_field(model_field)
    if type(kind) in _PLAIN_FIELDS or isinstance(kind, models.JSONField):
        return None
    if isinstance(kind, models.DateTimeField | models.DateField | models.TimeField):
        return lambda value: value.isoformat()
    if isinstance(kind, models.DecimalField | models.UUIDField):
        return str
    if isinstance(kind, models.DurationField):
        return lambda value: value // timedelta(microseconds=1)
    if isinstance(kind, models.BinaryField):
        return lambda value: base64.b64encode(bytes(value)).decode("ascii")

    def other(value, field=kind):
        # As Django's serializers do: JSON types as they are, anything else as text.
        if isinstance(value, str | int | float | bool):
            return value
        return field.value_to_string(SimpleNamespace(**{field.attname: value}))
    return other


def _decoder(model_field: models.Field, connection) -> Callable | None:
    """How a JSON value from the archive becomes a database parameter; None: as it is."""
    kind = _value_field(model_field)
    if type(kind) in _PLAIN_FIELDS or isinstance(kind, models.JSONField):
        return None
    ops = connection.ops
    # Dates, times and decimals go straight to the backend's adapter, as get_db_prep_save
    # would send them after checks these values need not pass again (a third of the time).
    if isinstance(kind, models.DateTimeField):
        return lambda text: ops.adapt_datetimefield_value(datetime.fromisoformat(text))
    if isinstance(kind, models.DateField):
        return lambda text: ops.adapt_datefield_value(date.fromisoformat(text))
    if isinstance(kind, models.TimeField):
        return lambda text: ops.adapt_timefield_value(time_of_day.fromisoformat(text))
    if isinstance(kind, models.DecimalField):
        digits, places = kind.max_digits, kind.decimal_places
        return lambda text: ops.adapt_decimalfield_value(Decimal(text), digits, places)
    if isinstance(kind, models.UUIDField):
        parse = uuid.UUID
    elif isinstance(kind, models.DurationField):
        def parse(micros):
            return timedelta(microseconds=micros)
    elif isinstance(kind, models.BinaryField):
        parse = base64.b64decode
    else:
        parse = kind.to_python
    prepare = model_field.get_db_prep_save
    return lambda value: prepare(parse(value), connection)


# --- Backup --------------------------------------------------------------------------------


class _HashingWriter:
    """A binary file that also hashes and counts what is written to it."""

    def __init__(self, target):
        self.target, self.hash, self.size = target, hashlib.sha256(), 0

    def write(self, data) -> int:
        self.hash.update(data)
        self.size += len(data)
        return self.target.write(data)

    def flush(self):
        self.target.flush()


class _HashingReader:
    """A binary file that also hashes and counts what is read from it."""

    def __init__(self, source):
        self.source, self.hash, self.size = source, hashlib.sha256(), 0

    def read(self, size=-1) -> bytes:
        data = self.source.read(size)
        self.hash.update(data)
        self.size += len(data)
        return data


@contextmanager
def _read_snapshot(connection) -> Iterator[None]:
    """One read transaction that sees every table as of the same moment.

    PostgreSQL: REPEATABLE READ READ ONLY. SQLite: a deferred transaction, whose first read
    fixes the snapshot in WAL mode without blocking writers (the settings' IMMEDIATE mode
    would take the write lock for the whole backup). Inside a caller's transaction (tests),
    the reads share it.
    """
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                cursor.execute("SELECT COUNT(*) FROM django_migrations")
                yield
            finally:
                cursor.execute("ROLLBACK")
    else:
        with transaction.atomic(using=connection.alias):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield


def _document_keys() -> tuple[list[str], str]:
    """The ids of the configured document keys (never the keys) and where the keys are kept."""
    specs = getattr(settings, "TETHER_DOCUMENT_KEYS", None) or []
    # A spec without an id would be all key material: it is named "?" rather than written.
    ids = [spec.partition(":")[0].strip() if ":" in spec else "?" for spec in specs]
    source = ("the TETHER_DOCUMENT_KEYS environment variable"
              if os.environ.get("TETHER_DOCUMENT_KEYS")
              else f"the file {Path(settings.DATA_DIR) / 'document_keys'}")
    return ids, source


def _documents_dir() -> Path:
    return Path(getattr(settings, "TETHER_DOCUMENTS_DIR", Path(settings.DATA_DIR) / "documents"))


def _document_files(root: Path, exclude: Path) -> Iterator[tuple[Path, str]]:
    """(path, member name) of every regular file below `root`, sorted; links are not followed.

    Hidden files are left out: they are uploads still being written (a temporary file that
    is renamed once complete), which no row refers to yet.
    """
    if not root.is_dir():
        return
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        for name in sorted(files):
            path = Path(directory, name)
            if (name.startswith(".") or path.is_symlink() or not path.is_file()
                    or path.resolve() == exclude):
                continue
            yield path, DOCUMENTS_PREFIX + path.relative_to(root).as_posix()


def default_backup_name(now: datetime | None = None) -> str:
    return f"tether-backup-{(now or timezone.now()).astimezone(UTC):%Y%m%d-%H%M%S}.tar.gz"


def _dump_model(model, connection, target) -> int:
    """Write a model's rows as JSON lines into `target`, reading in chunks; returns the count."""
    fields = _stored_fields(model)
    encoders = [(i, e) for i, f in enumerate(fields) if (e := _encoder(f)) is not None]
    header = {"model": model._meta.label_lower, "columns": [f.attname for f in fields]}
    target.write(json.dumps(header).encode() + b"\n")
    rows = (model._base_manager.using(connection.alias).order_by("pk")
            .values_list(*[_select(f) for f in fields]).iterator(chunk_size=READ_CHUNK))
    count, lines = 0, []
    for row in rows:
        values = list(row)
        for index, encode in encoders:
            if values[index] is not None:
                values[index] = encode(values[index])
        lines.append(json.dumps(values, ensure_ascii=False, separators=(",", ":")))
        count += 1
        if len(lines) == READ_CHUNK:
            target.write(("\n".join(lines) + "\n").encode())
            lines = []
    if lines:
        target.write(("\n".join(lines) + "\n").encode())
    return count


def _add_member(tar: tarfile.TarFile, name: str, fileobj, size: int, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    tar.addfile(info, fileobj)


def backup_create(output: Path | None = None, *, using: str = DEFAULT_DB_ALIAS,
                  progress: Callable[[str], None] | None = None) -> BackupReport:
    """Write one archive with every table (read in one snapshot) and every document file."""
    started = time.perf_counter()
    created_at = timezone.now()
    output = Path(output or default_backup_name(created_at)).resolve()
    if output.exists():
        raise BackupError(f"{output} already exists; choose another name with --output.")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    partial = output.with_name(output.name + ".partial")
    connection = connections[using]
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            raise BackupError("The database has no tables yet: run `tether migrate` first.")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise BackupError(f"{partial} exists: another backup is writing it, or one was "
                          "interrupted (then delete it).") from error
    members: dict[str, dict] = {}
    row_counts: dict[str, int] = {}
    model_entries = []
    skipped_documents: list[str] = []
    documents = document_bytes = 0
    try:
        with (open(descriptor, "wb") as raw,
              tarfile.open(fileobj=(archive := _HashingWriter(raw)), mode="w:gz",
                           compresslevel=6) as tar):
            with _read_snapshot(connection):
                loader = MigrationLoader(connection)
                leaves = _applied_leaves(loader)
                for model in _stored_models(_state_apps(loader, leaves)):
                    label = model._meta.label_lower
                    if label in SKIPPED_MODELS:
                        continue
                    name = f"{DB_PREFIX}{label}.jsonl"
                    with tempfile.TemporaryFile(dir=output.parent) as spool:
                        writer = _HashingWriter(spool)
                        rows = _dump_model(model, connection, writer)
                        spool.seek(0)
                        _add_member(tar, name, spool, writer.size, created_at.timestamp())
                    members[name] = {"sha256": writer.hash.hexdigest(), "size": writer.size}
                    row_counts[label] = rows
                    model_entries.append({"model": label, "table": model._meta.db_table,
                                          "member": name, "rows": rows})
                    if progress:
                        progress(f"{label}: {rows:,} rows")
            # Documents are written once and never changed (a new version is a new file), so
            # the files present now include every file the snapshot's rows refer to.
            for path, name in _document_files(_documents_dir(), exclude=partial):
                try:
                    source = path.open("rb")
                except FileNotFoundError:
                    skipped_documents.append(name)  # deleted while we were copying
                    continue
                with source:
                    stat = os.fstat(source.fileno())
                    reader = _HashingReader(source)
                    _add_member(tar, name, reader, stat.st_size, stat.st_mtime)
                members[name] = {"sha256": reader.hash.hexdigest(), "size": reader.size}
                documents += 1
                document_bytes += reader.size
            if progress:
                progress(f"documents: {documents:,} files, {document_bytes:,} bytes")
            key_ids, key_source = _document_keys()
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "tether_version": _tether_version(),
                "created_at": created_at.isoformat(),
                "database_vendor": connection.vendor,
                "migrations": leaves,
                "models": model_entries,
                "row_counts": row_counts,
                "skipped_models": sorted(SKIPPED_MODELS),
                "documents": {"count": documents, "bytes": document_bytes,
                              "key_ids": key_ids, "skipped": skipped_documents},
                "members": members,
            }
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            _add_member(tar, MANIFEST, io.BytesIO(data), len(data), created_at.timestamp())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(
        path=output, rows=row_counts, documents=documents, document_bytes=document_bytes,
        key_ids=key_ids, key_source=key_source, archive_bytes=archive.size,
        sha256=archive.hash.hexdigest(), seconds=time.perf_counter() - started,
        skipped_documents=skipped_documents,
    )


def _tether_version() -> str:
    try:
        return metadata.version("tether")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- Restore: reading and checking the archive ---------------------------------------------


def _member_problem(member: tarfile.TarInfo) -> str | None:
    """Why a member may not be restored, or None when its name and type are safe."""
    name = member.name
    parts = name.split("/")
    if (name.startswith("/") or "\\" in name or "\x00" in name
            or any(part in ("", ".", "..") for part in parts)):
        return f"unsafe member name {name!r}"
    if not (name == MANIFEST or DB_MEMBER.fullmatch(name)
            or (name.startswith(DOCUMENTS_PREFIX) and len(parts) > 1)):
        return f"unexpected member {name!r}"
    if not member.isreg():
        return f"member {name!r} is not a regular file (a link or a folder)"
    return None


def _open_archive(path: Path) -> tarfile.TarFile:
    # Stream mode: members are read once, in order, never seeked back to.
    return tarfile.open(path, mode="r|*")


_ARCHIVE_ERRORS = (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError)


def _check_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
    except ValueError as error:
        raise BackupError(f"The manifest is not valid JSON ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This is not a Tether backup (its manifest has no Tether format).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup is in format version {manifest.get('format_version')!r}; this "
            f"Tether reads version {FORMAT_VERSION}. Restore it with the version that made it.")
    for key, kind in (("members", dict), ("models", list), ("migrations", dict)):
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"The manifest has no valid {key!r}.")
    for app, names in manifest["migrations"].items():
        if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
            raise BackupError(f"The manifest's migrations of {app!r} are not valid.")
    for entry in manifest["models"]:
        if (not isinstance(entry, dict) or not isinstance(entry.get("rows"), int)
                or entry.get("member") != f"{DB_PREFIX}{entry.get('model')}.jsonl"
                or entry["member"] not in manifest["members"]):
            raise BackupError(f"The manifest's model entry {entry!r} is not valid.")
    return manifest


def _verify_and_stage(path: Path, staging: Path) -> dict:
    """Check every member against the manifest; copy the documents into `staging`.

    Nothing outside `staging` is written, so a damaged or hostile archive changes nothing.
    """
    seen: dict[str, tuple[str, int]] = {}
    manifest_data = None
    try:
        with _open_archive(path) as tar:
            for member in tar:
                if problem := _member_problem(member):
                    raise BackupError(f"Refusing the archive: {problem}.")
                if member.name in seen or (member.name == MANIFEST and manifest_data is not None):
                    raise BackupError(f"Refusing the archive: {member.name!r} appears twice.")
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_data = source.read(MAX_MANIFEST_BYTES + 1)
                    if len(manifest_data) > MAX_MANIFEST_BYTES:
                        raise BackupError("Refusing the archive: its manifest is too large.")
                    continue
                reader = _HashingReader(source)
                if member.name.startswith(DOCUMENTS_PREFIX):
                    target = staging.joinpath(*member.name.split("/")[1:])
                    if not target.resolve().is_relative_to(staging.resolve()):
                        raise BackupError(f"Refusing the archive: unsafe member {member.name!r}.")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with target.open("xb") as out:
                        shutil.copyfileobj(reader, out, COPY_BUFFER)
                    os.utime(target, (member.mtime, member.mtime))
                else:
                    while reader.read(COPY_BUFFER):
                        pass
                seen[member.name] = (reader.hash.hexdigest(), reader.size)
    except _ARCHIVE_ERRORS as error:
        raise BackupError(f"{path} is damaged or incomplete ({error}).") from error
    if manifest_data is None:
        raise BackupError(f"{path} is incomplete: it has no manifest.")
    manifest = _check_manifest(manifest_data)
    expected = manifest["members"]
    if missing := sorted(set(expected) - set(seen)):
        raise BackupError(f"{path} is incomplete: {', '.join(missing[:5])} missing.")
    if extra := sorted(set(seen) - set(expected)):
        raise BackupError(f"{path} has members its manifest does not list: {', '.join(extra[:5])}.")
    for name, (digest, size) in seen.items():
        entry = expected[name] if isinstance(expected[name], dict) else {}
        if (entry.get("sha256"), entry.get("size")) != (digest, size):
            raise BackupError(f"{path} is damaged: the checksum of {name} does not match.")
    return manifest


# --- Restore: migrations, wiping and loading ----------------------------------------------------


def _restore_targets(loader: MigrationLoader, manifest: dict) -> dict[str, list[str]]:
    """The archive's migration state, checked against this code: never newer than it."""
    rows = {entry["model"]: entry["rows"] for entry in manifest["models"]}
    leaves = {}
    for app, names in manifest["migrations"].items():
        if app not in loader.migrated_apps:
            if any(rows.get(label) for label in rows if label.split(".")[0] == app):
                raise BackupError(f"The backup has data of the app {app!r}, which this Tether "
                                  "does not have installed.")
            continue
        unknown = [name for name in names if (app, name) not in loader.graph.nodes]
        if unknown:
            raise BackupError(
                f"The backup was made by a newer Tether ({manifest.get('tether_version')}): "
                f"migration {app}.{unknown[0]} is unknown here. Upgrade Tether, then restore.")
        leaves[app] = list(names)
    return leaves


def _migration_targets(executor: MigrationExecutor, leaves: dict[str, list[str]]) -> list:
    """Exactly the archive's state: its latest migrations, and none of apps it does not have."""
    targets = [(app, name) for app, names in leaves.items() for name in names]
    return targets + [(app, None) for app in sorted(executor.loader.migrated_apps - set(leaves))]


def _migrate_to(connection, leaves: dict[str, list[str]]) -> None:
    """Bring the (empty) database to exactly the archive's migration state."""
    executor = MigrationExecutor(connection)
    targets = _migration_targets(executor, leaves)
    plan = executor.migration_plan(targets)
    if plan:
        try:
            executor.migrate(targets, plan=plan)
        except Exception as error:
            raise BackupError(
                f"Could not bring the database to the backup's migration state ({error}). "
                "Restore into a new, empty database instead.") from error


def _signs_of_use(connection, documents_dir: Path) -> list[str]:
    """What shows that an install is in use, and so must not be overwritten without --force.

    Not "any row": `migrate` itself writes rows into a fresh install (content types,
    permissions, the audit chain's lock row, whatever later migrations seed). An install is in
    use once it has a user account (nobody works without one), an audit entry (every write to
    the register records one, the generator's and the importer's too) or a document file.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        found = []
        for model, what in ((get_user_model(), "user accounts"), (AuditEntry, "audit entries")):
            table = model._meta.db_table
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
                if count := cursor.fetchone()[0]:
                    found.append(f"{count:,} {what}")
    if documents_dir.is_dir() and any(documents_dir.iterdir()):
        found.append(f"files in {documents_dir}")
    return found


def _flush(connection, tables: list[str]) -> None:
    if tables:
        connection.ops.execute_sql_flush(
            connection.ops.sql_flush(no_style(), tables, reset_sequences=True))


class _ModelLoader:
    """Inserts one model's rows with their primary keys, as fast as the database takes them."""

    def __init__(self, model, columns: list[str], connection):
        by_attname = {f.attname: f for f in _stored_fields(model)}
        if set(columns) != set(by_attname) or len(columns) != len(by_attname):
            differ = sorted(set(columns) ^ set(by_attname))
            raise BackupError(
                f"The columns of {model._meta.label_lower} in the backup do not match the "
                f"database at the backup's migration state: {differ}.")
        fields = [by_attname[name] for name in columns]
        self.connection, self.width = connection, len(fields)
        self.decoders = [(i, d) for i, f in enumerate(fields)
                         if (d := _decoder(f, connection)) is not None]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in fields)

    def rows(self, lines: Iterable[bytes]) -> Iterator[list]:
        for line in lines:
            values = json.loads(line)
            if not isinstance(values, list) or len(values) != self.width:
                raise BackupError(f"A row of {self.table} has the wrong number of values.")
            for index, decode in self.decoders:
                if values[index] is not None:
                    values[index] = decode(values[index])
            yield values

    def load(self, lines: Iterable[bytes]) -> int:
        rows, count = self.rows(lines), 0
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                # COPY: the fastest way in, and foreign keys are still checked (at commit).
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            sql = (f"INSERT INTO {self.table} ({self.columns}) "  # noqa: S608
                   f"VALUES ({', '.join(['%s'] * self.width)})")
            while batch := [row for _, row in zip(range(INSERT_BATCH), rows, strict=False)]:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count


def _hashed_lines(source, digest) -> Iterator[bytes]:
    for line in source:
        digest.update(line)
        yield line


def _member_header(line: bytes) -> dict:
    try:
        header = json.loads(line)
    except ValueError as error:
        raise BackupError(f"A table's header line is not valid JSON ({error}).") from error
    return header if isinstance(header, dict) else {}


def _load_rows(path: Path, manifest: dict, state_models, connection,
               progress: Callable[[str], None] | None) -> dict[str, int]:
    """Second reading of the archive: load every table member, checking its hash again."""
    by_label = {m._meta.label_lower: m for m in state_models}
    expected = {entry["member"]: entry for entry in manifest["models"]}
    for entry in expected.values():
        if entry["model"] not in by_label and entry["rows"]:
            raise BackupError(f"The backup has rows of {entry['model']}, which does not exist "
                              "at the backup's migration state.")
    loaded: dict[str, int] = {}
    remaining = set(expected)
    try:
        with _open_archive(path) as tar:
            for member in tar:
                if not remaining:
                    break
                if member.name not in remaining:
                    continue
                entry = expected[member.name]
                digest = hashlib.sha256()
                lines = _hashed_lines(tar.extractfile(member), digest)
                header = _member_header(next(lines, b"{}"))
                if header.get("model") != entry["model"]:
                    raise BackupError(f"{member.name} holds rows of {header.get('model')!r}.")
                model = by_label.get(entry["model"])
                if model is None:  # a model of a later-removed app, without rows
                    remaining.discard(member.name)
                    continue
                loader = _ModelLoader(model, header.get("columns") or [], connection)
                try:
                    count = loader.load(lines)
                except (ValueError, TypeError, ValidationError) as error:
                    raise BackupError(f"{member.name} has a value that cannot be loaded "
                                      f"({error}).") from error
                for _ in lines:
                    pass
                if digest.hexdigest() != manifest["members"][member.name]["sha256"]:
                    raise BackupError(f"{member.name} changed while it was being restored.")
                if count != entry["rows"]:
                    raise BackupError(f"{member.name} has {count} rows; the manifest says "
                                      f"{entry['rows']}.")
                loaded[entry["model"]] = count
                remaining.discard(member.name)
                if progress:
                    progress(f"{entry['model']}: {count:,} rows")
    except _ARCHIVE_ERRORS as error:
        raise BackupError(f"{path} could not be read a second time ({error}).") from error
    if remaining:
        raise BackupError(f"{path} changed while it was being restored.")
    return loaded


def _install_documents(staging: Path, documents_dir: Path) -> Path | None:
    """Put the staged files in place; files already there are moved aside, never deleted."""
    moved = None
    if documents_dir.exists():
        if any(documents_dir.iterdir()):
            stamp = timezone.now().astimezone(UTC).strftime("%Y%m%d-%H%M%S")
            moved = documents_dir.with_name(f"{documents_dir.name}.before-restore-{stamp}")
            documents_dir.rename(moved)
        else:
            documents_dir.rmdir()
    staging.rename(documents_dir)
    return moved


def backup_restore(path: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS,
                   progress: Callable[[str], None] | None = None) -> RestoreReport:
    """Restore an archive into an empty install (or, with `force`, over everything in it)."""
    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    connection = connections[using]
    documents_dir = _documents_dir()
    occupied = _signs_of_use(connection, documents_dir)
    if occupied and not force:
        raise BackupError(
            f"This install already holds data ({', '.join(occupied)}); nothing was changed. "
            "Restore into a fresh install, or add --force to replace everything in it.")
    documents_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{documents_dir.name}.restore-",
                                    dir=documents_dir.parent))
    try:
        if progress:
            progress("Checking the archive…")
        manifest = _verify_and_stage(path, staging)
        loader = MigrationLoader(connection)
        leaves = _restore_targets(loader, manifest)
        if progress:
            progress("Checked: every checksum matches.")
        state_models = _stored_models(_state_apps(loader, leaves))
        executor = MigrationExecutor(connection)
        migrating = bool(executor.migration_plan(_migration_targets(executor, leaves)))
        if migrating:
            # Migrating (backwards) wants empty tables, and everything is being replaced anyway.
            _flush(connection, _model_tables(connection, []))
        _migrate_to(connection, leaves)
        if connection.vendor == "sqlite":
            # Every table's indexes are rebuilt row by row: SQLite's default 2 MB page cache
            # made loading 200,000 arrangements with their eleven indexes take 30 s, not 10.
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_RESTORE_CACHE_KIB}")
        try:
            with transaction.atomic(using=using):
                _flush(connection, _model_tables(connection, state_models))
                rows = _load_rows(path, manifest, state_models, connection, progress)
                if progress:
                    progress("Checking every reference between the restored rows…")
                connection.check_constraints(
                    table_names=[m._meta.db_table for m in state_models])
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        for sql in connection.ops.sequence_reset_sql(no_style(), state_models):
                            cursor.execute(sql)
        except DatabaseError as error:
            state = ("its tables are empty, at the backup's migration state" if migrating
                     else "it is as it was before the restore")
            raise BackupError(f"The rows could not be loaded ({error}); the load was rolled "
                              f"back and {state}.") from error
        if progress:
            progress("Committed.")
        replaced = _install_documents(staging, documents_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        ContentType.objects.clear_cache()
    # Forward to this code's migrations (data migrations run over the restored rows), and
    # content types and permissions of models newer than the backup are added.
    executor = MigrationExecutor(connection)
    migrated_forward = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    call_command("migrate", interactive=False, verbosity=0, database=using)
    ContentType.objects.clear_cache()
    key_ids = (manifest.get("documents") or {}).get("key_ids") or []
    current_ids, _ = _document_keys()
    documents = sum(1 for name in manifest["members"] if name.startswith(DOCUMENTS_PREFIX))
    return RestoreReport(
        rows=rows, documents=documents, seconds=time.perf_counter() - started,
        backup_created_at=str(manifest.get("created_at")),
        backup_version=str(manifest.get("tether_version")), migrated_forward=migrated_forward,
        key_ids=key_ids,
        missing_key_ids=[k for k in key_ids if k not in current_ids] if documents else [],
        replaced_documents_dir=replaced,
    )
