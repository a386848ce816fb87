"""The demo's keep-or-outsource cases: simulated, one decided with actuals, loaded once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.accounts import force_login
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.decisions.choices import CaseStatus
from tether.decisions.demo import CONTACT_CENTRE, CREDIT_RISK, PAYROLL, decisions_demo_load
from tether.decisions.models import DecisionCase

pytestmark = pytest.mark.django_db


def test_demo_cases_are_simulated_audited_and_loaded_once(client):
    call_command("load_demo", stdout=StringIO())
    cases = {case.title: case for case in DecisionCase.objects.all()}
    assert set(cases) == {CONTACT_CENTRE, PAYROLL, CREDIT_RISK}
    assert all(case.simulation and case.simulation_runs == 10_000 for case in cases.values())
    contact = cases[CONTACT_CENTRE].simulation
    assert len(contact["comparisons"]) == 2
    assert any(o.get("residual_score") is not None for o in contact["options"])
    payroll = cases[PAYROLL]
    assert payroll.status == CaseStatus.DECIDED and payroll.actuals.count() == 2
    assert "core competency" in cases[CREDIT_RISK].simulation["suggestion"]
    sources = set(AuditEntry.objects.filter(
        content_type__app_label="decisions").values_list("source", flat=True))
    assert sources == {"demo"}
    assert decisions_demo_load() == {}
    assert DecisionCase.objects.count() == 3
    manager = get_user_model().objects.filter(role=Role.VENDOR_MANAGER).first()
    force_login(client, manager)
    for case in cases.values():
        assert client.get(case.get_absolute_url()).status_code == 200
