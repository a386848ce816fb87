"""Fixtures of the import and export tests: a small register and a way to import text."""

import io

import pytest

from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    ProviderFactory,
    ServiceFactory,
    UserFactory,
)
from tether.core.roles import Role
from tether.registry.transfer import import_file

GLEIF_LEI = "5493001KJTIIGC8Y1R12"  # the GLEIF's own LEI


@pytest.fixture
def importer_user(db):
    return UserFactory(username="importer", role=Role.VENDOR_MANAGER)


@pytest.fixture
def register(db):
    """An organisation with two activities, a service, and a provider known by its LEI."""
    bank = OrganisationFactory(name="Acme Bank", country="FR")
    payments = ActivityFactory(organisation=bank, name="Payments", porter_area="operations")
    ActivityFactory(organisation=bank, name="Recruiting", porter_area="human_resources")
    hosting = ServiceFactory(name="Cloud hosting", service_type="ito")
    hosting.activities.set([payments])
    provider = ProviderFactory(name="Gleif Hosting", lei=GLEIF_LEI, country="DE")
    return {"organisation": bank, "service": hosting, "provider": provider, "activity": payments}


@pytest.fixture
def run_import(importer_user):
    """Import text (or bytes) as a file named `filename`; returns the ImportResult."""

    def run(entity, content, *, filename="upload.csv", actor=importer_user, **options):
        data = content.encode("utf-8") if isinstance(content, str) else content
        return import_file(actor=actor, entity=entity, file=io.BytesIO(data),
                           filename=filename, **options)

    return run

