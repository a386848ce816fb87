"""Helpers of the campaign tests: answering as a provider's contact would, and API clients."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import pdf_bytes
from tether.diligence import campaign_services as services


def ids(questions, **values) -> dict:
    """{question id: value} from {code, with _ for -: value}."""
    return {questions[code.replace("_", "-")].pk: value for code, value in values.items()}


def attach(response, contact, question, name="certificate.pdf"):
    return services.answer_evidence_upload(response, actor=contact, question_id=question.pk,
                                           upload_name=name, data=pdf_bytes())


def complete(response, contact, questions, **overrides):
    """A full set of answers with GOV-1's evidence: 4 of 8 points unless overridden."""
    values = {"GOV_1": "yes", "GOV_2": "mostly", "RES_1": "no", **overrides}
    services.answers_save(response, actor=contact, values=ids(questions, **values))
    attach(response, contact, questions["GOV-1"])


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client
