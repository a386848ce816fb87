"""Per-model data for the generic view and API tests: written once, reused by both."""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests import factories
from tether.registry import models


@dataclass
class ModelCase:
    model: type
    factory: type
    url_prefix: str  # UI path under /registry/
    api_path: str  # under /api/registry/
    form_data: Callable[[], dict]  # valid data for a create form / API POST
    update: dict  # a change that a form and the API accept
    search_text: Callable[[object], str]
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.model._meta.model_name


def _organisation_data():
    return {"name": "Northwind Bank AG", "country": "DE", "lei": "", "description": ""}


def _activity_data():
    org = factories.OrganisationFactory()
    return {"organisation": org.pk, "name": "Card payments", "porter_area": "operations",
            "sourcing": "outsourced", "is_core_competency": False, "description": ""}


def _provider_data():
    return {"name": "Gamma Services Ltd", "country": "GB", "person_type": "legal_person",
            "outsourcing_type": "bpo", "status": "active", "spend_currency": "GBP",
            "lei": factories.valid_lei(), "annual_spend": "250000.00"}


def _identifier_data():
    provider = factories.ProviderFactory()
    return {"provider": provider.pk, "scheme": "crn", "value": "HRB 12345", "country": "DE"}


def _service_data():
    return {"name": "Contact centre", "service_type": "bpo", "description": "Inbound calls"}


def _arrangement_data():
    provider = factories.ProviderFactory()
    org = factories.OrganisationFactory()
    service = factories.ServiceFactory()
    return {"reference": "NB-2025-001", "title": "Cloud hosting", "organisation": org.pk,
            "provider": provider.pk, "services": [service.pk],
            "arrangement_type": "standalone", "status": "active",
            "start_date": "2025-01-01", "end_date": "2027-12-31",
            "notice_period_entity_days": 90, "notice_period_provider_days": 180,
            "renewal_type": "automatic", "annual_cost": "480000.00", "currency": "EUR",
            "governing_law_country": "DE", "is_critical": True,
            "criticality_reason": "Hosts the core banking system",
            "substitutability": "highly_complex", "data_involved": "personal"}


def _link_data():
    first, second = factories.ProviderFactory(), factories.ProviderFactory()
    return {"provider": first.pk, "subcontractor": second.pk,
            "supports_critical_function": True, "description": "Hosting"}


CASES = [
    ModelCase(models.Organisation, factories.OrganisationFactory, "organisations",
              "organisations", _organisation_data, {"description": "Head office"},
              lambda o: o.name),
    ModelCase(models.Activity, factories.ActivityFactory, "activities", "activities",
              _activity_data, {"sourcing": "partly_outsourced"}, lambda o: o.name),
    ModelCase(models.Provider, factories.ProviderFactory, "providers", "providers",
              _provider_data, {"status": "suspended"}, lambda o: o.name),
    ModelCase(models.ProviderIdentifier, factories.ProviderIdentifierFactory, "identifiers",
              "provider-identifiers", _identifier_data, {"value": "HRB 99999"},
              lambda o: o.value),
    ModelCase(models.Service, factories.ServiceFactory, "services", "services",
              _service_data, {"description": "Changed"}, lambda o: o.name),
    ModelCase(models.Arrangement, factories.ArrangementFactory, "arrangements", "arrangements",
              _arrangement_data, {"status": "terminated"}, lambda o: o.reference),
    ModelCase(models.SubcontractingLink, factories.SubcontractingLinkFactory, "subcontracting",
              "subcontracting-links", _link_data, {"description": "Changed"},
              lambda o: o.provider.name),
]


def form_post_data(case: ModelCase, instance=None) -> dict:
    """Form data for an edit: the instance's current values plus the update."""
    from django.forms.models import model_to_dict

    data = {}
    for key, value in model_to_dict(instance).items():
        if value is None:
            continue
        if isinstance(value, list):
            data[key] = [getattr(v, "pk", getattr(v, "code", v)) for v in value]
        else:
            data[key] = getattr(value, "code", value)
    data.update(case.update)
    return {k: v for k, v in data.items() if not (isinstance(v, bool) and v is False)}
