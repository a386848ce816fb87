import pytest
from django.utils import timezone

from tests.deadlines.factories import deadline_objects
from tether.core.roles import Role


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def objects(users, provider_a, today):
    return deadline_objects(today, provider=provider_a, owner=users[Role.VENDOR_MANAGER],
                            uploader=users[Role.SECURITY_OFFICER])
