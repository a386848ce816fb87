"""The bulk measurement endpoint and the batch list, per role, with idempotency keys."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.performance.factories import MeasurementBatchFactory
from tests.performance.test_ingest_services import level_of, march
from tether.core.roles import INTERNAL_ROLES, Role
from tether.performance.models import MeasurementBatch, MeasurementChunk

pytestmark = pytest.mark.django_db

BULK = "/api/performance/measurements/bulk/"
BATCHES = "/api/performance/batches/"


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def post_json(client, rows, key=None, raw=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(BULK, data=raw if raw is not None else json.dumps(rows),
                       content_type="application/json", **headers)


@pytest.fixture
def manager_api(users):
    return api(users[Role.VENDOR_MANAGER])


def test_a_bulk_post_answers_201_with_the_counts_and_rejections(manager_api, provider_a):
    level = level_of(provider_a)
    rows = [*march(level, [99.9, 99.1]), {"level": level.pk, "at": "2999-01-01", "value": 1}]
    response = post_json(manager_api, rows, key="k-1")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["received"], data["accepted"], data["rejected"]) == (3, 2, 1)
    assert data["rejections"] == [{"row": 3, "column": "at",
                                   "error": "The time is in the future."}]
    assert data["status"] == "done" and data["idempotency_key"] == "k-1"


def test_a_replay_answers_200_with_the_same_batch_and_a_changed_body_409(manager_api,
                                                                          provider_a):
    level = level_of(provider_a)
    first = post_json(manager_api, march(level, [99.9]), key="k-2")
    replay = post_json(manager_api, march(level, [99.9]), key="k-2")
    assert replay.status_code == 200 and replay.json()["id"] == first.json()["id"]
    conflict = post_json(manager_api, march(level, [50.0]), key="k-2")
    assert conflict.status_code == 409 and "already used" in conflict.json()["detail"]
    assert MeasurementBatch.objects.count() == 1
    assert MeasurementChunk.objects.get(service_level=level).count == 1


def test_a_csv_body_is_accepted(manager_api, provider_a):
    level_of(provider_a, arrangement_reference="ARR-CSV")
    response = manager_api.post(BULK, data="arrangement,level,at,value\n"
                                           "ARR-CSV,AVAIL,2026-03-01,99.1\n",
                                content_type="text/csv")
    assert response.status_code == 201 and response.json()["accepted"] == 1


@pytest.mark.parametrize(("raw", "words"), [
    ("", "empty"),
    ("{not json", "not valid JSON"),
    ('{"at": "2026-03-01"}', "JSON array"),
    ('[{"level": 1, "at": "2026-03-01", "value": "9"}]', "value: must be a number"),
    ('[{"level": 1, "at": "2026-03-01", "value": NaN}]', "not valid JSON"),
])
def test_a_malformed_body_is_400_naming_the_problem(manager_api, raw, words):
    response = post_json(manager_api, None, raw=raw)
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert not MeasurementBatch.objects.exists()


def test_another_media_type_is_415(manager_api):
    response = manager_api.post(BULK, data={"at": "x"}, format="multipart")
    assert response.status_code == 415


def test_a_too_long_key_is_400(manager_api, provider_a):
    level = level_of(provider_a)
    assert post_json(manager_api, march(level, [1]), key="k" * 201).status_code == 400


@pytest.mark.parametrize("role", [*sorted(INTERNAL_ROLES), "contact_a"])
def test_only_performance_writers_may_post(users, role, provider_a):
    level = level_of(provider_a)
    response = post_json(api(users[role]), march(level, [99.0]))
    may = role in (Role.ADMIN, Role.VENDOR_MANAGER)
    assert response.status_code == (201 if may else 403)
    assert MeasurementChunk.objects.exists() == may


def test_batches_are_listed_for_internal_readers_and_never_for_contacts(users, provider_a,
                                                                        provider_b):
    mine = MeasurementBatchFactory(provider=provider_a)
    MeasurementBatchFactory(provider=provider_b)
    auditor = api(users[Role.AUDITOR])
    listed = auditor.get(BATCHES)
    assert listed.status_code == 200 and listed.json()["count"] == 2
    assert auditor.get(f"{BATCHES}{mine.pk}/").json()["id"] == mine.pk
    contact = api(users["contact_a"])
    assert contact.get(BATCHES).status_code == 403
    assert contact.get(f"{BATCHES}{mine.pk}/").status_code == 403
    assert auditor.get(f"{BATCHES}?status=nonsense").status_code == 400


def test_the_schema_describes_the_bulk_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][BULK]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "text/csv"}
    assert content["application/json"]["schema"]["type"] == "array"
    assert {"200", "201", "400", "409", "415"} <= set(operation["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header"
               for p in operation["parameters"])
    assert "rejections" in schema["components"]["schemas"]["MeasurementBatch"]["properties"]


def test_a_body_with_more_rows_than_the_limit_is_400(manager_api, provider_a, settings):
    settings.PERFORMANCE_MAX_ROWS = 2
    level = level_of(provider_a)
    response = post_json(manager_api, march(level, [1, 2, 3]))
    assert response.status_code == 400 and "split it" in response.json()["detail"]
    assert not MeasurementBatch.objects.exists()
