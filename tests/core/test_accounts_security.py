"""Account security: password hashing, two-factor authentication, lock-out, sessions, password
reset and change, and the administrator's reset of someone's sign-in."""

import re
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

import tether.settings as production_settings
from tests.accounts import code_for, force_login, give_authenticator
from tests.factories import UserFactory
from tether.core.models import AuditEntry
from tether.core.roles import Role
from tether.core.twofactor import totp_device_of, usable_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def log_in(client, user, password=PASSWORD, **extra):
    return client.post("/login/", {"username": user.username, "password": password, **extra})


# Passwords -----------------------------------------------------------------------------------

def test_production_settings_hash_new_passwords_with_argon2():
    # The suite swaps in a fast hasher (tests/conftest.py); the settings module itself does not.
    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        assert make_password("a long passphrase").startswith("argon2$")


def test_an_old_pbkdf2_hash_still_logs_in_and_is_upgraded_to_argon2():
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        user = UserFactory()
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save()
        assert log_in(Client(), user).status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$")
        assert check_password(PASSWORD, user.password)


# Two-factor authentication -------------------------------------------------------------------

def test_user_sets_up_two_factor_with_a_code_of_the_new_secret(login):
    user = UserFactory(role=Role.VENDOR_MANAGER)
    client = login(user)
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body  # the QR code, drawn by the page itself
    assert "otpauth://totp/Tether" in body
    secret = client.session["tether_totp_setup_secret"]
    assert client.get("/account/two-factor/").content.decode().count(page.context["secret"]) == 1
    unconfirmed = TOTPDevice(user=user, key=secret)

    wrong = client.post("/account/two-factor/", {"code": "000000"})
    assert wrong.status_code == 200 and "does not match" in wrong.content.decode()
    assert totp_device_of(user) is None

    response = client.post("/account/two-factor/", {"code": code_for(unconfirmed)})
    assert response.status_code == 302 and response["Location"] == "/account/security/"
    device = totp_device_of(user)
    assert device.key == secret
    assert client.get("/").status_code == 200  # this session counts as verified
    entry = AuditEntry.objects.filter(object_id=str(user.pk)).latest("sequence")
    assert entry.after == {"two_factor": "on"} and device.key not in str(entry.before)


def test_login_asks_for_the_code_after_the_password_for_users_with_a_device():
    user = UserFactory(role=Role.RISK_OFFICER)
    device = give_authenticator(user)
    client = Client()
    response = log_in(client, user, next="/registry/providers/")
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    # Not logged in yet: the password alone opens nothing.
    assert client.get("/registry/providers/")["Location"].startswith("/login/")

    response = log_in(client, user, next="/registry/providers/")
    assert client.post("/login/code/", {"code": "123456"}).status_code == 200
    device.throttle_reset()  # django-otp makes the next try wait a second after a wrong code
    response = client.post("/login/code/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/registry/providers/"
    assert client.get("/registry/providers/").status_code == 200


def test_a_code_is_accepted_once_only():
    user = UserFactory()
    device = give_authenticator(user)
    code = code_for(device)
    first, second = Client(), Client()
    log_in(first, user)
    assert first.post("/login/code/", {"code": code}).status_code == 302
    log_in(second, user)
    assert second.post("/login/code/", {"code": code}).status_code == 200
    assert second.get("/").status_code == 302


def test_code_step_without_password_step_goes_back_to_login():
    response = Client().get("/login/code/")
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_users_without_a_device_log_in_with_the_password_only():
    user = UserFactory(role=Role.EXECUTIVE)
    client = Client()
    assert log_in(client, user)["Location"] == "/"
    assert client.get("/").status_code == 200


def test_admin_without_a_device_is_sent_to_set_one_up_before_anything_else():
    admin = UserFactory(role=Role.ADMIN)
    client = Client()
    assert log_in(client, admin)["Location"] == "/"
    response = client.get("/registry/providers/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/?next=%2Fregistry%2Fproviders%2F"
    assert client.get("/", HTTP_HX_REQUEST="true")["HX-Redirect"] == "/account/two-factor/"
    assert client.get("/api/registry/providers/").status_code == 403
    setup = client.get("/account/two-factor/")
    assert setup.status_code == 200 and "must use two-factor" in setup.content.decode()

    secret = client.session["tether_totp_setup_secret"]
    code = code_for(TOTPDevice(user=admin, key=secret))
    response = client.post("/account/two-factor/", {"code": code, "next": "/registry/providers/"})
    assert response["Location"] == "/registry/providers/"
    assert client.get("/registry/providers/").status_code == 200


def test_adding_a_device_ends_the_users_sessions_that_had_no_code():
    user = UserFactory()
    other_session = force_login(Client(), user)
    assert other_session.get("/").status_code == 200
    give_authenticator(user)
    response = other_session.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert other_session.get("/")["Location"].startswith("/login/")  # logged out, not just sent


def test_user_turns_two_factor_off_with_a_current_code(login):
    user = UserFactory(role=Role.SECURITY_OFFICER)
    device = give_authenticator(user)
    client = login(user)
    assert client.get("/account/security/").status_code == 200
    assert client.post("/account/security/", {"code": "999999"}).status_code == 200
    assert totp_device_of(user) is not None
    device.throttle_reset()
    response = client.post("/account/security/", {"code": code_for(device)})
    assert response.status_code == 302
    assert totp_device_of(user) is None
    assert client.get("/").status_code == 200


def test_admin_cannot_turn_their_own_two_factor_off(login, admin_user):
    client = login(admin_user)
    device = totp_device_of(admin_user)
    assert client.post("/account/security/", {"code": code_for(device)}).status_code == 403
    assert totp_device_of(admin_user) is not None


def test_admin_resets_someones_two_factor_and_it_is_audited(login, admin_user):
    person = UserFactory(role=Role.VENDOR_MANAGER)
    give_authenticator(person)
    client = login(admin_user)
    page = client.get(f"/users/{person.pk}/sign-in/")
    assert page.status_code == 200 and "Reset two-factor" in page.content.decode()
    client.post(f"/users/{person.pk}/sign-in/", {"action": "reset_two_factor"})
    assert totp_device_of(person) is None
    entry = AuditEntry.objects.filter(object_id=str(person.pk)).latest("sequence")
    assert (entry.actor, entry.before, entry.after) == (
        admin_user, {"two_factor": "on"}, {"two_factor": "off"})
    assert Client().post("/login/", {"username": person.username,
                                     "password": PASSWORD})["Location"] == "/"


def test_only_admins_reach_someones_sign_in_page(login, users):
    person = users[Role.EXECUTIVE]
    response = login(users[Role.VENDOR_MANAGER]).post(f"/users/{person.pk}/sign-in/",
                                                      {"action": "reset_two_factor"})
    assert response.status_code == 403


def test_api_token_needs_the_code_for_users_with_a_device():
    user = UserFactory(role=Role.AUDITOR)
    device = give_authenticator(user)
    api = APIClient()
    credentials = {"username": user.username, "password": PASSWORD}
    response = api.post("/api/auth/token/", credentials)
    assert response.status_code == 400 and "otp" in response.json()
    assert api.post("/api/auth/token/", {**credentials, "otp": "000000"}).status_code == 400
    device.throttle_reset()
    response = api.post("/api/auth/token/", {**credentials, "otp": code_for(device)})
    assert response.status_code == 200 and response.json()["token"]


def test_api_token_is_refused_to_an_admin_without_two_factor():
    admin = UserFactory(role=Role.ADMIN)
    response = APIClient().post("/api/auth/token/", {"username": admin.username,
                                                     "password": PASSWORD})
    assert response.status_code == 400
    assert "two-factor" in str(response.json())


def test_totp_code_command_prints_a_code_the_login_accepts(capsys):
    user = UserFactory(username="demo-admin", role=Role.ADMIN)
    device = give_authenticator(user)
    call_command("totp_code", "demo-admin")
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d{6}", code) and code == usable_code(device)
    client = Client()
    log_in(client, user)
    assert client.post("/login/code/", {"code": code})["Location"] == "/"


# Lock-out ------------------------------------------------------------------------------------

def test_wrong_passwords_lock_the_username_out_even_with_the_right_password_then():
    user = UserFactory()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, user, password="wrong").status_code == 200
    locked = log_in(client, user, password="wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "Traceback" not in locked.content.decode()
    response = log_in(client, user)
    assert response.status_code == 429  # the right password is refused too
    assert not client.session.get("_auth_user_id")
    # Another username from the same address is not affected.
    assert log_in(Client(), UserFactory()).status_code == 302


def test_wrong_codes_count_towards_the_lock_out(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory()
    device = give_authenticator(user)
    client = Client()
    log_in(client, user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/login/code/", {"code": "000000"}).status_code == 200
    assert client.post("/login/code/", {"code": "000000"}).status_code == 429
    assert log_in(client, user).status_code == 429  # the password step is refused now
    assert client.post("/login/code/", {"code": code_for(device)})["Location"] == "/login/"


def test_lock_out_applies_to_the_api_token_endpoint():
    user = UserFactory()
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/auth/token/", {"username": user.username, "password": "wrong"})
    response = api.post("/api/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]


def test_admin_unlocks_a_locked_out_user(login, admin_user):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), user, password="wrong")
    assert log_in(Client(), user).status_code == 429
    client = login(admin_user)
    page = client.get(f"/users/{user.pk}/sign-in/")
    assert "locked" in page.content.decode()
    client.post(f"/users/{user.pk}/sign-in/", {"action": "unlock"})
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert log_in(Client(), user).status_code == 302


def test_axes_reset_command_unlocks_too():
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), user, password="wrong")
    call_command("axes_reset_username", user.username)
    assert log_in(Client(), user).status_code == 302


# Sessions ------------------------------------------------------------------------------------

def session_row(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_each_request_pushes_the_end_of_the_session_back():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client = Client()
    log_in(client, UserFactory())
    first_expiry = session_row(client).expire_date
    time.sleep(0.01)
    client.get("/")
    assert session_row(client).expire_date > first_expiry
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


@override_settings(SESSION_COOKIE_AGE=1)
def test_a_session_idle_for_longer_than_its_age_has_ended():
    client = Client()
    log_in(client, UserFactory())
    assert client.get("/").status_code == 200
    time.sleep(1.5)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_session_ends_after_its_absolute_lifetime_however_active(settings):
    user = UserFactory()
    client = force_login(Client(), user)
    assert client.get("/").status_code == 200
    session = client.session
    session["tether_session_started"] -= settings.TETHER_SESSION_MAX_AGE + 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@override_settings(SESSION_EXPIRE_AT_BROWSER_CLOSE=True)
def test_session_cookie_can_end_with_the_browser():
    client = Client()
    log_in(client, UserFactory())
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""


def test_logout_is_post_only(login):
    client = login(UserFactory())
    assert client.get("/logout/").status_code == 405
    assert client.get("/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


# Password reset and change -------------------------------------------------------------------

def test_password_reset_by_email_end_to_end():
    user = UserFactory(email="ada@example.com")
    client = Client()
    assert 'href="/password-reset/"' in client.get("/login/").content.decode()
    response = client.post("/password-reset/", {"email": "ADA@example.com"})
    assert response.status_code == 302 and response["Location"] == "/password-reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"] and user.username in message.body
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    new_password = "a-brand-new-passphrase"
    done = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert done["Location"] == "/password-reset/complete/"
    assert log_in(Client(), user, password=new_password).status_code == 302
    assert log_in(Client(), user).status_code == 200  # the old one no longer works
    assert client.get(link, follow=True).context["validlink"] is False  # used once only


def test_password_reset_answers_the_same_for_an_unknown_address_and_sends_nothing():
    UserFactory(email="known@example.com")
    known = Client().post("/password-reset/", {"email": "known@example.com"})
    unknown = Client().post("/password-reset/", {"email": "nobody@example.com"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["known@example.com"]


def test_account_created_without_a_password_can_set_one_by_reset():
    user = UserFactory(email="new@example.com")
    user.set_unusable_password()
    user.save()
    Client().post("/password-reset/", {"email": "new@example.com"})
    assert len(mail.outbox) == 1


def test_inactive_accounts_get_no_reset_mail():
    UserFactory(email="gone@example.com", is_active=False)
    Client().post("/password-reset/", {"email": "gone@example.com"})
    assert mail.outbox == []


def test_user_changes_their_password(login):
    user = UserFactory()
    client = login(user)
    assert client.get("/account/password/").status_code == 200
    response = client.post("/account/password/", {
        "old_password": PASSWORD, "new_password1": "another-long-passphrase",
        "new_password2": "another-long-passphrase",
    })
    assert response["Location"] == "/account/password/done/"
    assert client.get("/").status_code == 200  # this session stays
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")


def test_security_page_is_in_the_user_menu(login):
    body = login(UserFactory()).get("/").content.decode()
    assert 'href="/account/security/"' in body and 'href="/account/password/"' in body


def test_two_factor_reset_command_for_a_locked_out_last_admin():
    admin = UserFactory(username="only-admin", role=Role.ADMIN)
    give_authenticator(admin)
    call_command("two_factor_reset", "only-admin")
    assert totp_device_of(admin) is None
    entry = AuditEntry.objects.filter(object_id=str(admin.pk)).latest("sequence")
    assert (entry.actor_name, entry.source, entry.after) == ("system", "cli", {"two_factor": "off"})


def test_changing_the_second_factor_revokes_api_tokens(users):
    from rest_framework.authtoken.models import Token

    from tether.core.twofactor import totp_device_create, two_factor_remove

    user = users[Role.VENDOR_MANAGER]
    Token.objects.create(user=user)
    totp_device_create(actor=user, user=user)
    assert not Token.objects.filter(user=user).exists()
    Token.objects.create(user=user)
    two_factor_remove(actor=user, user=user)
    assert not Token.objects.filter(user=user).exists()
