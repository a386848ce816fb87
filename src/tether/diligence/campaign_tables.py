"""Lists of campaigns and responses."""

from django.utils.html import format_html

from tether.core.tables import EMPTY, Column, Table
from tether.diligence.models import Campaign, QuestionnaireResponse


def _percent(value) -> str:
    return EMPTY if value is None else format_html("{}%", value)


class CampaignTable(Table):
    name = Column(link=True)
    template = Column(link=True, order_by="template__name")

    class Meta:
        model = Campaign
        fields = ("name", "template", "due_date", "status", "created")


class ResponseTable(Table):
    response = Column("campaign", label="Campaign", order_by="campaign__name",
                      render=lambda r: format_html('<a href="{}">{}</a>', r.get_absolute_url(),
                                                   r.campaign.name))
    provider = Column(link=True, order_by="provider__name")
    due_date = Column("campaign.due_date", label="Due", order_by="campaign__due_date")
    score = Column(numeric=True, render=lambda r: _percent(r.score))

    class Meta:
        model = QuestionnaireResponse
        fields = ("response", "provider", "status", "due_date", "submitted_at", "score")
