"""One FilterSet per oversight model, shared by the pages, the exports and the API."""

import django_filters
from django.db.models import Q

from tether.core.filtersets import SearchFilterSet
from tether.oversight import selectors
from tether.oversight.choices import (
    ACTIVE_INCIDENT_STATUSES,
    ActionStatus,
    AuditConclusion,
    AuditKind,
    AuditStatus,
    FindingStatus,
    IncidentKind,
    IncidentStatus,
    Severity,
)
from tether.oversight.models import Audit, CorrectiveAction, Finding, Incident, IncidentEvent


def _yes_no(queryset, condition: Q, value):
    if value is None:
        return queryset
    return queryset.filter(condition) if value else queryset.exclude(condition)


class AuditFilterSet(SearchFilterSet):
    search_fields = ("title", "scope", "auditor", "provider__name", "summary")
    kind = django_filters.MultipleChoiceFilter(choices=AuditKind.choices, distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=AuditStatus.choices, distinct=False)
    conclusion = django_filters.MultipleChoiceFilter(choices=AuditConclusion.choices,
                                                     distinct=False)
    provider = django_filters.NumberFilter(label="Provider id")
    arrangement = django_filters.NumberFilter(field_name="arrangements", label="Arrangement id",
                                              distinct=True)
    lead = django_filters.NumberFilter(label="Lead id")
    planned_after = django_filters.DateFilter(field_name="planned_on", lookup_expr="gte",
                                              label="Planned on or after")

    class Meta:
        model = Audit
        fields = ["kind", "status", "conclusion", "provider"]


class FindingFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "provider__name", "arrangement__reference",
                     "provider_response")
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices, distinct=False)
    provider = django_filters.NumberFilter(label="Provider id")
    arrangement = django_filters.NumberFilter(label="Arrangement id")
    audit = django_filters.NumberFilter(label="Audit id")
    incident = django_filters.NumberFilter(label="Incident id")
    owner = django_filters.NumberFilter(label="Owner id")
    is_open = django_filters.BooleanFilter(method="filter_open", label="Open")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")
    answered = django_filters.BooleanFilter(method="filter_answered",
                                            label="Answered by the provider")

    class Meta:
        model = Finding
        fields = ["severity", "status", "provider", "arrangement", "audit", "incident"]

    def filter_open(self, queryset, name, value):
        return _yes_no(queryset, selectors.open_findings_q(), value)

    def filter_overdue(self, queryset, name, value):
        return _yes_no(queryset, selectors.overdue_findings_q(), value)

    def filter_answered(self, queryset, name, value):
        return _yes_no(queryset, Q(responded_at__isnull=False), value)


class CorrectiveActionFilterSet(SearchFilterSet):
    search_fields = ("description", "provider__name", "finding__title", "incident__title",
                     "verification_note")
    status = django_filters.MultipleChoiceFilter(choices=ActionStatus.choices, distinct=False)
    provider = django_filters.NumberFilter(label="Provider id")
    finding = django_filters.NumberFilter(label="Finding id")
    incident = django_filters.NumberFilter(label="Incident id")
    arrangement = django_filters.NumberFilter(method="filter_arrangement",
                                              label="Arrangement id")
    owner = django_filters.NumberFilter(label="Owner id")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte",
                                           label="Due on or before")

    class Meta:
        model = CorrectiveAction
        fields = ["status", "provider", "finding", "incident"]

    def filter_overdue(self, queryset, name, value):
        return _yes_no(queryset, selectors.overdue_actions_q(), value)

    def filter_arrangement(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(finding__arrangement=value) | Q(incident__arrangement=value))


class IncidentFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "provider__name", "arrangement__reference",
                     "root_cause", "services_affected")
    kind = django_filters.MultipleChoiceFilter(choices=IncidentKind.choices, distinct=False)
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices, distinct=False)
    provider = django_filters.NumberFilter(label="Provider id")
    arrangement = django_filters.NumberFilter(label="Arrangement id")
    is_major = django_filters.BooleanFilter(label="Major incident")
    active = django_filters.BooleanFilter(method="filter_active", label="Open or contained")
    detected_after = django_filters.DateFilter(field_name="detected_at", lookup_expr="date__gte",
                                               label="Detected on or after")

    class Meta:
        model = Incident
        fields = ["kind", "severity", "status", "provider", "arrangement", "is_major"]

    def filter_active(self, queryset, name, value):
        return _yes_no(queryset, Q(status__in=ACTIVE_INCIDENT_STATUSES), value)


class IncidentEventFilterSet(SearchFilterSet):
    search_fields = ("description", "incident__title")
    incident = django_filters.NumberFilter(label="Incident id")
    provider = django_filters.NumberFilter(field_name="incident__provider", label="Provider id")

    class Meta:
        model = IncidentEvent
        fields = ["incident"]
