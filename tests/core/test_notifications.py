"""Notifications: once per key, personal, the bell, the page, the API, the e-mail digest."""

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from rest_framework.test import APIClient

from tether.core.models import Notification
from tether.core.notifications import mark_read, notify, send_email_digests, unread_count
from tether.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(users):
    user = users[Role.VENDOR_MANAGER]
    user.email = "manager@ours.example"
    user.save()
    return user


@pytest.fixture
def officer(users):
    return users[Role.RISK_OFFICER]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_key_is_notified_once_per_person(manager, officer):
    assert notify([manager, officer.pk], kind="notice", title="Give notice", key="k:1") == 2
    assert notify([manager], kind="notice", title="Give notice again", key="k:1") == 0
    assert Notification.objects.filter(key="k:1").count() == 2
    assert Notification.objects.get(recipient=manager, key="k:1").title == "Give notice"
    # No key: always a new notification.
    notify([manager], kind="info", title="Hello")
    notify([manager], kind="info", title="Hello")
    assert Notification.objects.filter(recipient=manager, kind="info").count() == 2


def test_lengths_are_capped(manager):
    notify([manager], kind="k" * 100, title="T" * 1000, body="B" * 10000, key="long")
    notification = Notification.objects.get(recipient=manager)
    assert len(notification.title) == Notification.TITLE_MAX
    assert notification.title.endswith("…")
    assert len(notification.body) == Notification.BODY_MAX and len(notification.kind) == 40


def test_mark_read_only_touches_ones_own(manager, officer):
    notify([manager, officer], kind="x", title="Both", key="both")
    theirs = Notification.objects.get(recipient=officer)
    assert mark_read(user=manager, pk=theirs.pk) == 0
    assert unread_count(user=officer) == 1
    assert mark_read(user=manager) == 1 and unread_count(user=manager) == 0


def test_the_page_shows_only_ones_own_and_marks_read(login, manager, officer):
    notify([manager], kind="x", title="For the manager", url="/registry/", key="m")
    notify([officer], kind="x", title="For the officer", key="o")
    client = login(manager)
    page = client.get("/notifications/")
    assert page.status_code == 200
    assert b"For the manager" in page.content and b"For the officer" not in page.content
    theirs = Notification.objects.get(recipient=officer)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    mine = Notification.objects.get(recipient=manager)
    fragment = client.post(f"/notifications/{mine.pk}/read/", HTTP_HX_REQUEST="true",
                           HTTP_HX_TARGET="notifications")
    assert fragment.status_code == 200 and b'id="notifications"' in fragment.content
    assert b"<html" not in fragment.content
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    # The bell on the page is replaced too: nothing unread any more.
    assert b'id="notification-bell" hx-swap-oob="true"' in fragment.content
    assert b"data-unread" not in fragment.content


def test_mark_all_read(login, manager):
    for n in range(3):
        notify([manager], kind="x", title=f"N{n}", key=f"n{n}")
    response = login(manager).post("/notifications/read/")
    assert response.status_code == 302 and unread_count(user=manager) == 0


def test_provider_contacts_have_no_notification_pages(login, users):
    client = login(users["contact_a"])
    assert client.get("/notifications/").status_code == 403
    assert api(users["contact_a"]).get("/api/core/notifications/").status_code == 403


def test_the_bell_counts_unread_with_one_query_per_request(manager, django_assert_num_queries):
    notify([manager], kind="x", title="One", key="1")
    notify([manager], kind="x", title="Two", key="2")
    request = RequestFactory().get("/")
    request.user = manager
    bell = Template("{% load notifications %}{% notification_bell %}")
    with django_assert_num_queries(1):
        first = bell.render(Context({"request": request}))
        second = bell.render(Context({"request": request}))
    assert 'data-unread="2"' in first and first == second
    assert "2 unread" in first


def test_the_bell_is_in_the_navbar(login, manager):
    notify([manager], kind="x", title="One", key="1")
    page = login(manager).get("/notifications/")
    assert b'id="notification-bell" class="nav-link' in page.content
    assert b'data-unread="1"' in page.content


def test_api_lists_only_ones_own_and_marks_read(manager, officer):
    notify([manager], kind="x", title="Mine", key="m1")
    notify([manager], kind="x", title="Mine too", key="m2")
    notify([officer], kind="x", title="Theirs", key="o")
    client = api(manager)
    listing = client.get("/api/core/notifications/").json()
    assert sorted(n["title"] for n in listing["results"]) == ["Mine", "Mine too"]
    theirs = Notification.objects.get(recipient=officer)
    assert client.get(f"/api/core/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/core/notifications/{theirs.pk}/read/").status_code == 404
    mine = Notification.objects.get(recipient=manager, key="m1")
    assert client.post(f"/api/core/notifications/{mine.pk}/read/").json() == {"marked": 1}
    unread = client.get("/api/core/notifications/?unread=true").json()["results"]
    assert [n["key"] for n in unread] == ["m2"]
    assert client.get("/api/core/notifications/?unread=maybe").status_code == 400
    assert client.post("/api/core/notifications/read-all/").json() == {"marked": 1}
    assert client.delete(f"/api/core/notifications/{mine.pk}/").status_code == 405


def test_email_preference(login, manager):
    client = login(manager)
    client.post("/notifications/preferences/", {})
    manager.refresh_from_db()
    assert manager.remind_by_email is False
    client.post("/notifications/preferences/", {"remind_by_email": "on"})
    manager.refresh_from_db()
    assert manager.remind_by_email is True


def test_digest_is_one_email_per_person_once(manager, officer, settings):
    settings.TETHER_BASE_URL = "https://tether.example/"
    officer.email = "officer@ours.example"
    officer.remind_by_email = False
    officer.save()
    notify([manager, officer], kind="notice", title="Give notice: ARR-1", body="Due soon.",
           url="/registry/arrangements/1/", key="a", email=True)
    notify([manager], kind="notice", title="Contract ends: ARR-2", key="b", email=True)
    notify([manager], kind="info", title="Not by e-mail", key="c")
    assert send_email_digests() == 1
    message, = mail.outbox
    assert message.to == ["manager@ours.example"]
    assert message.subject == "Tether: 2 reminders"
    assert "Give notice: ARR-1" in message.body and "Due soon." in message.body
    assert "https://tether.example/registry/arrangements/1/" in message.body
    assert "Contract ends: ARR-2" in message.body and "Not by e-mail" not in message.body
    assert send_email_digests() == 0 and len(mail.outbox) == 1


def test_a_failed_send_keeps_the_digest_waiting(manager, monkeypatch):
    notify([manager], kind="notice", title="Give notice", key="a", email=True)

    def fail(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    with pytest.raises(OSError):
        send_email_digests()
    monkeypatch.undo()
    assert Notification.objects.get(recipient=manager).email_pending is True
    assert send_email_digests() == 1
