"""The hash chain that makes the audit trail tamper-evident.

Every entry carries a gapless `sequence`, the `previous_hash` of the entry before it and its
own `entry_hash`: the SHA-256 of a canonical JSON form of its content plus that previous
hash. Changing, removing or reordering any entry breaks the chain from that entry on, which
`verify_chain` finds by reading the trail once, in sequence order.

The hash is computed from values exactly as the database gives them back, so the writer
(before the insert) and the verifier (after any number of years and dumps) agree:
JSON columns are hashed in their round-tripped form (PostgreSQL's jsonb reorders keys and
keeps numbers as exact decimals; DjangoJSONEncoder turns decimals and dates into text),
timestamps in ISO 8601, UTC, with microseconds, the content type as "app_label.model".

This module imports no model, so the migration that chains existing rows can use it with
its historical models.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.apps import apps as global_apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models
from django.db.models.functions import Cast

GENESIS_HASH = "0" * 64  # the previous hash of the first entry
VERIFY_CHUNK = 5000

# The fields an entry's hash covers, as named in the hashed JSON object and in the export.
HASHED_FIELDS = ("sequence", "timestamp", "actor", "actor_name", "action", "content_type",
                 "object_id", "object_repr", "before", "after", "source", "previous_hash")


def _exact_number(text: str):
    """A JSON number with a fraction or exponent, as an exact value.

    PostgreSQL stores jsonb numbers as exact decimals and prints them without exponent
    (1e+16 comes back as 10000000000000000, 1.0 as 1.0), so integral values are hashed as
    integers and the others as the float they denote, which is the same on both sides.
    """
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(text)


# Encoders and decoder built once: json.dumps/loads with options build a new one per call.
_stored_text = DjangoJSONEncoder(separators=(",", ":")).encode
_canonical_text = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                                   allow_nan=False).encode
_parse = json.JSONDecoder(parse_float=_exact_number).decode


def json_from_text(text: str | None):
    """A JSON column's stored text as the value the hash covers."""
    return None if text is None else _parse(text)


def stored_json(value):
    """A value about to be saved in a JSON column, as it will come back from the database."""
    return None if value is None else _parse(_stored_text(value))


def canonical_json(value) -> str:
    """The one JSON text of a value: sorted keys, no spaces, ASCII only."""
    return _canonical_text(value)


def format_timestamp(value: datetime) -> str:
    """A timestamp as hashed: UTC, microseconds, e.g. 2026-01-31T09:15:00.000000+00:00."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def hashed_record(*, sequence: int, timestamp: datetime, actor_id: int | None,
                  actor_name: str, action: str, content_type: str, object_id: str,
                  object_repr: str, before, after, source: str, previous_hash: str) -> dict:
    """The JSON object an entry's hash covers; `before`/`after` as the database returns them."""
    return {
        "sequence": sequence, "timestamp": format_timestamp(timestamp), "actor": actor_id,
        "actor_name": actor_name, "action": action, "content_type": content_type,
        "object_id": object_id, "object_repr": object_repr, "before": before, "after": after,
        "source": source, "previous_hash": previous_hash,
    }


def record_digest(record: dict) -> str:
    """SHA-256 (hex) of the canonical JSON of a hashed record."""
    return hashlib.sha256(canonical_json(record).encode("ascii")).hexdigest()


def entry_digest(**fields) -> str:
    """The hash of one entry from its field values (see `hashed_record` for the names)."""
    return record_digest(hashed_record(**fields))


def content_type_label(content_type) -> str:
    return f"{content_type.app_label}.{content_type.model}"


# Writing


def _lock_row(locks) -> bool:
    return bool(list(locks.select_for_update().filter(pk=1).values_list("pk", flat=True)))


def chain_head(model: type[models.Model] | None = None, using: str = "default"
               ) -> tuple[int, str]:
    """(sequence, hash) of the last entry, after taking the chain's append lock.

    Call inside the transaction that appends: the lock row (AuditChainLock) stays locked
    until that transaction ends, so a second writer waits here and cannot read the same head
    and fork the chain. The unique sequence is the last line of defence.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("Append to the audit chain inside a transaction.")
    lock_model = global_apps.get_model("core", "AuditChainLock")
    locks = lock_model._default_manager.using(using)
    if not _lock_row(locks):
        # After a flush the row is gone: create it (a racing writer's insert is ignored),
        # then lock it.
        locks.bulk_create([lock_model(pk=1)], ignore_conflicts=True)
        _lock_row(locks)
    model = model or global_apps.get_model("core", "AuditEntry")
    last = (model._default_manager.using(using).order_by("-sequence")
            .values_list("sequence", "entry_hash").first())
    return last or (0, GENESIS_HASH)


# Reading


@dataclass(frozen=True)
class StoredEntry:
    """One entry as read back for verification or export."""

    id: int
    entry_hash: str
    record: dict  # the hashed record, previous_hash included

    @property
    def sequence(self) -> int:
        return self.record["sequence"]


_COLUMNS = ("id", "sequence", "timestamp", "actor_id", "actor_name", "action",
            "content_type_id", "object_id", "object_repr", "before_text", "after_text",
            "source", "previous_hash", "entry_hash")


def stored_entries(queryset, *, chunk_size: int = VERIFY_CHUNK, content_types=None):
    """Stream the entries of `queryset` in its order, without building model instances.

    The JSON columns are read as their stored text and parsed here, with exact numbers;
    Django's own JSONField parsing would lose the difference between 1e16 and 1.0.
    """
    if content_types is None:
        content_types = global_apps.get_model("contenttypes", "ContentType")
    labels = {ct.pk: content_type_label(ct) for ct in content_types._default_manager.all()}
    rows = queryset.annotate(
        before_text=Cast("before", models.TextField()),
        after_text=Cast("after", models.TextField()),
    ).values_list(*_COLUMNS).iterator(chunk_size=chunk_size)
    for (pk, sequence, timestamp, actor_id, actor_name, action, content_type_id, object_id,
         object_repr, before_text, after_text, source, previous_hash, entry_hash) in rows:
        label = labels.get(content_type_id)
        if label is None:  # a type created while streaming
            ct = content_types._default_manager.get(pk=content_type_id)
            label = labels[content_type_id] = content_type_label(ct)
        record = hashed_record(
            sequence=sequence, timestamp=timestamp, actor_id=actor_id, actor_name=actor_name,
            action=action, content_type=label, object_id=object_id, object_repr=object_repr,
            before=json_from_text(before_text), after=json_from_text(after_text),
            source=source, previous_hash=previous_hash,
        )
        yield StoredEntry(pk, entry_hash, record)


# Verifying


@dataclass(frozen=True)
class ChainVerification:
    """The outcome of `verify_chain`: intact, or the first entry where the chain breaks."""

    count: int  # entries checked before the first break (all of them when intact)
    last_sequence: int
    last_hash: str
    broken_sequence: int | None = None
    broken_id: int | None = None
    problem: str = ""  # "altered", "broken_link", "missing", "anchor"
    detail: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None and not self.problem

    def summary(self) -> str:
        if self.intact:
            return (f"Audit trail intact: {self.count} entries, last hash {self.last_hash} "
                    f"(sequence {self.last_sequence}).")
        return f"Audit trail BROKEN at sequence {self.broken_sequence}: {self.detail}"


def verify_chain(*, model: type[models.Model] | None = None, using: str = "default",
                 chunk_size: int = VERIFY_CHUNK, anchor: tuple[int, str] | None = None,
                 content_types=None) -> ChainVerification:
    """Check every entry in sequence order; stops at the first that breaks the chain.

    `anchor` is a (sequence, hash) recorded earlier, e.g. the last hash printed by
    `tether audit verify` or kept from an export: the chain alone cannot show that entries
    were cut off its end, or that it was recomputed from some entry on; the anchor can.
    """
    model = model or global_apps.get_model("core", "AuditEntry")
    queryset = model._default_manager.using(using).order_by("sequence")
    expected, previous, count, anchor_seen = 1, GENESIS_HASH, 0, False

    def broken(sequence, pk, problem, detail):
        return ChainVerification(count, expected - 1, previous, sequence, pk, problem, detail)

    for entry in stored_entries(queryset, chunk_size=chunk_size, content_types=content_types):
        sequence = entry.sequence
        if sequence > expected:
            gap = (f"entry {expected} is" if sequence == expected + 1
                   else f"entries {expected}–{sequence - 1} are")
            return broken(expected, None, "missing", (
                f"{gap} missing: the trail jumps from sequence {expected - 1} to {sequence} "
                f"(id {entry.id}). Entries were deleted or renumbered."))
        if sequence != expected:
            return broken(sequence, entry.id, "missing", (
                f"entry {sequence} (id {entry.id}) is out of order: expected {expected}."))
        if entry.record["previous_hash"] != previous:
            return broken(sequence, entry.id, "broken_link", (
                f"entry {sequence} (id {entry.id}) does not link to entry {sequence - 1}: "
                "its previous hash differs from that entry's hash. An earlier entry was "
                "rewritten or removed."))
        if record_digest(entry.record) != entry.entry_hash:
            return broken(sequence, entry.id, "altered", (
                f"entry {sequence} (id {entry.id}) was altered: its content no longer "
                "matches its hash."))
        if anchor and sequence == anchor[0]:
            anchor_seen = True
            if entry.entry_hash != anchor[1]:
                return broken(sequence, entry.id, "anchor", (
                    f"entry {sequence} (id {entry.id}) no longer has the anchored hash "
                    f"{anchor[1]}: the trail was rewritten from this entry or before."))
        previous, expected, count = entry.entry_hash, expected + 1, count + 1
    if anchor and not anchor_seen:
        return ChainVerification(count, expected - 1, previous, anchor[0], None, "anchor", (
            f"entry {anchor[0]} (the anchor) is missing: the trail ends at sequence "
            f"{expected - 1}. Entries were deleted from its end."))
    return ChainVerification(count, expected - 1, previous)
