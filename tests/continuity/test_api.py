"""The continuity API: CRUD through the services (audited, source "api"), the readiness list."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.continuity.factories import (
    AlternativeFactory,
    CapabilityFactory,
    CriticalArrangementFactory,
    ExitPlanFactory,
    ExitPlanTestFactory,
    ExitStepFactory,
)
from tests.factories import ActivityFactory, ProviderFactory, ServiceFactory
from tether.continuity.models import ExitPlan, ExitStep, ServiceAlternative
from tether.core.models import AuditEntry
from tether.core.roles import Role

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def officer(users):
    return api_for(users[Role.RISK_OFFICER])


def test_exit_plan_created_through_the_service_with_its_readiness(officer):
    arrangement = CriticalArrangementFactory()
    response = officer.post("/api/continuity/exit-plans/", {
        "arrangement": arrangement.pk, "strategy": "mixed", "triggers": "Insolvency",
        "target_duration_days": 180, "estimated_cost": "50000.00"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["readiness"] == "untested" and body["last_test_on"] is None
    assert AuditEntry.objects.get(object_id=str(body["id"]), action="create").source == "api"


def test_second_plan_for_an_arrangement_is_refused(officer):
    plan = ExitPlanFactory()
    response = officer.post("/api/continuity/exit-plans/", {
        "arrangement": plan.arrangement_id, "strategy": "mixed", "triggers": "x",
        "target_duration_days": 10}, format="json")
    assert response.status_code == 400 and "arrangement" in response.json()


def test_plan_cannot_move_to_another_arrangement(officer):
    plan = ExitPlanFactory()
    other = CriticalArrangementFactory()
    response = officer.patch(f"/api/continuity/exit-plans/{plan.pk}/",
                             {"arrangement": other.pk}, format="json")
    assert response.status_code == 400
    response = officer.patch(f"/api/continuity/exit-plans/{plan.pk}/",
                             {"target_duration_days": 99}, format="json")
    assert response.status_code == 200 and response.json()["target_duration_days"] == 99


def test_steps_tests_capabilities_and_alternatives_crud(officer):
    plan = ExitPlanFactory()
    step = officer.post("/api/continuity/exit-steps/", {
        "plan": plan.pk, "description": "Notify", "duration_days": 5}, format="json")
    assert step.status_code == 201, step.json()
    test = officer.post("/api/continuity/exit-plan-tests/", {
        "plan": plan.pk, "tested_on": "2026-10-01", "kind": "live", "result": "passed"},
        format="json")
    assert test.status_code == 201, test.json()
    capability = officer.post("/api/continuity/capabilities/", {
        "activity": ActivityFactory().pk, "name": "Runbooks", "kind": "knowledge", "level": 1},
        format="json")
    assert capability.status_code == 201, capability.json()
    alternative = officer.post("/api/continuity/alternatives/", {
        "service": ServiceFactory().pk, "kind": "contracted", "provider": ProviderFactory().pk,
        "switch_days": 30, "switch_cost": "1000.00"}, format="json")
    assert alternative.status_code == 201, alternative.json()
    assert officer.delete(f"/api/continuity/exit-steps/{step.json()['id']}/").status_code == 204
    assert not ExitStep.objects.exists()
    assert AuditEntry.objects.filter(source="api").count() == 5


def test_contracted_alternative_without_provider_is_refused(officer):
    response = officer.post("/api/continuity/alternatives/", {
        "service": ServiceFactory().pk, "kind": "contracted", "switch_days": 30}, format="json")
    assert response.status_code == 400 and "provider" in response.json()
    assert not ServiceAlternative.objects.exists()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.AUDITOR, Role.SECURITY_OFFICER])
def test_readers_cannot_write_through_the_api(role, users):
    client = api_for(users[role])
    plan = ExitPlanFactory()
    assert client.get(f"/api/continuity/exit-plans/{plan.pk}/").status_code == 200
    assert client.delete(f"/api/continuity/exit-plans/{plan.pk}/").status_code == 403
    assert client.post("/api/continuity/capabilities/", {}, format="json").status_code == 403
    assert ExitPlan.objects.filter(pk=plan.pk).exists()


def test_provider_contacts_get_nothing(users):
    client = api_for(users["contact_a"])
    plan = ExitPlanFactory()
    assert client.get("/api/continuity/exit-plans/").status_code in (403, 404)
    assert client.get(f"/api/continuity/exit-plans/{plan.pk}/").status_code in (403, 404)
    assert client.get("/api/continuity/readiness/").status_code in (403, 404)


def test_readiness_list_is_filtered_and_paginated(officer):
    missing = CriticalArrangementFactory(reference="A-MISSING")
    failed = ExitPlanFactory(arrangement=CriticalArrangementFactory(reference="B-FAILED"))
    ExitPlanTestFactory(plan=failed, tested_on=timezone.localdate() - timedelta(days=3),
                        result="failed")
    body = officer.get("/api/continuity/readiness/").json()
    assert body["count"] == 2
    assert [(row["reference"], row["readiness"], row["exit_plan"]) for row in body["results"]] \
        == [("A-MISSING", "missing", None), ("B-FAILED", "failed", failed.pk)]
    only = officer.get("/api/continuity/readiness/", {"readiness": "missing"}).json()
    assert [row["arrangement"] for row in only["results"]] == [missing.pk]
    bad = officer.get("/api/continuity/readiness/", {"readiness": "nonsense"})
    assert bad.status_code == 400


def test_lists_filter_by_their_parent(officer):
    step = ExitStepFactory()
    ExitStepFactory()
    capability = CapabilityFactory()
    AlternativeFactory()
    steps = officer.get("/api/continuity/exit-steps/", {"plan": step.plan_id}).json()
    assert [row["id"] for row in steps["results"]] == [step.pk]
    capabilities = officer.get("/api/continuity/capabilities/",
                               {"activity": capability.activity_id}).json()
    assert [row["id"] for row in capabilities["results"]] == [capability.pk]
