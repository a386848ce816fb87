import base64
import uuid

import pytest

from tether.documents.crypto import (
    DocumentIntegrityError,
    DocumentKeyError,
    KeyRing,
    generate_key_spec,
    key_id_of,
    parse_key_spec,
)

RECORD = uuid.UUID("6f1c2d1e-8a43-4c7e-9d1a-2b3c4d5e6f70").bytes
OTHER_RECORD = uuid.UUID("00000000-0000-4000-8000-000000000001").bytes


def spec(key_id: str, key: bytes = b"\x01" * 32) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(key).decode()}"


@pytest.fixture
def ring():
    return KeyRing([spec("current", b"\x07" * 32), spec("old", b"\x09" * 32)])


def test_encrypt_then_decrypt_returns_the_plaintext(ring):
    blob = ring.encrypt(b"quarterly report", RECORD)

    assert b"quarterly report" not in blob
    assert ring.decrypt(blob, RECORD) == b"quarterly report"


def test_empty_and_large_plaintexts_round_trip(ring):
    assert ring.decrypt(ring.encrypt(b"", RECORD), RECORD) == b""
    big = bytes(range(256)) * 8192
    assert ring.decrypt(ring.encrypt(big, RECORD), RECORD) == big


def test_two_encryptions_of_the_same_file_differ(ring):
    assert ring.encrypt(b"same", RECORD) != ring.encrypt(b"same", RECORD)


def test_blob_header_names_the_active_key(ring):
    blob = ring.encrypt(b"x", RECORD)

    assert blob.startswith(b"TDOC\x01")
    assert key_id_of(blob) == "current"
    assert ring.active_key_id == "current"


@pytest.mark.parametrize("position", [0, 5, 7, 20, -17, -1])
def test_flipping_any_byte_is_detected(ring, position):
    blob = bytearray(ring.encrypt(b"payment schedule" * 4, RECORD))
    blob[position] ^= 0x01

    with pytest.raises((DocumentIntegrityError, DocumentKeyError)):
        ring.decrypt(bytes(blob), RECORD)


def test_tampered_ciphertext_raises_integrity_error(ring):
    blob = bytearray(ring.encrypt(b"payment schedule", RECORD))
    blob[-20] ^= 0x80

    with pytest.raises(DocumentIntegrityError, match="integrity check"):
        ring.decrypt(bytes(blob), RECORD)


def test_truncated_blob_raises_integrity_error(ring):
    blob = ring.encrypt(b"payment schedule", RECORD)

    for length in (0, 3, 6, 20, len(blob) - 1):
        with pytest.raises(DocumentIntegrityError):
            ring.decrypt(blob[:length], RECORD)


def test_blob_of_another_record_is_refused(ring):
    blob = ring.encrypt(b"contract", RECORD)

    with pytest.raises(DocumentIntegrityError, match="another record"):
        ring.decrypt(blob, OTHER_RECORD)


def test_plain_file_is_not_a_tether_blob(ring):
    with pytest.raises(DocumentIntegrityError, match="Not an encrypted Tether document"):
        ring.decrypt(b"%PDF-1.7 plain file", RECORD)


def test_unknown_key_id_is_named_in_the_error(ring):
    stranger = KeyRing([spec("retired-2023", b"\x05" * 32)])
    blob = stranger.encrypt(b"x", RECORD)

    with pytest.raises(DocumentKeyError, match="retired-2023") as error:
        ring.decrypt(blob, RECORD)
    assert base64.urlsafe_b64encode(b"\x05" * 32).decode() not in str(error.value)


def test_rotation_keeps_old_blobs_readable_and_reencrypts_with_the_new_key():
    old_spec = spec("k2024", b"\x11" * 32)
    before = KeyRing([old_spec])
    blob = before.encrypt(b"signed contract", RECORD)

    after = KeyRing([spec("k2025", b"\x22" * 32), old_spec])

    assert after.decrypt(blob, RECORD) == b"signed contract"
    assert after.needs_reencryption(blob)
    rotated = after.reencrypt(blob, RECORD)
    assert key_id_of(rotated) == "k2025"
    assert not after.needs_reencryption(rotated)
    assert after.decrypt(rotated, RECORD) == b"signed contract"
    with pytest.raises(DocumentKeyError, match="k2025"):
        before.decrypt(rotated, RECORD)


def test_header_edited_to_name_another_configured_key_is_detected():
    ring = KeyRing([spec("aaaa", b"\x01" * 32), spec("bbbb", b"\x02" * 32)])
    blob = ring.encrypt(b"x", RECORD)

    forged = blob.replace(b"aaaa", b"bbbb", 1)

    with pytest.raises(DocumentIntegrityError):
        ring.decrypt(forged, RECORD)


def test_from_settings_uses_the_first_key_to_encrypt(settings):
    settings.TETHER_DOCUMENT_KEYS = [spec("new"), spec("older", b"\x02" * 32)]

    ring = KeyRing.from_settings()

    assert ring.active_key_id == "new"
    assert ring.key_ids == ("new", "older")


def test_project_settings_provide_a_usable_key_ring():
    ring = KeyRing.from_settings()

    assert ring.decrypt(ring.encrypt(b"ok", RECORD), RECORD) == b"ok"


def test_generated_key_spec_is_accepted_and_unique():
    first, second = generate_key_spec(), generate_key_spec()

    assert first != second
    key_id, key = parse_key_spec(first)
    assert len(key) == 32
    assert KeyRing([first]).active_key_id == key_id


def test_key_spec_without_base64_padding_is_accepted():
    encoded = base64.urlsafe_b64encode(b"\x03" * 32).decode().rstrip("=")

    assert parse_key_spec(f"k1:{encoded}") == ("k1", b"\x03" * 32)


@pytest.mark.parametrize(
    ("bad_spec", "message"),
    [
        ("k1:not*base64!", "'k1' is not valid URL-safe base64"),
        ("k1:" + base64.urlsafe_b64encode(b"\x01" * 16).decode(), "'k1' is 16 bytes long"),
        (base64.urlsafe_b64encode(b"\x01" * 32).decode(), "#1 has no key id"),
        (":" + base64.urlsafe_b64encode(b"\x01" * 32).decode(), "#1 has an invalid key id"),
        ("bad id:" + base64.urlsafe_b64encode(b"\x01" * 32).decode(), "invalid key id"),
        ("k1:", "'k1' is 0 bytes long"),
    ],
)
def test_malformed_key_specs_give_clear_errors(bad_spec, message):
    with pytest.raises(DocumentKeyError, match=message) as error:
        KeyRing([bad_spec])
    secret_part = bad_spec.partition(":")[2] or bad_spec
    if len(secret_part) > 8:
        assert secret_part not in str(error.value)


def test_empty_and_duplicate_key_lists_are_refused():
    with pytest.raises(DocumentKeyError, match="No document keys"):
        KeyRing([])
    with pytest.raises(DocumentKeyError, match="'k1' appears more than once"):
        KeyRing([spec("k1"), spec("k1", b"\x02" * 32)])


def test_repr_shows_key_ids_only():
    ring = KeyRing([spec("k1", b"\x42" * 32)])

    assert "k1" in repr(ring)
    assert base64.urlsafe_b64encode(b"\x42" * 32).decode()[:10] not in repr(ring)
