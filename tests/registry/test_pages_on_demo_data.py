"""Every page of the register renders on the realistic demo portfolio (not only on factories)."""

import pytest
from django.core.management import call_command

from tether.core.roles import Role
from tether.registry.views import VIEWSETS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo")


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda v: v.model._meta.model_name)
def test_every_page_renders_on_demo_data(viewset, demo, users, login):
    client = login(users[Role.ADMIN])
    prefix = f"/registry/{viewset.url_prefix}"
    assert client.get(prefix).status_code == 200
    assert client.get(f"{prefix}add/").status_code == 200
    objects = list(viewset.model.objects.order_by("?")[:25])
    assert objects, f"the demo has no {viewset.model._meta.verbose_name_plural}"
    for obj in objects:
        for suffix in ("", "edit/", "history/"):
            response = client.get(f"{prefix}{obj.pk}/{suffix}")
            assert response.status_code == 200, f"{prefix}{obj.pk}/{suffix}"
