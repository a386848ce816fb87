"""Corrective actions and findings falling due, as sources of the deadlines calendar."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.oversight.factories import CorrectiveActionFactory, FindingFactory
from tether.core.deadlines import DEADLINE_SOURCES, deadlines_between
from tether.core.roles import Role

pytestmark = pytest.mark.django_db


def test_pending_actions_and_open_findings_due_in_the_window(users):
    today = timezone.localdate()
    soon = today + timedelta(days=5)
    action = CorrectiveActionFactory(due_date=soon, finding__severity="critical",
                                     owner=users[Role.RISK_OFFICER])
    done = CorrectiveActionFactory(due_date=soon, status="done")
    later = CorrectiveActionFactory(due_date=today + timedelta(days=90))
    finding = FindingFactory(due_date=soon, severity="low")
    closed = FindingFactory(due_date=soon, status="closed", closed_on=today)
    found = deadlines_between(user=users[Role.EXECUTIVE], start=today,
                              end=today + timedelta(days=30), kinds=["action_due",
                                                                     "finding_due"])
    keys = {d.key: d for d in found}
    assert set(keys) >= {f"action_due:correctiveaction:{action.pk}",
                         f"finding_due:finding:{finding.pk}",
                         f"finding_due:finding:{action.finding_id}"}
    assert not {f"action_due:correctiveaction:{done.pk}",
                f"action_due:correctiveaction:{later.pk}",
                f"finding_due:finding:{closed.pk}"} & set(keys)
    due = keys[f"action_due:correctiveaction:{action.pk}"]
    assert (due.day, due.critical, due.owner_id, due.provider_id) == (
        soon, True, users[Role.RISK_OFFICER].pk, action.provider_id)
    assert due.url == f"/oversight/actions/{action.pk}/"
    assert not keys[f"finding_due:finding:{finding.pk}"].critical


def test_contacts_get_no_oversight_deadlines(users, provider_a):
    today = timezone.localdate()
    CorrectiveActionFactory(due_date=today, finding__provider=provider_a)
    assert {"action_due", "finding_due"} <= set(DEADLINE_SOURCES)
    assert deadlines_between(user=users["contact_a"], start=today, end=today,
                             kinds=["action_due", "finding_due"]) == []
