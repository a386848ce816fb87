"""Fixtures of questionnaire campaigns: a published questionnaire, people with e-mail
addresses, and a campaign sent to providers A and B."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.diligence.factories import security_questionnaire
from tests.factories import UserFactory
from tether.core.roles import Role
from tether.diligence import campaign_services


@pytest.fixture
def questions(db) -> dict:
    return security_questionnaire(name="Security baseline")


@pytest.fixture
def people(users, provider_a, provider_b) -> dict:
    """The fixture users with e-mail addresses, plus a second and an inactive contact of A."""
    for key, email in (("contact_a", "kim@alpha.example"), ("contact_b", "bo@beta.example"),
                       (Role.VENDOR_MANAGER, "vm@tether.example")):
        users[key].email = email
        users[key].save(update_fields=["email"])
    return {
        **users,
        "manager": users[Role.VENDOR_MANAGER],
        "contact_a2": UserFactory(username="lou", email="lou@alpha.example",
                                  role=Role.PROVIDER_CONTACT, provider=provider_a),
        "gone_a": UserFactory(username="gone", email="gone@alpha.example", is_active=False,
                              role=Role.PROVIDER_CONTACT, provider=provider_a),
    }


@pytest.fixture
def send(people, questions, django_capture_on_commit_callbacks):
    """Send the questionnaire to providers (e-mails go out, as after a commit)."""

    def make(providers, **fields):
        values = {"name": "Annual security review",
                  "template": questions["GOV-1"].section.template,
                  "due_date": timezone.localdate() + timedelta(days=30),
                  "message": "Please answer by the end of the month.",
                  "remind_days_before": 7, **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return campaign_services.campaign_create(
                actor=people["manager"], provider_ids=[p.pk for p in providers], **values)

    return make


@pytest.fixture
def campaign(send, provider_a, provider_b):
    return send([provider_a, provider_b])


@pytest.fixture
def response_a(campaign, provider_a):
    return campaign.responses.get(provider=provider_a)


@pytest.fixture
def response_b(campaign, provider_b):
    return campaign.responses.get(provider=provider_b)
