"""The columns of each entity's file: one list serves import and export, so they round-trip."""

from collections.abc import Callable
from dataclasses import dataclass

from tether.registry import choices
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    Service,
    SubcontractingLink,
)
from tether.registry.transfer import cells

VALUE = "value"  # the cell is stored as is in `field`
REFERENCE = "reference"  # the cell names another object; the importer sets `field` to its id
MANY = "many"  # the cell lists names of other objects; the importer sets many-to-many `field`


@dataclass(frozen=True)
class Column:
    header: str
    convert: Callable
    field: str | None = None
    kind: str = VALUE
    required: bool = False
    # What export reads: a values() path, or for MANY the through-model paths joined by " / ".
    source: str | tuple[str, ...] | None = None

    @property
    def export_source(self):
        """The values() path (or through-model paths) export reads for this column."""
        return self.source or self.field


def normalise_header(text: str) -> str:
    """“Provider LEI”, “provider-lei” and “provider_lei” are the same column."""
    return "_".join(text.strip().lower().replace("-", " ").split())


def _value(header, convert, *, required=False, field=None):
    """A column stored as is in the field of the same name."""
    return Column(header, convert, field or header, VALUE, required)


NAME = cells.text(200)

ORGANISATION_COLUMNS = (
    _value("name", NAME, required=True),
    _value("lei", cells.lei),
    _value("country", cells.country, required=True),
    _value("description", cells.text()),
)

ACTIVITY_COLUMNS = (
    Column("organisation", NAME, "organisation_id", REFERENCE, True, "organisation__name"),
    _value("name", NAME, required=True),
    Column("parent", NAME, "parent_id", REFERENCE, source="parent__name"),
    _value("porter_area", cells.choice(choices.PorterArea), required=True),
    _value("is_core_competency", cells.boolean),
    _value("sourcing", cells.choice(choices.Sourcing)),
    _value("description", cells.text()),
)

SERVICE_COLUMNS = (
    _value("name", NAME, required=True),
    _value("service_type", cells.choice(choices.OutsourcingType), required=True),
    _value("description", cells.text()),
    Column("activities", cells.names, "activities", MANY,
           source=("activity__organisation__name", "activity__name")),
)

PROVIDER_COLUMNS = (
    _value("name", cells.text(250), required=True),
    _value("lei", cells.lei),
    _value("country", cells.country, required=True),
    _value("person_type", cells.choice(choices.PersonType)),
    Column("parent_lei", cells.lei, "parent_id", REFERENCE, source="parent__lei"),
    Column("parent_name", cells.text(250), "parent_id", REFERENCE, source="parent__name"),
    _value("outsourcing_type", cells.choice(choices.OutsourcingType), required=True),
    _value("status", cells.choice(choices.ProviderStatus)),
    Column("relationship_owner", cells.text(150), "relationship_owner_id", REFERENCE,
           source="relationship_owner__username"),
    _value("annual_spend", cells.amount(16, 2)),
    _value("spend_currency", cells.currency),
    _value("service_countries", cells.countries),
    _value("data_storage_countries", cells.countries),
    Column("services", cells.names, "services", MANY, source=("service__name",)),
    _value("website", cells.url),
    _value("registered_address", cells.text(500)),
    _value("description", cells.text()),
)

ARRANGEMENT_COLUMNS = (
    _value("reference", cells.text(100), required=True),
    _value("title", cells.text(250)),
    Column("organisation", NAME, "organisation_id", REFERENCE, True, "organisation__name"),
    Column("provider_lei", cells.lei, "provider_id", REFERENCE, source="provider__lei"),
    Column("provider_name", cells.text(250), "provider_id", REFERENCE, source="provider__name"),
    Column("provider_country", cells.country, "provider_id", REFERENCE,
           source="provider__country"),
    Column("services", cells.names, "services", MANY, source=("service__name",)),
    _value("arrangement_type", cells.choice(choices.ArrangementType)),
    Column("overarching_reference", cells.text(100), "overarching_id", REFERENCE,
           source="overarching__reference"),
    _value("status", cells.choice(choices.ArrangementStatus)),
    _value("start_date", cells.date_value, required=True),
    _value("end_date", cells.date_value),
    _value("notice_period_entity_days", cells.whole_number()),
    _value("notice_period_provider_days", cells.whole_number()),
    _value("renewal_type", cells.choice(choices.RenewalType)),
    _value("annual_cost", cells.amount(16, 2)),
    _value("currency", cells.currency),
    _value("governing_law_country", cells.country),
    _value("is_critical", cells.boolean),
    _value("criticality_reason", cells.text()),
    _value("substitutability", cells.choice(choices.Substitutability)),
    _value("data_involved", cells.choice(choices.DataInvolved)),
    _value("supports_time_critical_operations", cells.boolean),
    _value("cloud_service_model", cells.choice(choices.CloudServiceModel)),
    _value("cloud_deployment_model", cells.choice(choices.CloudDeploymentModel)),
    _value("approved_by", cells.text(200)),
    Column("owner", cells.text(150), "owner_id", REFERENCE, source="owner__username"),
    _value("notes", cells.text()),
)

SUBCONTRACTING_COLUMNS = (
    Column("provider_lei", cells.lei, "provider_id", REFERENCE, source="provider__lei"),
    Column("provider_name", cells.text(250), "provider_id", REFERENCE, source="provider__name"),
    Column("provider_country", cells.country, "provider_id", REFERENCE,
           source="provider__country"),
    Column("subcontractor_lei", cells.lei, "subcontractor_id", REFERENCE,
           source="subcontractor__lei"),
    Column("subcontractor_name", cells.text(250), "subcontractor_id", REFERENCE,
           source="subcontractor__name"),
    Column("subcontractor_country", cells.country, "subcontractor_id", REFERENCE,
           source="subcontractor__country"),
    Column("service", NAME, "service_id", REFERENCE, source="service__name"),
    Column("arrangement_reference", cells.text(100), "arrangement_id", REFERENCE,
           source="arrangement__reference"),
    _value("supports_critical_function", cells.boolean),
    _value("description", cells.text()),
)


@dataclass(frozen=True)
class Entity:
    name: str
    model: type
    columns: tuple[Column, ...]
    # Groups of headers of which the file needs at least one (a provider by LEI or by name).
    required_any: tuple[tuple[str, ...], ...] = ()
    # The reference to the same model, whose targets must come first in a file.
    self_reference: str | None = None


ENTITIES = {
    entity.name: entity
    for entity in (
        Entity("organisations", Organisation, ORGANISATION_COLUMNS),
        Entity("activities", Activity, ACTIVITY_COLUMNS, self_reference="parent_id"),
        Entity("services", Service, SERVICE_COLUMNS),
        Entity("providers", Provider, PROVIDER_COLUMNS, self_reference="parent_id"),
        Entity("arrangements", Arrangement, ARRANGEMENT_COLUMNS,
               required_any=(("provider_lei", "provider_name"),),
               self_reference="overarching_id"),
        Entity("subcontracting", SubcontractingLink, SUBCONTRACTING_COLUMNS,
               required_any=(("provider_lei", "provider_name"),
                             ("subcontractor_lei", "subcontractor_name"))),
    )
}
ALIASES = {
    "organisation": "organisations", "organization": "organisations",
    "organizations": "organisations", "activity": "activities", "service": "services",
    "provider": "providers", "arrangement": "arrangements", "links": "subcontracting",
    "subcontracting_links": "subcontracting", "subcontracting_link": "subcontracting",
}


def entity_named(name: str) -> Entity:
    """The entity called `name` (plural or singular); ValueError naming the choices if none."""
    key = normalise_header(name)
    key = ALIASES.get(key, key)
    if key not in ENTITIES:
        raise ValueError(f"“{name}” is not something Tether imports or exports: "
                         f"choose one of {', '.join(ENTITIES)}.")
    return ENTITIES[key]
