"""Encryption at rest for stored documents: AES-256-GCM with a ring of rotating keys.

Keys come from ``settings.TETHER_DOCUMENT_KEYS``, a list of ``"key_id:base64url(32 bytes)"``
strings. The first key encrypts; the others only decrypt, so an operator rotates by putting
a new key first and re-encrypting at leisure (every blob names the key that made it).

Blob layout (all integers big-endian)::

    magic  b"TDOC"        4 bytes
    version 1             1 byte
    key id length n       1 byte (1..64)
    key id                n bytes, ASCII
    nonce                 12 random bytes
    ciphertext + tag      len(plaintext) + 16 bytes

The header is authenticated together with the caller's associated data (the document's
UUID), so a blob moved to another record, or a header edited to name another key, fails
to decrypt instead of yielding someone else's file.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"TDOC"
FORMAT_VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")


class DocumentKeyError(Exception):
    """A key is missing or badly configured. Messages name the key id, never the key."""


class DocumentIntegrityError(Exception):
    """A blob is not a Tether blob, is truncated, was altered, or belongs to another record."""


def parse_key_spec(spec: str, position: int = 1) -> tuple[str, bytes]:
    """Split ``"key_id:base64url"`` into the id and the 32 key bytes.

    ``position`` (1-based) only serves the error messages: a spec without a valid id has
    nothing else safe to name it by.
    """
    if not isinstance(spec, str):
        raise DocumentKeyError(f"Document key #{position} is not a string.")
    key_id, separator, encoded = spec.strip().partition(":")
    if not separator:
        raise DocumentKeyError(
            f"Document key #{position} has no key id: expected 'key_id:base64url-key'."
        )
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise DocumentKeyError(
            f"Document key #{position} has an invalid key id: use 1 to 64 letters, digits, "
            "'.', '_' or '-'."
        )
    encoded = encoded.strip()
    try:
        # validate=True refuses stray characters that b64decode would otherwise drop silently.
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise DocumentKeyError(f"Document key '{key_id}' is not valid URL-safe base64.") from None
    if len(key) != KEY_BYTES:
        raise DocumentKeyError(
            f"Document key '{key_id}' is {len(key)} bytes long; AES-256 needs {KEY_BYTES}."
        )
    return key_id, key


def generate_key_spec() -> str:
    """A new ``"key_id:base64url(32 random bytes)"`` string, ready for TETHER_DOCUMENT_KEYS."""
    key = base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
    return f"k{secrets.token_hex(4)}:{key}"


def _parse_header(blob: bytes) -> tuple[bytes, str, bytes]:
    """Return (header, key id, nonce); the ciphertext starts at ``len(header)``."""
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise DocumentIntegrityError("Encrypted document must be bytes.")
    blob = bytes(blob)
    if len(blob) < len(MAGIC) + 2 or blob[: len(MAGIC)] != MAGIC:
        raise DocumentIntegrityError("Not an encrypted Tether document (bad magic bytes).")
    version = blob[len(MAGIC)]
    if version != FORMAT_VERSION:
        raise DocumentIntegrityError(f"Unsupported encrypted document format version {version}.")
    id_length = blob[len(MAGIC) + 1]
    id_start = len(MAGIC) + 2
    nonce_start = id_start + id_length
    header_end = nonce_start + NONCE_BYTES
    if id_length == 0 or len(blob) < header_end + TAG_BYTES:
        raise DocumentIntegrityError("Encrypted document is truncated.")
    try:
        key_id = blob[id_start:nonce_start].decode("ascii")
    except UnicodeDecodeError:
        raise DocumentIntegrityError("Encrypted document header is corrupt.") from None
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise DocumentIntegrityError("Encrypted document header is corrupt.")
    return blob[:header_end], key_id, blob[nonce_start:header_end]


def key_id_of(blob: bytes) -> str:
    """The id of the key that encrypted ``blob`` (read from its header, not verified)."""
    return _parse_header(blob)[1]


class KeyRing:
    """The configured document keys; the first one encrypts, all of them decrypt."""

    def __init__(self, specs: Iterable[str]):
        if isinstance(specs, str):
            specs = [part for part in specs.split(",") if part.strip()]
        self._keys: dict[str, AESGCM] = {}
        order: list[str] = []
        for position, spec in enumerate(specs, start=1):
            key_id, key = parse_key_spec(spec, position)
            if key_id in self._keys:
                raise DocumentKeyError(f"Document key id '{key_id}' appears more than once.")
            self._keys[key_id] = AESGCM(key)
            order.append(key_id)
        if not order:
            raise DocumentKeyError("No document keys are configured (TETHER_DOCUMENT_KEYS).")
        self.active_key_id: str = order[0]
        self.key_ids: tuple[str, ...] = tuple(order)

    @classmethod
    def from_settings(cls) -> KeyRing:
        """The key ring described by ``settings.TETHER_DOCUMENT_KEYS``."""
        from django.conf import settings

        return cls(getattr(settings, "TETHER_DOCUMENT_KEYS", []))

    def __repr__(self) -> str:
        # Deliberately only ids: a KeyRing may end up in a traceback or a log line.
        return f"<KeyRing active={self.active_key_id!r} keys={list(self.key_ids)!r}>"

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes:
        """Encrypt with the active key; ``associated_data`` must be given again to decrypt."""
        key_id = self.active_key_id.encode("ascii")
        nonce = secrets.token_bytes(NONCE_BYTES)
        header = MAGIC + bytes([FORMAT_VERSION, len(key_id)]) + key_id + nonce
        ciphertext = self._keys[self.active_key_id].encrypt(
            nonce, bytes(plaintext), header + bytes(associated_data)
        )
        return header + ciphertext

    def decrypt(self, blob: bytes, associated_data: bytes) -> bytes:
        """Decrypt and verify ``blob``; any alteration raises DocumentIntegrityError."""
        header, key_id, nonce = _parse_header(blob)
        aead = self._keys.get(key_id)
        if aead is None:
            raise DocumentKeyError(
                f"Document was encrypted with key '{key_id}', which is not configured "
                f"(configured: {', '.join(self.key_ids)})."
            )
        try:
            return aead.decrypt(nonce, bytes(blob)[len(header) :], header + bytes(associated_data))
        except InvalidTag:
            raise DocumentIntegrityError(
                "Encrypted document failed its integrity check: it was altered, truncated, "
                "or belongs to another record."
            ) from None

    def needs_reencryption(self, blob: bytes) -> bool:
        """True when ``blob`` was not made with the active key."""
        return key_id_of(blob) != self.active_key_id

    def reencrypt(self, blob: bytes, associated_data: bytes) -> bytes:
        """Decrypt with whichever key made ``blob`` and encrypt again with the active key."""
        return self.encrypt(self.decrypt(blob, associated_data), associated_data)
