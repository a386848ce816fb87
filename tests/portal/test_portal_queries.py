"""Portal pages cost a fixed number of queries, however much a provider has."""

import pytest

from tests.factories import ArrangementFactory, InformationRequestFactory, make_document
from tether.core.roles import Role

pytestmark = pytest.mark.django_db

# The home page gathers a card from each app above the portal: 7 queries every page pays
# (session read and its save, user, 2FA device, provider), 4 of its own (counts in one query,
# NDA, open requests, arrangements), one per section list that cannot share a query
# (questionnaires, review feedback, findings, incidents) and one for measurements.
HOME_BUDGET = 16


@pytest.mark.parametrize("path", ["/portal/", "/portal/requests/", "/portal/documents/"])
def test_portal_pages_do_not_grow_with_the_data(path, users, login, provider_a,
                                                django_assert_max_num_queries):
    client = login(users["contact_a"])

    def queries_for(extra: int) -> int:
        for _ in range(extra):
            arrangement = ArrangementFactory(provider=provider_a)
            InformationRequestFactory(provider=provider_a, arrangement=arrangement)
            make_document(actor=users[Role.VENDOR_MANAGER], attached_to=arrangement,
                          shared_with_provider=True)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    few, many = queries_for(1), queries_for(12)
    assert many == few, f"{path}: {few} queries with 1 of each, {many} with 13"
    with django_assert_max_num_queries(HOME_BUDGET if path == "/portal/" else 15):
        client.get(path)


def test_request_page_queries_are_bounded(users, login, provider_a,
                                          django_assert_max_num_queries):
    item = InformationRequestFactory(provider=provider_a)
    for _ in range(10):
        make_document(actor=users["contact_a"], attached_to=item)
    client = login(users["contact_a"])
    with django_assert_max_num_queries(15):
        assert client.get(f"/portal/requests/{item.pk}/").status_code == 200
