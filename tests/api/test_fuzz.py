"""Fuzzing the REST API against its own OpenAPI schema (schemathesis).

Every operation of the schema is called with generated data, valid and invalid, through the
WSGI application, as an administrator with an API token. Whatever is sent, the answer must be
no server error, and a status code, content type and body that the schema declares; invalid
data must be refused (4xx), never accepted.

The normal run (both databases in CI) takes about a minute: the coverage phase sends its
invalid values only (boundaries, wrong types), then `EXAMPLES` random examples per operation.
A deeper run adds the coverage phase's valid values (every enum value, every boundary):

    TETHER_FUZZ_EXAMPLES=500 TETHER_DATA_DIR=.data/test .venv/bin/pytest tests/api

A failure prints the request as a curl command.
"""

import json
import os

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import strategies as st
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
from tests.board.factories import board_objects
from tests.continuity.factories import continuity_objects
from tests.contracts.factories import contracts_objects
from tests.decisions.factories import decision_objects
from tests.diligence.factories import AnswerFactory, QuestionFactory, ResponseFactory
from tests.oversight.factories import oversight_objects
from tests.performance.factories import performance_objects
from tests.regulatory.factories import regulatory_objects
from tests.reviews.factories import reviews_objects
from tests.risk.factories import risk_objects
from tether.core.roles import Role
from tether.portal.models import Invitation

DEFAULT_EXAMPLES = 25
EXAMPLES = int(os.environ.get("TETHER_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
FORM_MEDIA_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def _openapi_document() -> dict:
    """The schema /api/schema/ serves, generated in-process (no database, no user needed)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_openapi_document())
schema.app = WSGIHandler()
schema.config.generation.update(max_examples=EXAMPLES)
if EXAMPLES <= DEFAULT_EXAMPLES:
    # The valid half of the coverage phase sends every value of every enum: some thousand
    # requests for providers alone (four country fields). Deep runs only.
    schema.config.phases.coverage.generation.update(modes=["negative"])

# Ids of existing objects per operation path, filled by the `api_token` fixture.
EXISTING_IDS: dict[str, list[int]] = {}


def _with_existing_id(path: str, parameters, index: int):
    ids = EXISTING_IDS.get(path)
    # Invalid path parameters (schemathesis wraps them) stay invalid.
    if not ids or not isinstance(parameters, dict) or "id" not in parameters:
        return parameters
    return {**parameters, "id": ids[index % len(ids)]}


@schema.hook
def before_generate_path_parameters(context, strategy):
    """Generated ids seldom exist: half the valid ones are replaced with existing ones."""
    path = context.operation.path
    existing = st.tuples(strategy, st.integers(min_value=0, max_value=999)).map(
        lambda drawn: _with_existing_id(path, *drawn))
    return st.one_of(strategy, existing)


# The token endpoint is rate-limited per address and checks passwords (slow on purpose): it
# gets a few examples of its own, below. (The schema, docs and ReDoc pages are not in the
# schema.)
api_schema = schema.exclude(path="/api/auth/token/")
token_schema = schema.include(path="/api/auth/token/")

FUZZ_SETTINGS = hypothesis.settings(
    deadline=None,
    database=None,  # no .hypothesis folder; a failure prints the request to replay
    # The fixtures' data is the same for every example, and each example's own changes are
    # rolled back (call_and_check).
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture,
                           hypothesis.HealthCheck.too_slow,
                           hypothesis.HealthCheck.filter_too_much],
)


@pytest.fixture
def wsgi_in_test_transaction():
    """Requests through the WSGI handler must not close the test's database connection.

    Django's test client does the same: it detaches close_old_connections while it calls the
    application, which would otherwise close the connection (PostgreSQL) in the middle of the
    transaction pytest-django rolls back.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_token(db, settings):
    """An administrator's token, and some objects of every kind for ids to name."""
    # Thousands of requests a minute, from one user: the throttle is tested elsewhere.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1000000/min", "token": "1000000/min"},
    }
    admin = factories.UserFactory(username="fuzz-admin", role=Role.ADMIN)
    give_authenticator(admin)
    for _ in range(3):
        arrangement = factories.ArrangementFactory()
        factories.SubcontractingLinkFactory(provider=arrangement.provider)
        factories.ProviderIdentifierFactory(provider=arrangement.provider)
        factories.ActivityFactory(organisation=arrangement.organisation)
        arrangement.services.add(factories.ServiceFactory())
        factories.InformationRequestFactory(provider=arrangement.provider)
        factories.make_document(actor=admin, attached_to=arrangement)
        AnswerFactory(response=ResponseFactory(provider=arrangement.provider))
        QuestionFactory(section__template__status="draft")  # a template still editable
        risk_objects(arrangement.provider, arrangement)
        decision_objects(arrangement.provider)
        continuity_objects(arrangement)
        Invitation.objects.create(provider=arrangement.provider, email="x@example.com",
                                  token_hash=f"{arrangement.pk:064d}",
                                  expires_at=arrangement.created, invited_by=admin)
    # One of each of issue 6's objects: the fixture runs once per operation, so every object
    # made here costs a few hundred times over.
    performance_objects(arrangement)
    contracts_objects(arrangement)
    oversight_objects(arrangement.provider, arrangement)
    reviews_objects(arrangement)
    board_objects()
    regulatory_objects(arrangement)
    EXISTING_IDS.clear()
    for operation in schema.get_all_operations():
        path = operation.ok().path
        if "{id}" in path:
            model = resolve(path.replace("{id}", "1")).func.cls.queryset.model
            EXISTING_IDS[path] = list(model.objects.values_list("pk", flat=True))
    return Token.objects.create(user=admin).key


def checks_for(case) -> list:
    """Every check; for a form body with an empty field, all but negative_data_rejection.

    In a form, an empty value is how a client says "none" or "the default" (HTML forms; DRF
    reads it so): schemathesis counts `kind=` as an invalid enum value accepted.
    """
    if case.media_type in FORM_MEDIA_TYPES and isinstance(case.body, dict) and any(
        value == "" or isinstance(value, list) and "" in value for value in case.body.values()
    ):
        return [check for check in CHECKS if check is not negative_data_rejection]
    return CHECKS


def call_and_check(case, token):
    """One request in a savepoint rolled back afterwards: no example changes the next one's data."""
    with transaction.atomic():
        response = case.call(headers={"Authorization": f"Token {token}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=checks_for(case))


@api_schema.parametrize()
@hypothesis.settings(FUZZ_SETTINGS, max_examples=EXAMPLES)
def test_api_answers_as_its_schema_says(case, api_token, wsgi_in_test_transaction):
    call_and_check(case, api_token)


@token_schema.parametrize()
@hypothesis.settings(FUZZ_SETTINGS, max_examples=min(EXAMPLES, 10))
def test_token_endpoint_answers_as_its_schema_says(case, api_token, wsgi_in_test_transaction):
    call_and_check(case, api_token)
