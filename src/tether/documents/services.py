"""Uploading, handing out, re-keying and reminding about documents."""

import copy
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import uuid4

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from tether.core.audit import record_change, snapshot
from tether.core.models import AuditAction
from tether.core.services import object_delete, object_update
from tether.documents import storage
from tether.documents.crypto import DocumentIntegrityError, KeyRing
from tether.documents.models import MAX_REMINDER_DAYS, Document, DocumentCopy, DocumentKind
from tether.documents.sniff import check_upload
from tether.documents.structure import check_readable

# Metadata a provider contact may set on what they upload; the rest is the company's call.
PROVIDER_EDITABLE = ("title", "kind", "description", "valid_from", "valid_until")


def attachment_links(obj: models.Model | None) -> dict:
    """The provider and arrangement a document attached to `obj` concerns."""
    from tether.registry.models import Arrangement, Provider

    if obj is None:
        return {"provider": None, "arrangement": None}
    if isinstance(obj, Provider):
        return {"provider": obj, "arrangement": None}
    if isinstance(obj, Arrangement):
        return {"provider": obj.provider, "arrangement": obj}
    arrangement = getattr(obj, "arrangement", None)
    provider = getattr(obj, "provider", None) or getattr(arrangement, "provider", None)
    return {"provider": provider, "arrangement": arrangement}


def _validate_metadata(document: Document) -> None:
    document.full_clean(exclude=["content_type", "object_id", "file_name", "media_type", "size",
                                 "sha256", "key_id", "blob_name", "uuid"])
    if document.signed_on and document.kind != DocumentKind.NDA and document.kind != (
        DocumentKind.CONTRACT
    ):
        raise ValidationError({"signed_on": "Only agreements (NDA, contract) are signed."})


def document_upload(*, actor, attached_to: models.Model | None, upload_name: str, data: bytes,
                    metadata: dict, source: str = "web") -> Document:
    """Check the content, store it encrypted, and record the document and its audit entry.

    Nothing is stored if any check fails; the encrypted file is removed again if the
    database write fails.
    """
    checked = check_upload(upload_name, data, settings.TETHER_DOCUMENT_MAX_BYTES)
    check_readable(checked.media_type, data)
    from_provider = actor is not None and not actor.is_internal
    if from_provider:
        metadata = {k: v for k, v in metadata.items() if k in PROVIDER_EDITABLE}
        metadata["shared_with_provider"] = True
    document = Document(
        uuid=uuid4(),
        **metadata,
        **attachment_links(attached_to),
        file_name=checked.safe_name,
        media_type=checked.media_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        uploaded_by_provider=from_provider,
    )
    if attached_to is not None:
        document.content_type = ContentType.objects.get_for_model(attached_to)
        document.object_id = attached_to.pk
    if from_provider and document.provider_id != actor.provider_id:
        raise PermissionDenied("A provider contact can only upload to their own provider.")
    _validate_metadata(document)
    document.blob_name, document.key_id = storage.write_encrypted(document.uuid, data)
    try:
        with transaction.atomic():
            document.save()
            record_change(actor=actor, instance=document, action=AuditAction.CREATE,
                          before=None, source=source)
    except BaseException:
        storage.delete_blob(document.blob_name)
        raise
    return document


def document_update(document: Document, *, actor, data: dict, source: str = "web") -> Document:
    trial = copy.copy(document)  # checked first, so a refused change leaves `document` as is
    for name, value in data.items():
        setattr(trial, name, value)
    _validate_metadata(trial)
    return object_update(document, actor=actor, data=data, source=source)


def document_delete(document: Document, *, actor, source: str = "web") -> None:
    blob_name = document.blob_name
    object_delete(document, actor=actor, source=source)
    transaction.on_commit(lambda: storage.delete_blob(blob_name))


def _recipient_label(user) -> str:
    name = user.get_full_name() or user.get_username()
    label = f"{name} <{user.email}>" if user.email else name
    if user.provider_id:
        label = f"{label}, {user.provider.name}"
    return label


@dataclass(frozen=True)
class IssuedCopy:
    content: bytes
    file_name: str
    media_type: str
    copy: DocumentCopy


def document_plaintext(document: Document) -> bytes:
    """The decrypted file, checked against the digest taken at upload."""
    plaintext = storage.read_decrypted(document.uuid, document.blob_name)
    if hashlib.sha256(plaintext).hexdigest() != document.sha256:
        raise DocumentIntegrityError(
            f"Document {document.pk} does not match the digest recorded at upload."
        )
    return plaintext


def issue_copy(document: Document, *, recipient, via_portal: bool,
               original: bool = False) -> IssuedCopy:
    """A copy for one person: watermarked with its copy id where the type allows it.

    Every copy, watermarked or not, is recorded with its id in the audit trail, so a leaked
    file can be traced back (`tether trace FILE`).
    """
    if original and (via_portal or not recipient.can("change", Document)):
        raise PermissionDenied("Only document managers may download the unmarked original.")
    plaintext = document_plaintext(document)
    copy_id = secrets.token_hex(8)
    issued_at = timezone.now().replace(microsecond=0)
    label = _recipient_label(recipient)
    content = None
    if not original:
        from tether.documents.watermark import Mark, apply_watermark

        content = apply_watermark(plaintext, document.media_type,
                                  Mark(copy_id=copy_id, recipient=label, issued_at=issued_at))
    with transaction.atomic():
        copy = DocumentCopy.objects.create(
            copy_id=copy_id, document=document, recipient=recipient, recipient_name=label,
            issued_at=issued_at, watermarked=content is not None, via_portal=via_portal,
        )
        record_change(actor=recipient, instance=copy, action=AuditAction.CREATE, before=None,
                      source="portal" if via_portal else "web")
    return IssuedCopy(content if content is not None else plaintext, document.file_name,
                      document.media_type, copy)


def rotate_keys(keyring: KeyRing | None = None, *, actor=None) -> int:
    """Re-encrypt every document not under the active key; returns how many were re-keyed."""
    keyring = keyring or KeyRing.from_settings()
    rekeyed = 0
    stale = Document.objects.exclude(key_id=keyring.active_key_id).order_by("pk")
    for document in stale.iterator(chunk_size=200):
        plaintext = document_plaintext(document)
        old_blob = document.blob_name
        before = snapshot(document)
        new_blob, key_id = storage.write_encrypted(document.uuid, plaintext, keyring)
        try:
            with transaction.atomic():
                Document.objects.filter(pk=document.pk).update(blob_name=new_blob, key_id=key_id)
                document.blob_name, document.key_id = new_blob, key_id
                record_change(actor=actor, instance=document, action=AuditAction.UPDATE,
                              before=before, source="cli")
        except BaseException:
            storage.delete_blob(new_blob)
            raise
        storage.delete_blob(old_blob)
        rekeyed += 1
    return rekeyed


def documents_due_for_reminder(today: date) -> list[Document]:
    """Documents whose expiry is within their reminder window and not yet reminded for it."""
    horizon = today + timedelta(days=MAX_REMINDER_DAYS)
    candidates = Document.objects.filter(valid_until__gte=today, valid_until__lte=horizon)
    due = []
    for document in candidates.select_related("provider", "arrangement__owner", "uploaded_by"):
        window_start = document.valid_until - timedelta(days=document.remind_days_before)
        if window_start <= today and (document.reminded_on is None
                                      or document.reminded_on < window_start):
            due.append(document)
    return due
