"""Every page of the register renders on the realistic demo portfolio (not only on factories)."""

import pytest
from django.core.management import call_command

from tether.core.roles import Role
from tether.registry.views import VIEWSETS

pytestmark = pytest.mark.django_db


def test_every_page_renders_on_demo_data(users, login):
    call_command("load_demo")
    client = login(users[Role.ADMIN])
    failures = []
    for viewset in VIEWSETS:
        prefix = f"/registry/{viewset.url_prefix}"
        objects = list(viewset.model.objects.order_by("?")[:15])
        assert objects, f"the demo has no {viewset.model._meta.verbose_name_plural}"
        urls = [prefix, f"{prefix}add/"] + [
            f"{prefix}{obj.pk}/{suffix}" for obj in objects for suffix in ("", "edit/", "history/")
        ]
        failures += [(url, code) for url in urls if (code := client.get(url).status_code) != 200]
    assert failures == []
