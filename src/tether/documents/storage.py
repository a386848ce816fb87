"""Encrypted files under TETHER_DOCUMENTS_DIR.

A stored file is never changed in place: re-encrypting writes a new file, so a backup that
copies the directory while Tether runs gets whole files only. Names come from the document's
UUID and key id, never from what the user uploaded.
"""

import os
import tempfile
from pathlib import Path
from uuid import UUID

from django.conf import settings

from tether.documents.crypto import KeyRing


def documents_dir() -> Path:
    return Path(settings.TETHER_DOCUMENTS_DIR)


def blob_name_for(document_uuid: UUID, key_id: str) -> str:
    hex_id = document_uuid.hex
    return f"{hex_id[:2]}/{hex_id}.{key_id}.tdoc"


def _path(blob_name: str) -> Path:
    root = documents_dir().resolve()
    path = (root / blob_name).resolve()
    if root not in path.parents:
        raise ValueError(f"Stored document path escapes the documents directory: {blob_name!r}")
    return path


def write_encrypted(document_uuid: UUID, plaintext: bytes,
                    keyring: KeyRing | None = None) -> tuple[str, str]:
    """Encrypt and store; returns (blob_name, key_id). The file is complete or absent."""
    keyring = keyring or KeyRing.from_settings()
    blob = keyring.encrypt(plaintext, document_uuid.bytes)
    blob_name = blob_name_for(document_uuid, keyring.active_key_id)
    path = _path(blob_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(blob)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return blob_name, keyring.active_key_id


def read_decrypted(document_uuid: UUID, blob_name: str,
                   keyring: KeyRing | None = None) -> bytes:
    keyring = keyring or KeyRing.from_settings()
    return keyring.decrypt(_path(blob_name).read_bytes(), document_uuid.bytes)


def delete_blob(blob_name: str) -> None:
    _path(blob_name).unlink(missing_ok=True)
