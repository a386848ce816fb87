"""List tables of the register."""

import django_tables2 as tables

from tether.core.tables import AmountColumn, IsoDateColumn, TetherTable, linked
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
)


class CountryColumn(tables.Column):
    def render(self, value):
        return value.code if hasattr(value, "code") else value


class OrganisationTable(TetherTable):
    name = linked()
    country = CountryColumn()

    class Meta(TetherTable.Meta):
        model = Organisation
        fields = ("name", "lei", "country")


class ActivityTable(TetherTable):
    name = linked()
    organisation = linked()
    parent = linked()

    class Meta(TetherTable.Meta):
        model = Activity
        fields = ("name", "organisation", "parent", "porter_area", "category",
                  "is_core_competency", "sourcing")


class ProviderTable(TetherTable):
    name = linked()
    country = CountryColumn()
    ultimate_parent = linked("Group")
    annual_spend = AmountColumn()

    class Meta(TetherTable.Meta):
        model = Provider
        fields = ("name", "lei", "country", "outsourcing_type", "status", "ultimate_parent",
                  "annual_spend", "spend_currency")


class ServiceTable(TetherTable):
    name = linked()

    class Meta(TetherTable.Meta):
        model = Service
        fields = ("name", "service_type", "description")


class ArrangementTable(TetherTable):
    reference = linked()
    provider = linked()
    start_date = IsoDateColumn()
    end_date = IsoDateColumn()
    notice_deadline = IsoDateColumn()
    annual_cost = AmountColumn()

    class Meta(TetherTable.Meta):
        model = Arrangement
        fields = ("reference", "title", "provider", "status", "start_date", "end_date",
                  "notice_deadline", "is_critical", "annual_cost", "currency")


class SubcontractingLinkTable(TetherTable):
    provider = linked()
    subcontractor = linked()
    service = linked()
    arrangement = linked()
    detail = tables.Column(
        linkify=lambda record: record.get_absolute_url(), accessor="pk", verbose_name="",
        orderable=False,
    )

    class Meta(TetherTable.Meta):
        model = SubcontractingLink
        fields = ("provider", "subcontractor", "service", "arrangement",
                  "supports_critical_function")

    def render_detail(self, value):
        return "Open"


class ProviderIdentifierTable(TetherTable):
    value = linked()
    provider = linked()
    country = CountryColumn()

    class Meta(TetherTable.Meta):
        model = ProviderIdentifier
        fields = ("provider", "scheme", "value", "country")
