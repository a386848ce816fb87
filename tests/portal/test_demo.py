"""The demo shows the portal at work: requests, shared documents, an NDA holding one back."""

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from tether.core.models import User
from tether.diligence.models import Answer
from tether.documents.services import document_plaintext
from tether.documents.sharing import documents_awaiting_nda, shared_documents
from tether.portal.models import InformationRequest, RequestStatus
from tether.registry.demo_data import PROVIDER_CONTACT

pytestmark = pytest.mark.django_db


def test_demo_exchanges_requests_and_documents_with_its_provider_contact():
    call_command("load_demo", stdout=StringIO())
    contact = User.objects.get(username=PROVIDER_CONTACT[0])
    requests = InformationRequest.objects.filter(provider=contact.provider)
    assert requests.count() == 3
    assert requests.filter(status=RequestStatus.ANSWERED, answered_by=contact).count() == 1
    visible = shared_documents(contact.provider_id)
    answers = ContentType.objects.get_for_model(Answer)
    # Two of ours and their own certificate; the rest is the evidence of their questionnaire
    # draft (tests/diligence covers the questionnaire demo).
    assert visible.exclude(content_type=answers).count() == 3
    assert visible.filter(content_type=answers, uploaded_by=contact).exists()
    assert documents_awaiting_nda(contact.provider_id) == 1
    assert all(document_plaintext(d).startswith(b"%PDF") for d in visible)

    call_command("load_demo", stdout=StringIO())
    assert InformationRequest.objects.count() == 3
