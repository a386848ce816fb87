"""The contracts services: the library loader, checks and the checklist, each write audited;
the demo."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.contracts.factories import ArrangementClauseFactory, ClauseRequirementFactory
from tests.factories import ArrangementFactory, make_document
from tether.contracts import selectors, services
from tether.contracts.demo import contracts_demo_load
from tether.contracts.library import LibraryError, parse_library, read_library
from tether.contracts.models import ArrangementClause, ClauseRequirement
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.registry.models import Arrangement

pytestmark = pytest.mark.django_db


def test_loader_is_idempotent_and_keeps_what_the_administrator_deactivated(users):
    admin = users[Role.ADMIN]
    ClauseRequirement.objects.all().delete()
    first = services.clause_library_load(actor=admin)
    assert first.created == len(read_library()) and first.updated == 0
    audited = AuditEntry.objects.count()
    again = services.clause_library_load(actor=admin)
    assert (again.created, again.updated) == (0, 0)
    assert AuditEntry.objects.count() == audited
    tlpt = ClauseRequirement.objects.get(code="TLPT")
    services.requirement_update(tlpt, actor=admin, data={"is_active": False, "title": "Old"})
    outcome = services.clause_library_load(actor=admin)
    tlpt.refresh_from_db()
    assert outcome.updated == 1 and tlpt.title != "Old" and tlpt.is_active is False


def test_load_clauses_command_reports_and_refuses_a_malformed_file(tmp_path, capsys):
    call_command("load_clauses")
    assert "0 added, 0 updated" in capsys.readouterr().out
    broken = tmp_path / "clauses.yaml"
    broken.write_text("clauses:\n  - code: bad code\n    title: 1\n    applies_to: sometimes\n")
    count = ClauseRequirement.objects.count()
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_clauses", "--file", str(broken))
    assert ClauseRequirement.objects.count() == count


@pytest.mark.parametrize("text, problem", [
    ("clauses: [", "not valid YAML"),
    ("- just a list", "needs a list under `clauses:`"),
    ("clauses:\n  - 7", "each clause is a mapping"),
    ("clauses:\n  - {code: A1, title: T, requirement: R, applies_to: all, sources: []}",
     "`sources` must be a list"),
    ("clauses:\n  - {code: A1, title: T, requirement: R, applies_to: all, sources: [x]}\n"
     "  - {code: A1, title: T, requirement: R, applies_to: all, sources: [x]}",
     "clause 2 (A1): this code is used twice"),
    ("clauses:\n  - {code: A1, title: T, requirement: R, applies_to: all, sources: [x], "
     "'<script>': 1}", "unknown field(s): <script>"),
])
def test_library_problems_are_named(text, problem):
    with pytest.raises(LibraryError) as error:
        parse_library(text)
    assert problem in str(error.value)


def test_loader_refuses_a_code_a_company_already_uses(users):
    ClauseRequirement.objects.filter(code="TLPT").delete()
    ClauseRequirementFactory(code="TLPT")
    with pytest.raises(ValidationError, match="TLPT"):
        services.clause_library_load(actor=users[Role.ADMIN])


def test_builtin_requirements_cannot_be_deleted_or_renamed(users):
    admin = users[Role.ADMIN]
    builtin = ClauseRequirement.objects.get(code="AUDIT_ACCESS")
    with pytest.raises(ValidationError, match="deactivate"):
        services.requirement_delete(builtin, actor=admin)
    with pytest.raises(ValidationError, match="keeps its code"):
        services.requirement_update(builtin, actor=admin, data={"code": "AUDIT"})
    own = services.requirement_create(actor=admin, data={
        "code": "OWN_ESG", "title": "Supplier code of conduct", "requirement": "…",
        "applies_to": "all", "is_builtin": True})
    assert own.is_builtin is False
    ArrangementClauseFactory(requirement=own)
    with pytest.raises(ValidationError, match="checked against"):
        services.requirement_delete(own, actor=admin)
    assert ClauseRequirement.objects.filter(pk=own.pk).exists()


def test_not_applicable_needs_a_reason(users):
    arrangement = ArrangementFactory()
    requirement = ClauseRequirement.objects.get(code="GOVERNING_LAW")
    check = ArrangementClause(arrangement=arrangement, requirement=requirement,
                              status="not_applicable", reason="  ")
    with pytest.raises(ValidationError) as error:
        check.full_clean()
    assert "reason" in error.value.message_dict
    with pytest.raises(Exception):  # noqa: B017,PT011 — the database refuses it too
        ArrangementClause.objects.create(arrangement=arrangement, requirement=requirement,
                                         status="not_applicable", reason="")


def test_a_check_is_recorded_once_per_arrangement_and_clause(users):
    manager = users[Role.VENDOR_MANAGER]
    arrangement = ArrangementFactory()
    requirement = ClauseRequirement.objects.get(code="TERMINATION")
    check = services.clause_check_create(actor=manager, data={
        "arrangement": arrangement, "requirement": requirement, "status": "present"})
    assert check.checked_by == manager
    assert AuditEntry.objects.get(object_id=str(check.pk), action="create").source == "web"
    with pytest.raises(ValidationError, match="already checked"):
        services.clause_check_create(actor=manager, data={
            "arrangement": arrangement, "requirement": requirement, "status": "missing"})


def test_checklist_save_writes_only_what_changed_and_removes_cleared_checks(users):
    officer = users[Role.RISK_OFFICER]
    arrangement = ArrangementFactory(is_critical=True)
    rows = selectors.arrangement_checklist(arrangement)
    first, second, third = (row.requirement for row in rows[:3])
    ArrangementClauseFactory(arrangement=arrangement, requirement=third, status="missing")
    changed = services.checklist_save(arrangement, actor=officer, entries={
        first: {"status": "present", "location": "MSA §2"},
        second: {"status": "not_applicable", "reason": "No data is processed."},
        third: {"status": ""},
    })
    assert changed == 3
    states = {row.requirement.code: row.state for row in
              selectors.arrangement_checklist(arrangement)}
    assert (states[first.code], states[second.code], states[third.code]) == (
        "present", "not_applicable", "not_checked")
    entries = AuditEntry.objects.count()
    assert services.checklist_save(arrangement, actor=officer, entries={
        first: {"status": "present", "location": "MSA §2"}}) == 0
    assert AuditEntry.objects.count() == entries


def test_a_check_cannot_point_to_another_arrangements_document(users):
    manager = users[Role.VENDOR_MANAGER]
    arrangement, other = ArrangementFactory(), ArrangementFactory()
    document = make_document(actor=manager, attached_to=other)
    check = ArrangementClause(arrangement=arrangement, status="present", document=document,
                              requirement=ClauseRequirement.objects.get(code="TERMINATION"))
    with pytest.raises(ValidationError) as error:
        check.full_clean()
    assert "document" in error.value.message_dict


def test_demo_checks_live_arrangements_with_gaps_on_some_critical_ones_and_runs_once(users):
    critical = [ArrangementFactory(is_critical=True, reference=f"CRIT-{n}") for n in range(6)]
    ordinary = [ArrangementFactory(reference=f"ORD-{n}") for n in range(4)]
    ArrangementFactory(reference="OLD", status="terminated")
    counts = contracts_demo_load()
    assert counts["contract clause checks"] == ArrangementClause.objects.count() > 0
    assert not ArrangementClause.objects.filter(arrangement__reference="OLD").exists()
    gaps = [selectors.clause_summary(a).gaps for a in critical]
    assert all(selectors.clause_summary(a).required > 0 for a in critical)
    assert 0 < sum(1 for g in gaps if g) < len(critical)
    assert any(ArrangementClause.objects.filter(arrangement=a).exists() for a in ordinary)
    assert AuditEntry.objects.filter(source="demo").count() == counts["contract clause checks"]
    assert contracts_demo_load() == {}
    assert Arrangement.objects.count() == 11
