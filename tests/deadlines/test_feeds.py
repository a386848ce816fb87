"""The secret calendar address: made once, read by calendar programs without a session,
replaced, stopped, audited, and never more than its user's role may see."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.deadlines import feeds
from tether.deadlines.models import CalendarFeed

pytestmark = pytest.mark.django_db
ADDRESS = re.compile(r'value="(http://testserver/feeds/calendar/[^"?]+\.ics)"')


def make_address(client, filters="") -> str:
    page = client.post("/deadlines/subscription/", {"action": "create", "filters": filters})
    assert page.status_code == 200
    return ADDRESS.search(page.content.decode()).group(1).removeprefix("http://testserver")


def test_a_calendar_program_reads_the_feed_without_signing_in(login, users, objects):
    manager = users[Role.VENDOR_MANAGER]
    address = make_address(login(manager))
    feed = CalendarFeed.objects.get(user=manager)
    assert feed.token_digest not in address and len(feed.token_digest) == 64
    answer = Client().get(address)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/calendar; charset=utf-8"
    text = answer.content.decode()
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") == 5
    assert answer["X-Robots-Tag"] == "noindex" and "no-store" in answer["Cache-Control"]
    feed.refresh_from_db()
    assert feed.last_used is not None
    # The address is shown once: the page afterwards says the feed is on, without it.
    later = login(manager).get("/deadlines/subscription/").content.decode()
    assert "feed-status" in later and "/feeds/calendar/" not in later


def test_the_feed_keeps_the_filters_of_the_page_it_was_made_from(login, users, objects):
    client = login(users[Role.EXECUTIVE])
    page = client.post("/deadlines/subscription/", {
        "action": "create", "filters": "kind=notice&start=2020-01-01&evil=<script>&critical=on"})
    filtered = re.search(r'value="http://testserver(/feeds/calendar/[^"]+\?[^"]+)"',
                         page.content.decode()).group(1).replace("&amp;", "&")
    assert filtered.endswith("?kind=notice&critical=on")  # start and unknown names dropped
    text = Client().get(filtered).content.decode()
    assert text.count("BEGIN:VEVENT") == 1 and "CATEGORIES:notice" in text


def test_a_new_address_replaces_the_old_and_stopping_ends_it(login, users, objects):
    client = login(users[Role.RISK_OFFICER])
    first = make_address(client)
    second = make_address(client)
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert CalendarFeed.objects.count() == 1
    stopped = client.post("/deadlines/subscription/", {"action": "stop"})
    assert stopped.status_code == 302
    assert Client().get(second).status_code == 404 and not CalendarFeed.objects.exists()
    actions = list(AuditEntry.objects.filter(content_type__model="calendarfeed")
                   .order_by("sequence").values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


def test_a_deactivated_or_demoted_user_loses_the_feed(login, users, objects):
    user = users[Role.AUDITOR]
    address = make_address(login(user))
    user.is_active = False
    user.save()
    assert Client().get(address).status_code == 404
    user.is_active, user.role = True, Role.PROVIDER_CONTACT
    user.provider = objects["arrangement"].provider
    user.save()
    assert Client().get(address).status_code == 404


@pytest.mark.parametrize("token", ["", "x" * 500, "../../etc/passwd", "%00", "' OR 1=1 --"])
def test_unknown_and_hostile_tokens_find_nothing(users, objects, token):
    feeds.feed_create(users[Role.ADMIN])
    assert feeds.feed_user(token) is None
    if token and "/" not in token:
        assert Client().get(f"/feeds/calendar/{token}.ics").status_code == 404


def test_last_used_is_written_at_most_hourly(users):
    token = feeds.feed_create(users[Role.EXECUTIVE])
    assert feeds.feed_user(token) == users[Role.EXECUTIVE]
    first = CalendarFeed.objects.get().last_used
    feeds.feed_user(token)
    assert CalendarFeed.objects.get().last_used == first
    CalendarFeed.objects.update(last_used=timezone.now() - timedelta(hours=2))
    feeds.feed_user(token)
    assert CalendarFeed.objects.get().last_used > first


def test_contacts_and_anonymous_visitors_cannot_make_addresses(login, users):
    contact = login(users["contact_a"])
    assert contact.get("/deadlines/subscription/").status_code == 403
    assert contact.post("/deadlines/subscription/", {"action": "create"}).status_code == 403
    anonymous = Client().post("/deadlines/subscription/", {"action": "create"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert not CalendarFeed.objects.exists()
