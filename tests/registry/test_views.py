"""Generic UI tests, run for every register model."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases import CASES, form_post_data
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.core.views.generic import CONTRIBUTED_PANELS

pytestmark = pytest.mark.django_db
MAX_QUERIES = 15
CONTRIBUTED_PANEL_QUERIES = 2


def url(case, suffix=""):
    return f"/registry/{case.url_prefix}/{suffix}"


@pytest.fixture(params=CASES, ids=lambda c: c.name)
def case(request):
    return request.param


@pytest.fixture
def manager(users, login):
    return login(users[Role.VENDOR_MANAGER])


def test_list_page_shows_objects_and_searches(case, manager):
    wanted, other = case.factory(), case.factory()
    response = manager.get(url(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.search_text(wanted) in page and case.search_text(other) in page
    response = manager.get(url(case), {"q": case.search_text(wanted)})
    assert case.search_text(wanted) in response.content.decode()


def test_list_page_query_count_does_not_grow_with_rows(case, manager):
    case.factory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        assert manager.get(url(case)).status_code == 200
    case.factory.create_batch(40)
    with CaptureQueriesContext(connection) as many:
        assert manager.get(url(case), {"per_page": 100}).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= MAX_QUERIES


def test_list_page_sorts_and_paginates(case, manager):
    case.factory.create_batch(3)
    first_column = case.model._meta.get_fields()
    response = manager.get(url(case), {"per_page": 2, "page": 2})
    assert response.status_code == 200
    assert response.context["table"].page.number == 2
    assert first_column  # the model has fields to sort by
    sortable = next(c for c in response.context["table"].columns if c.orderable).name
    assert manager.get(url(case), {"sort": f"-{sortable}"}).status_code == 200


def test_list_page_partial_for_htmx(case, manager):
    case.factory()
    response = manager.get(url(case), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body


def test_detail_page_shows_object_within_query_budget(case, manager):
    obj = case.factory()
    with CaptureQueriesContext(connection) as queries:
        response = manager.get(url(case, f"{obj.pk}/"))
    assert response.status_code == 200
    assert case.search_text(obj) in response.content.decode()
    # Apps higher up add panels to these pages (risk and diligence on a provider's page):
    # each contributing app may spend a couple of queries.
    contributors = len(CONTRIBUTED_PANELS.get(f"registry.{case.name}", []))
    assert len(queries) <= MAX_QUERIES + 5 + CONTRIBUTED_PANEL_QUERIES * contributors


def test_detail_of_missing_object_is_404(case, manager):
    assert manager.get(url(case, "999999/")).status_code == 404


def test_create_form_creates_and_audits(case, manager):
    data = case.form_data()
    before = case.model.objects.count()
    response = manager.post(url(case, "add/"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert case.model.objects.count() == before + 1
    created = case.model.objects.order_by("-pk").first()
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(case.model), object_id=str(created.pk)
    )
    assert entry.action == "create" and entry.actor.username == "vendor_manager-user"
    assert entry.after and entry.before is None


def test_edit_form_updates_and_records_before_and_after(case, manager):
    obj = case.factory()
    response = manager.post(url(case, f"{obj.pk}/edit/"), form_post_data(case, obj))
    assert response.status_code == 302, response.context["form"].errors
    obj.refresh_from_db()
    field, value = next(iter(case.update.items()))
    assert str(getattr(obj, field)) == str(value)
    entry = AuditEntry.objects.filter(action="update", object_id=str(obj.pk)).get()
    assert entry.after[field] != entry.before[field]
    history = manager.get(url(case, f"{obj.pk}/history/")).content.decode()
    assert "Updated" in history and str(value) in history


def test_create_form_with_missing_fields_shows_errors_and_saves_nothing(case, manager):
    before = case.model.objects.count()
    response = manager.post(url(case, "add/"), {})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "This field is required." in response.content.decode()
    assert case.model.objects.count() == before


def test_delete_removes_object_and_keeps_last_values(case, manager):
    obj = case.factory()
    pk = obj.pk
    assert manager.get(url(case, f"{pk}/delete/")).status_code == 200
    response = manager.post(url(case, f"{pk}/delete/"))
    assert response.status_code == 302
    assert not case.model.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="delete", object_id=str(pk),
                                   content_type=ContentType.objects.get_for_model(case.model))
    assert entry.before is not None and entry.after is None


def test_choices_endpoint_returns_matching_options(manager):
    from tests.factories import ProviderFactory

    ProviderFactory(name="Searchable Cloud Ltd")
    ProviderFactory(name="Other Firm")
    body = manager.get("/registry/providers/choices/", {"q": "searchable"}).content.decode()
    assert "Searchable Cloud Ltd" in body and "Other Firm" not in body
