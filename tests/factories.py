"""factory_boy factories for the register: valid objects with the fewest fields set."""

import itertools
from datetime import date

import factory

from tether.core.models import User
from tether.core.roles import Role
from tether.registry.models import (
    Activity,
    Arrangement,
    Organisation,
    Provider,
    ProviderIdentifier,
    Service,
    SubcontractingLink,
)
from tether.registry.validators import lei_with_check_digits

_lei_numbers = itertools.count(1)


def valid_lei() -> str:
    return lei_with_check_digits(f"TEST00{next(_lei_numbers):012d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.VENDOR_MANAGER
    password = factory.django.Password("correct-horse-battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    country = "DE"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Activity {n}")
    porter_area = "operations"


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n} Ltd")
    lei = factory.LazyFunction(valid_lei)
    country = "IE"
    outsourcing_type = "ito"
    service_countries = ["IE", "DE"]
    data_storage_countries = ["IE"]


class ProviderIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderIdentifier

    provider = factory.SubFactory(ProviderFactory)
    scheme = "vat"
    value = factory.Sequence(lambda n: f"IE{n:07d}X")
    country = "IE"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    service_type = "ict_service"


class ArrangementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Arrangement

    reference = factory.Sequence(lambda n: f"ARR-{n:05d}")
    organisation = factory.SubFactory(OrganisationFactory)
    provider = factory.SubFactory(ProviderFactory)
    start_date = date(2024, 1, 1)
    end_date = date(2027, 12, 31)
    annual_cost = 120000


class SubcontractingLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubcontractingLink

    provider = factory.SubFactory(ProviderFactory)
    subcontractor = factory.SubFactory(ProviderFactory)


class InformationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portal.InformationRequest"

    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Request {n}")
    question = "Please send your current ISO 27001 certificate."


def pdf_bytes(pages: int = 1) -> bytes:
    """A small valid PDF."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes(size=(64, 48)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 220, 240)).save(buffer, format="PNG")
    return buffer.getvalue()


def make_document(*, actor, attached_to, data: bytes | None = None, name: str = "report.pdf",
                  **metadata):
    """A document stored through the upload service, as the UI would."""
    from tether.documents.services import document_upload

    metadata = {"title": name, **metadata}
    return document_upload(actor=actor, attached_to=attached_to, upload_name=name,
                           data=pdf_bytes() if data is None else data, metadata=metadata)
