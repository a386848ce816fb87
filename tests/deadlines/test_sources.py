"""Each source's deadlines, in one query, restricted to what the user may see."""

from datetime import timedelta

import pytest

from tether.core.deadlines import DEADLINE_SOURCES, Deadline, deadline_source, deadlines_between
from tether.core.models import User
from tether.core.roles import Role
from tether.deadlines.sources import add_months

pytestmark = pytest.mark.django_db
# The kinds of this app; other apps' sources (reviews, oversight) are left out of the counts.
KINDS = ["notice", "contract_end", "document_expiry", "questionnaire_due", "exit_plan_review"]


def source_deadlines(kind, *, user, start, end):
    return list(DEADLINE_SOURCES[kind].function(user=user, start=start, end=end))


@pytest.mark.parametrize("kind", KINDS)
def test_each_source_is_one_query(kind, objects, users, today, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = source_deadlines(kind, user=users[Role.EXECUTIVE], start=today - timedelta(
            days=30), end=today + timedelta(days=60))
    assert len(found) == 1 and found[0].kind == kind


def test_contract_deadlines(objects, users, today):
    arrangement = objects["arrangement"]
    start, end = today, today + timedelta(days=60)
    notice, = source_deadlines("notice", user=None, start=start, end=end)
    contract_end, = source_deadlines("contract_end", user=None, start=start, end=end)
    assert notice == Deadline(
        day=today + timedelta(days=7), kind="notice", label="Last day to give notice",
        title=f"{arrangement.reference} · Cloud hosting", url=arrangement.get_absolute_url(),
        key=f"notice:arrangement:{arrangement.pk}:{arrangement.notice_deadline:%Y%m%d}",
        provider_id=arrangement.provider_id, owner_id=users[Role.VENDOR_MANAGER].pk,
        critical=True)
    assert contract_end.day == today + timedelta(days=37)
    assert contract_end.key != notice.key
    # Outside the range: nothing.
    assert source_deadlines("notice", user=None, start=today + timedelta(days=8),
                            end=end) == []


def test_document_expiry_reminds_the_arrangement_owner(objects, users, today):
    expiry, = source_deadlines("document_expiry", user=None, start=today,
                               end=today + timedelta(days=60))
    assert expiry.day == today + timedelta(days=30)
    assert expiry.title == "ISO 27001 (Alpha Outsourcing SA)"
    assert expiry.owner_id == users[Role.VENDOR_MANAGER].pk
    assert expiry.url == objects["document"].get_absolute_url()


def test_questionnaire_due_only_while_someone_has_to_answer(objects, today):
    due, = source_deadlines("questionnaire_due", user=None, start=today,
                            end=today + timedelta(days=60))
    assert due.day == today + timedelta(days=1)
    assert "1 of 1 providers not submitted" in due.title
    objects["campaign"].responses.update(status="submitted")
    assert source_deadlines("questionnaire_due", user=None, start=today,
                            end=today + timedelta(days=60)) == []


def test_exit_plan_review_due_after_review_months(objects, today):
    plan = objects["plan"]
    due, = source_deadlines("exit_plan_review", user=None, start=today - timedelta(days=30),
                            end=today)
    assert due.day == add_months(plan.last_reviewed, 12)
    assert due.day < today
    assert due.url == plan.get_absolute_url()


def test_add_months_keeps_the_day_or_takes_the_months_last():
    from datetime import date

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)
    assert add_months(date(2026, 1, 15), -12) == date(2025, 1, 15)


def test_provider_contacts_see_no_deadlines(objects, users, today):
    window = {"start": today - timedelta(days=30), "end": today + timedelta(days=60)}
    assert len(deadlines_between(user=users[Role.AUDITOR], kinds=KINDS, **window)) == 5
    assert deadlines_between(user=users["contact_a"], **window) == []


def test_a_user_who_cannot_view_the_model_sees_none_of_its_kind(users, today, monkeypatch):
    calls = []

    @deadline_source("account_review", "Account review", model=User)
    def account_reviews(*, user, start, end):
        calls.append(user)
        return [Deadline(day=start, kind="account_review", label="Account review",
                         title="Review accounts", url="/users/", key="account_review:1")]

    try:
        # User accounts are the administrator's: the executive never reaches the source.
        assert deadlines_between(user=users[Role.EXECUTIVE], start=today, end=today) == []
        assert calls == []
        found = deadlines_between(user=users[Role.ADMIN], start=today, end=today)
        assert [d.kind for d in found] == ["account_review"]
    finally:
        del DEADLINE_SOURCES["account_review"]


def test_deadlines_are_sorted_by_day_and_filtered_by_kind(objects, users, today):
    found = deadlines_between(user=users[Role.RISK_OFFICER], start=today - timedelta(days=30),
                              end=today + timedelta(days=60), kinds=KINDS)
    assert [d.day for d in found] == sorted(d.day for d in found)
    assert [d.kind for d in found] == ["exit_plan_review", "questionnaire_due", "notice",
                                       "document_expiry", "contract_end"]
    only = deadlines_between(user=users[Role.RISK_OFFICER], start=today,
                             end=today + timedelta(days=60), kinds=["notice"])
    assert [d.kind for d in only] == ["notice"]
