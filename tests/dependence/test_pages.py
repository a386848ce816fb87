"""The dependence pages, exports and API: per role, with the hand-made portfolio."""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tether.core.roles import INTERNAL_ROLES, Role

pytestmark = pytest.mark.django_db

PAGES = ("dependence:concentration", "dependence:supply_chain", "dependence:network",
         "dependence:network_data", "dependence:what_if")


def api_client(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_every_internal_role_reads_the_pages(role, users, portfolio, login):
    client = login(users[role])
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize("contact", ["contact_a", "contact_b"])
def test_provider_contacts_see_nothing(contact, users, portfolio, login):
    client = login(users[contact])
    for name in PAGES:
        assert client.get(reverse(name)).status_code in (403, 404), name
    assert api_client(users[contact]).get(
        reverse("dependence-api:dependence-concentration")).status_code == 403


def test_concentration_page_shows_hhi_chart_and_note(users, portfolio, login):
    client = login(users[Role.EXECUTIVE])
    response = client.get(reverse("dependence:concentration"), {"dimension": "group"})
    body = response.content.decode()
    assert 'data-hhi="6800.0"' in body
    assert "<svg" in body and "style=" not in body
    assert "999 USD" in body  # the left-out currency is said


def test_concentration_page_query_count(users, portfolio, login, django_assert_max_num_queries):
    client = login(users[Role.EXECUTIVE])
    client.get(reverse("dependence:concentration"))
    # 8 figures, each a GROUP BY and (providers, groups) one query for the names; the
    # service-type figures a second query for arrangements without a service; session, user.
    with django_assert_max_num_queries(24):
        client.get(reverse("dependence:concentration"))


def test_supply_chain_page_lists_spofs_and_chains(users, portfolio, login,
                                                  django_assert_max_num_queries):
    client = login(users[Role.EXECUTIVE])
    with django_assert_max_num_queries(15):
        body = client.get(reverse("dependence:supply_chain")).content.decode()
    assert "C2 Cloud" in body and "C1 Platform" in body
    assert "P2 Daughter</a> → <a" in body


def test_what_if_page_answers_and_exports(users, portfolio, login, django_assert_max_num_queries):
    client = login(users[Role.VENDOR_MANAGER])
    query = {"kind": "subcontractor", "provider": portfolio.c2.pk}
    # Building the graph takes 6 (the register's stamp, links, figures per provider, other
    # currencies, services, ranking); the answer 9 more; session, user, second factor.
    with django_assert_max_num_queries(24):
        body = client.get(reverse("dependence:what_if"), query).content.decode()
    assert 'data-total="3"' in body and 'data-critical="2"' in body
    assert "P3 Services → C1 Platform → C2 Cloud" in body
    assert "Payments" in body
    rows = read_csv(client.get(reverse("dependence:what_if_export"), {**query, "format": "csv"}))
    assert sorted(row["reference"] for row in rows) == sorted(
        [portfolio.a2.reference, portfolio.a3.reference, portfolio.a4.reference])
    assert {row["dependence"] for row in rows} == {"through subcontracting"}
    xlsx = client.get(reverse("dependence:what_if_export"), {**query, "format": "xlsx"})
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_what_if_page_asks_for_the_pick(users, portfolio, login):
    client = login(users[Role.EXECUTIVE])
    body = client.get(reverse("dependence:what_if"), {"kind": "country"}).content.decode()
    assert "Choose the country that fails." in body


@pytest.mark.parametrize("table,expected", [
    ("concentration", 3), ("exposure", 5), ("spof", 2), ("chains", 2)])
def test_every_table_exports(table, expected, users, portfolio, login):
    client = login(users[Role.EXECUTIVE])
    rows = read_csv(client.get(reverse(f"dependence:{table}_export"), {"format": "csv"}))
    assert len(rows) == expected


def test_network_data_is_the_neighbourhood(users, portfolio, login):
    client = login(users[Role.EXECUTIVE])
    data = client.get(reverse("dependence:network_data"), {"provider": portfolio.c1.pk}).json()
    levels = {node["name"]: node["level"] for node in data["nodes"]}
    assert levels == {"C1 Platform": 0, "P3 Services": -1, "P2 Daughter": -1, "C2 Cloud": 1}
    assert len(data["links"]) == 3
    assert {node["name"] for node in data["nodes"] if node["spof"]} == {"C1 Platform",
                                                                        "C2 Cloud"}


def test_provider_page_carries_the_dependence_card(users, portfolio, login):
    client = login(users[Role.EXECUTIVE])
    body = client.get(portfolio.c2.get_absolute_url()).content.decode()
    assert "Dependence" in body and "single point of failure" in body
    assert f"kind=provider&amp;provider={portfolio.c2.pk}" in body


def test_api_concentration(users, portfolio):
    client = api_client(users[Role.EXECUTIVE])
    body = client.get(reverse("dependence-api:dependence-concentration"),
                      {"dimension": "country", "measure": "spend"}).json()
    assert body["hhi"] == pytest.approx(3800)
    assert [s["key"] for s in body["shares"]] == ["FR", "DE", "IE"]
    bad = client.get(reverse("dependence-api:dependence-concentration"), {"dimension": "x"})
    assert bad.status_code == 400


def test_api_single_points_of_failure(users, portfolio):
    body = api_client(users[Role.EXECUTIVE]).get(
        reverse("dependence-api:dependence-single-points-of-failure")).json()
    assert {row["name"] for row in body["results"]} == {"C1 Platform", "C2 Cloud"}
    assert body["longest_chains"][0] == [portfolio.p2.pk, portfolio.c1.pk, portfolio.c2.pk]


def test_api_what_if_and_network(users, portfolio):
    client = api_client(users[Role.EXECUTIVE])
    url = reverse("dependence-api:dependence-what-if")
    body = client.get(url, {"kind": "group", "provider": portfolio.p2.pk}).json()
    assert (body["total"], body["critical"], body["spend"]) == (2, 2, {"EUR": 80.0})
    assert client.get(url).status_code == 400
    assert client.get(url, {"kind": "country", "country": "ZZ"}).status_code == 400
    network = client.get(reverse("dependence-api:dependence-network"),
                         {"provider": portfolio.p3.pk, "depth": 3}).json()
    assert {node["name"] for node in network["nodes"]} == {"P3 Services", "C1 Platform",
                                                           "C2 Cloud"}
