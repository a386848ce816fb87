"""Fuzzing the REST API against its own OpenAPI schema (schemathesis).

Every operation of the schema is called with generated data, valid and invalid, through the
WSGI application, as an administrator with an API token. Whatever is sent, the answer must
be no server error, a status code, content type and body that the schema declares.

TETHER_FUZZ_EXAMPLES raises the number of generated examples per operation for a deeper run
(`TETHER_FUZZ_EXAMPLES=500 pytest tests/api`).
"""

import json
import os

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories
from tests.accounts import give_authenticator
from tether.core.roles import Role

EXAMPLES = int(os.environ.get("TETHER_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]


def _openapi_document() -> dict:
    """The schema /api/schema/ serves, generated in-process (no database, no user needed)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_openapi_document())
schema.app = WSGIHandler()
schema.config.generation.update(max_examples=EXAMPLES)
if os.environ.get("NOCOV"):
    schema.config.phases.update(phases=["examples", "fuzzing"])

# The token endpoint is rate-limited per address and checks passwords (slow on purpose): it
# gets a few examples of its own below, not the full run.
api_schema = schema.exclude(path="/api/auth/token/")
token_schema = schema.include(path="/api/auth/token/")

FUZZ_SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis folder; a failure prints the example to replay
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture,
                           hypothesis.HealthCheck.too_slow,
                           hypothesis.HealthCheck.filter_too_much],
)


@pytest.fixture
def wsgi_in_test_transaction():
    """Requests through the WSGI handler must not close the test's database connection.

    Django's test client does the same: it detaches close_old_connections while it calls the
    application, which would otherwise end the transaction pytest-django rolls back.
    """
    request_finished.disconnect(close_old_connections)
    yield
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(db, settings):
    """An administrator's token, and some data, so ids in paths sometimes hit real objects."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1000000/min", "token": "1000000/min"},
    }
    admin = factories.UserFactory(username="fuzz-admin", role=Role.ADMIN)
    give_authenticator(admin)
    for _ in range(3):
        factories.ArrangementFactory()
        factories.SubcontractingLinkFactory()
        factories.ProviderIdentifierFactory()
        factories.ActivityFactory()
        factories.ServiceFactory()
    return Token.objects.create(user=admin).key


import time, collections, atexit
STATS = collections.defaultdict(lambda: [0, 0.0])
atexit.register(lambda: [print("STAT", k, v) for k, v in sorted(STATS.items(), key=lambda kv: -kv[1][1])])
def call_and_check(case, token):
    t = time.perf_counter()
    try:
        _call_and_check(case, token)
    finally:
        STATS[case.operation.label][0] += 1
        STATS[case.operation.label][1] += time.perf_counter() - t

def _call_and_check(case, token):
    """One request in a savepoint rolled back afterwards: no example changes the next one's data."""
    with transaction.atomic():
        response = case.call(headers={"Authorization": f"Token {token}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)


@api_schema.parametrize()
@FUZZ_SETTINGS
def test_api_answers_as_its_schema_says(case, api_token, wsgi_in_test_transaction):
    call_and_check(case, api_token)


@token_schema.parametrize()
@hypothesis.settings(FUZZ_SETTINGS, max_examples=min(EXAMPLES, 10))
def test_token_endpoint_answers_as_its_schema_says(case, api_token, wsgi_in_test_transaction):
    call_and_check(case, api_token)
