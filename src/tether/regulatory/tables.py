"""List tables of the register-of-information data."""

from tether.core.tables import Column, Table
from tether.regulatory.models import (
    ArrangementProfile,
    Branch,
    EntityProfile,
    Function,
    IctService,
    ProviderProfile,
    RegisterExport,
)


class EntityProfileTable(Table):
    organisation = Column(link=True, order_by="organisation__name")
    lei = Column("organisation.lei", label="LEI", order_by="organisation__lei")

    class Meta:
        model = EntityProfile
        fields = ("organisation", "lei", "in_scope", "entity_type", "hierarchy",
                  "competent_authority")


class BranchTable(Table):
    code = Column(link=True)

    class Meta:
        model = Branch
        fields = ("code", "name", "head_office", "country")


class FunctionTable(Table):
    identifier = Column(link=True)
    organisation = Column(link=True, order_by="organisation__name")

    class Meta:
        model = Function
        fields = ("identifier", "name", "organisation", "criticality", "assessed_on",
                  "rto_hours", "rpo_hours")


class IctServiceTable(Table):
    arrangement = Column(link=True, order_by="arrangement__reference")
    provider = Column("arrangement.provider", label="Provider", link=True,
                      order_by="arrangement__provider__name")
    service_type = Column(link=True)

    class Meta:
        model = IctService
        fields = ("arrangement", "provider", "service_type", "function", "organisation",
                  "provision_country", "reliance")


class ArrangementProfileTable(Table):
    arrangement = Column(link=True, order_by="arrangement__reference")

    class Meta:
        model = ArrangementProfile
        fields = ("arrangement", "termination_reason", "reintegration",
                  "discontinuing_impact")


class ProviderProfileTable(Table):
    provider = Column(link=True, order_by="provider__name")

    class Meta:
        model = ProviderProfile
        fields = ("provider", "latin_name")


class RegisterExportTable(Table):
    reference_date = Column(link=True)

    class Meta:
        model = RegisterExport
        fields = ("reference_date", "organisation", "consolidated", "status", "rows", "errors",
                  "warnings", "requested_by", "created")
