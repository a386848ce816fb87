"""Filters of campaigns and responses, shared by the pages and the API."""

import django_filters

from tether.core.filtersets import SearchFilterSet
from tether.diligence.choices import CampaignStatus, ResponseStatus
from tether.diligence.models import Campaign, QuestionnaireResponse


class CampaignFilterSet(SearchFilterSet):
    search_fields = ("name", "message")
    status = django_filters.MultipleChoiceFilter(choices=CampaignStatus.choices)

    class Meta:
        model = Campaign
        fields = ["status", "template"]


class ResponseFilterSet(SearchFilterSet):
    search_fields = ("campaign__name", "provider__name")
    status = django_filters.MultipleChoiceFilter(choices=ResponseStatus.choices)

    class Meta:
        model = QuestionnaireResponse
        fields = ["status", "campaign", "provider"]
