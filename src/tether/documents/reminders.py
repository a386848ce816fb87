"""Expiry reminders: the document's uploader, the arrangement's owner, the provider's contacts."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q

from tether.core.models import User
from tether.core.notifications import notify
from tether.core.roles import Role
from tether.documents.models import Document
from tether.documents.services import documents_due_for_reminder


def reminder_people(document: Document) -> list[User]:
    """Who must act: our side always; the provider's contacts for what they gave us."""
    people = [document.uploaded_by] if document.uploaded_by else []
    if document.arrangement_id and document.arrangement.owner:
        people.append(document.arrangement.owner)
    if document.provider_id and (document.uploaded_by_provider or document.shared_with_provider):
        people.extend(User.objects.filter(provider_id=document.provider_id, is_active=True))
    if not any(person.is_internal for person in people):
        people.extend(User.objects.filter(role=Role.VENDOR_MANAGER, is_active=True))
    return [p for p in people if p.is_active]


def reminder_recipients(document: Document) -> list[str]:
    return sorted({p.email for p in reminder_people(document) if p.email})


def _message(document: Document, recipients: list[str]):
    about = f" from {document.provider}" if document.provider_id else ""
    body = (f"\"{document.title}\"{about} ({document.get_kind_display()}) is valid until "
            f"{document.valid_until:%d %B %Y}.\n\nPlease upload the renewed document in Tether "
            "before then.\n")
    return (f"Expires {document.valid_until:%d %b %Y}: {document.title}", body,
            settings.DEFAULT_FROM_EMAIL, recipients)


def send_expiry_reminders(today: date) -> int:
    """E-mail each document entering its reminder window once; returns how many were sent."""
    due = documents_due_for_reminder(today)
    messages, reminded = [], []
    for document in due:
        people = reminder_people(document)
        # Our people also find it under the bell (once per document and expiry date).
        notify([p for p in people if p.is_internal], kind="document_expiry",
               title=f"Document expires: {document.title}",
               body=f"Valid until {document.valid_until:%d %b %Y}; upload the renewed document.",
               url=document.get_absolute_url(),
               key=f"document_expiry:document:{document.pk}:{document.valid_until:%Y%m%d}")
        recipients = sorted({p.email for p in people if p.email})
        if recipients:
            messages.append(_message(document, recipients))
            reminded.append(document.pk)
    if messages:
        send_mass_mail(messages, fail_silently=False)
        Document.objects.filter(Q(pk__in=reminded)).update(reminded_on=today)
    return len(messages)
