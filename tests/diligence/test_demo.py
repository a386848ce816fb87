"""The demo's due diligence: a published default questionnaire, a campaign at every stage."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from tether.diligence.models import Campaign, QuestionnaireResponse
from tether.registry.demo_data import PROVIDER_CONTACT
from tether.risk.models import ProviderScore

pytestmark = pytest.mark.django_db


def test_demo_runs_a_campaign_whose_accepted_scores_feed_the_risk_scores():
    call_command("load_demo", stdout=StringIO())
    campaign = Campaign.objects.get()
    statuses = sorted(campaign.responses.values_list("status", flat=True))
    assert statuses == ["accepted"] * 5 + ["draft", "submitted"]
    draft = campaign.responses.get(status="draft")
    assert draft.provider.contacts.filter(username=PROVIDER_CONTACT[0]).exists()
    for response in campaign.responses.filter(status="accepted"):
        assert 0 < response.score <= 100
        inputs = {i["input"]: i for i in ProviderScore.objects.get(
            provider=response.provider).explanation["inputs"]}
        assert inputs["questionnaire"]["value"] == pytest.approx(100 - float(response.score),
                                                                 abs=0.01)
    assert mail.outbox == []  # the demo's made-up people get no e-mail

    call_command("load_demo", stdout=StringIO())
    assert Campaign.objects.count() == 1
    assert QuestionnaireResponse.objects.count() == 7
