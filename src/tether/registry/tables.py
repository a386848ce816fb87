"""List tables of the register."""

from django.utils.html import format_html

from tether.core.tables import Column, Table
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
)


class OrganisationTable(Table):
    name = Column(link=True)

    class Meta:
        model = Organisation
        fields = ("name", "lei", "country")


class ActivityTable(Table):
    name = Column(link=True)
    organisation = Column(link=True, order_by="organisation__name")
    parent = Column(link=True, order_by="parent__name")

    class Meta:
        model = Activity
        fields = ("name", "organisation", "parent", "porter_area", "category",
                  "is_core_competency", "sourcing")


class ProviderTable(Table):
    name = Column(link=True)
    ultimate_parent = Column(link=True, label="Group", order_by="ultimate_parent__name")

    class Meta:
        model = Provider
        fields = ("name", "lei", "country", "outsourcing_type", "status", "ultimate_parent",
                  "annual_spend", "spend_currency")


class ServiceTable(Table):
    name = Column(link=True)

    class Meta:
        model = Service
        fields = ("name", "service_type", "description")


class ArrangementTable(Table):
    reference = Column(link=True)
    provider = Column(link=True, order_by="provider__name")

    class Meta:
        model = Arrangement
        fields = ("reference", "title", "provider", "status", "start_date", "end_date",
                  "notice_deadline", "is_critical", "annual_cost", "currency")


class SubcontractingLinkTable(Table):
    link = Column("pk", label="", orderable=False,
                  render=lambda r: format_html('<a href="{}">#{}</a>', r.get_absolute_url(), r.pk))
    provider = Column(link=True, order_by="provider__name")
    subcontractor = Column(link=True, order_by="subcontractor__name")
    service = Column(link=True, order_by="service__name")
    arrangement = Column(link=True, order_by="arrangement__reference")

    class Meta:
        model = SubcontractingLink
        fields = ("link", "provider", "subcontractor", "service", "arrangement",
                  "supports_critical_function")


class ProviderIdentifierTable(Table):
    value = Column(link=True)
    provider = Column(link=True, order_by="provider__name")

    class Meta:
        model = ProviderIdentifier
        fields = ("provider", "scheme", "value", "country")
