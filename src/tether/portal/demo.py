"""What the demo exchanges with its providers: requests, shared documents, an NDA rule.

Runs after the register's demo; written through the same services as the app, so every row
has its audit entry and every file is encrypted like a real upload.
"""

import io
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tether.core.models import User
from tether.core.roles import Role
from tether.core.services import object_update
from tether.documents.models import Document
from tether.documents.services import document_upload
from tether.portal.models import InformationRequest
from tether.portal.services import request_answer, request_create
from tether.registry.choices import ArrangementStatus, Confidentiality
from tether.registry.demo_data import PROVIDER_CONTACT

REQUESTS = [
    ("ISO 27001 certificate and statement of applicability",
     "Please upload your current ISO/IEC 27001 certificate and the statement of "
     "applicability covering the services you provide to us.", 14),
    ("Business continuity test results",
     "Send the summary of your last business continuity and disaster recovery test, "
     "including recovery times achieved against the agreed RTO/RPO.", 30),
    ("Subcontractor list",
     "List every subcontractor that supports a critical or important function for us, "
     "with their location and the data they process (DORA Art. 30).", 45),
]


def _pdf(title: str, pages: int = 2) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title, "/Producer": "Tether demo"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@transaction.atomic
def exchange_demo_load() -> dict[str, int]:
    """Requests and documents for the demo contact's provider; nothing if already there."""
    contact = User.objects.filter(username=PROVIDER_CONTACT[0]).select_related("provider").first()
    manager = User.objects.filter(role=Role.VENDOR_MANAGER, is_active=True).first()
    if contact is None or manager is None or InformationRequest.objects.exists():
        return {}
    provider, today = contact.provider, timezone.localdate()
    arrangement = (provider.arrangements.filter(status=ArrangementStatus.ACTIVE)
                   .order_by("-is_critical", "reference").first())
    requests = [
        request_create(actor=manager, source="demo", data={
            "provider": provider, "arrangement": arrangement, "title": title,
            "question": question, "due_date": today + timedelta(days=days),
            "internal_note": "Demo: not visible to the provider."})
        for title, question, days in REQUESTS
    ]
    request_answer(requests[2], actor=contact,
                   answer="Two subcontractors: a data centre operator in Frankfurt (no access "
                          "to data) and a 24/7 support desk in Lisbon (access to logs).")
    if arrangement is not None:
        object_update(arrangement, actor=manager, source="demo",
                      data={"nda_required_from": Confidentiality.STRICTLY_CONFIDENTIAL})
    shared = [
        ("Information security requirements", "policy", Confidentiality.CONFIDENTIAL),
        ("Exit plan template", "policy", Confidentiality.INTERNAL),
        ("Network architecture (strictly confidential)", "evidence",
         Confidentiality.STRICTLY_CONFIDENTIAL),
    ]
    for title, kind, level in shared:
        document_upload(actor=manager, attached_to=arrangement or provider,
                        upload_name=f"{title[:40]}.pdf", data=_pdf(title), source="demo",
                        metadata={"title": title, "kind": kind, "confidentiality": level,
                                  "shared_with_provider": True})
    document_upload(actor=contact, attached_to=provider, upload_name="iso27001.pdf",
                    data=_pdf("ISO 27001 certificate", 1), source="demo",
                    metadata={"title": "ISO/IEC 27001 certificate", "kind": "iso27001",
                              "valid_from": today - timedelta(days=700),
                              "valid_until": today + timedelta(days=25)})
    return {"information requests": len(requests),
            "documents": Document.objects.filter(provider=provider).count()}
