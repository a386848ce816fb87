import django_filters

from tether.core.filtersets import SearchFilterSet
from tether.portal.models import InformationRequest, Invitation, RequestStatus


class InformationRequestFilterSet(SearchFilterSet):
    search_fields = ("title", "question", "answer")
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices)

    class Meta:
        model = InformationRequest
        fields = ["status", "provider", "arrangement"]


class InvitationFilterSet(SearchFilterSet):
    search_fields = ("email", "first_name", "last_name")

    class Meta:
        model = Invitation
        fields = ["provider"]
