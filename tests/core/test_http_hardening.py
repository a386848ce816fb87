"""HTTP hardening: security headers on every kind of answer, templates the CSP can live with,
CSRF tokens in every form, rate limits, and error pages that tell attackers nothing."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path
from rest_framework.test import APIClient

import tether
import tether.settings as production_settings
from tether.core.roles import Role
from tether.urls import urlpatterns as tether_urlpatterns

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(tether.__file__).parent.glob("**/templates/**/*.html"))
EXPECTED_CSP = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
    "img-src": "'self' data:", "object-src": "'none'", "base-uri": "'self'",
    "form-action": "'self'", "frame-ancestors": "'none'",
}


def boom(request):
    raise RuntimeError("secret internals: database password is hunter2")


# A URL configuration with one view that fails, for the error page test.
urlpatterns = [path("boom/", boom), *tether_urlpatterns]


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_security_headers(response):
    policy = policy_of(response)
    for directive, sources in EXPECTED_CSP.items():
        assert policy[directive] == sources, (directive, response.request["PATH_INFO"])
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


# Headers -------------------------------------------------------------------------------------

def test_security_headers_on_html_pages(login, users):
    assert_security_headers(Client().get("/login/"))
    client = login(users[Role.VENDOR_MANAGER])
    for url in ("/", "/registry/providers/", "/account/security/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_security_headers(response)


def test_security_headers_on_api_answers(users):
    from tests.registry.test_api import api_client

    response = api_client(users[Role.AUDITOR]).get("/api/registry/providers/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert_security_headers(APIClient().get("/api/registry/providers/"))  # 401


def test_security_headers_on_error_and_redirect_answers(login, users):
    client = login(users[Role.EXECUTIVE])
    assert_security_headers(client.get("/registry/providers/add/"))  # 403
    assert_security_headers(client.get("/no/such/page/"))  # 404
    assert_security_headers(Client().get("/registry/providers/"))  # 302 to login


@pytest.mark.urls(__name__)
def test_server_error_page_shows_no_traceback_and_keeps_the_headers(login, users):
    client = login(users[Role.VENDOR_MANAGER])
    client.raise_request_exception = False
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body
    for leak in ("Traceback", "RuntimeError", "hunter2", "boom", "File \""):
        assert leak not in body
    assert_security_headers(response)


def test_debug_is_off_unless_asked_for():
    assert production_settings.DEBUG is False


def test_static_files_get_the_headers_too():
    response = Client().get("/static/tether/tether.css")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response


def test_https_settings_follow_one_switch():
    """TETHER_HTTPS=true: HSTS, secure cookies, redirect to HTTPS; with a proxy, its header."""
    script = ("import json, tether.settings as s; print(json.dumps([s.SECURE_HSTS_SECONDS, "
              "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
              "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]))")

    def settings_with(**env):
        import os

        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                env={**os.environ, **env}, check=True)
        return json.loads(result.stdout)

    hsts, session_secure, csrf_secure, redirect, proxy_header = settings_with(
        TETHER_HTTPS="true", TETHER_PROXIES="1")
    assert hsts >= 31536000 and session_secure and csrf_secure and redirect
    assert proxy_header == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings_with(TETHER_HTTPS="false")[:4] == [0, False, False, False]


def test_hsts_is_sent_on_https_requests(settings):
    settings.SECURE_HSTS_SECONDS = 3600
    response = Client().get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=3600"


# The API docs under the CSP ------------------------------------------------------------------

def test_api_docs_pages_carry_no_inline_script_or_style_and_fetch_nothing_outside(login, users):
    client = login(users[Role.AUDITOR])
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url
        assert "<style" not in body and "googleapis" not in body and "https://" not in body
    assert_security_headers(client.get("/api/docs/"))
    # ReDoc writes its styles at run time (styled-components): that page, and only that one,
    # allows inline styles and blob: workers; its scripts are held to 'self' like everywhere.
    redoc = policy_of(client.get("/api/redoc/"))
    assert redoc["style-src"] == "'self' 'unsafe-inline'" and redoc["script-src"] == "'self'"
    assert redoc["worker-src"] == "'self' blob:"
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


# Templates -----------------------------------------------------------------------------------

def test_templates_were_found():
    names = {template.name for template in TEMPLATES}
    assert {"base.html", "login.html", "object_edit.html"} <= names


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: str(t).split("templates/")[-1])
def test_template_has_no_inline_script_style_or_event_handler(template):
    text = template.read_text()
    problems = []
    if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
        problems.append("inline <script>")
    if re.search(r"<style\b", text):
        problems.append("inline <style>")
    if re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE):
        problems.append("on…= event handler")
    if re.search(r"\b(data-)?hx-on", text):
        problems.append("hx-on handler")
    if re.search(r"\bstyle\s*=", text):
        problems.append("style= attribute")
    if re.search(r"javascript:|\bjs:|hx-vars", text):
        problems.append("script in an attribute")
    assert problems == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: str(t).split("templates/")[-1])
def test_every_post_form_carries_a_csrf_token(template):
    text = template.read_text()
    for match in re.finditer(r"<form\b[^>]*>", text, re.IGNORECASE):
        if not re.search(r"method=[\"']?post", match.group(0), re.IGNORECASE):
            continue
        body = text[match.end():text.find("</form>", match.end())]
        assert "{% csrf_token %}" in body, f"{template}: {match.group(0)}"


def test_htmx_may_not_evaluate_code():
    base = next(t for t in TEMPLATES if t.name == "base.html" and t.parent.name == "tether")
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', base.read_text())
    assert json.loads(config.group(1)) == {
        "allowEval": False, "allowScriptTags": False, "includeIndicatorStyles": False}


# Rate limits ---------------------------------------------------------------------------------

def test_login_form_is_rate_limited_per_address(settings):
    settings.TETHER_LOGIN_RATE = "3/min"
    client = Client()
    for _ in range(3):
        assert client.post("/login/", {"username": "x", "password": "y"}).status_code == 200
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Too many requests" in response.content.decode()
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert other_address.post("/login/", {"username": "x", "password": "y"}).status_code == 200


def test_password_reset_form_is_rate_limited(settings):
    settings.TETHER_LOGIN_RATE = "2/min"
    client = Client()
    for _ in range(2):
        assert client.post("/password-reset/", {"email": "a@example.com"}).status_code == 302
    assert client.post("/password-reset/", {"email": "a@example.com"}).status_code == 429


def test_api_is_rate_limited_per_user(settings, users):
    from tests.registry.test_api import api_client

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "3/min", "token": "2/min"}}
    client = api_client(users[Role.AUDITOR])
    for _ in range(3):
        assert client.get("/api/registry/providers/").status_code == 200
    response = client.get("/api/registry/providers/")
    assert response.status_code == 429 and "Retry-After" in response
    assert api_client(users[Role.EXECUTIVE]).get("/api/registry/providers/").status_code == 200

    token = APIClient()
    for _ in range(2):
        assert token.post("/api/auth/token/", {"username": "x", "password": "y"}).status_code == 400
    assert token.post("/api/auth/token/", {"username": "x", "password": "y"}).status_code == 429


def test_client_address_comes_from_trusted_proxies_only(settings, rf):
    from tether.core.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert client_ip(request) == "10.0.0.1"  # no proxy configured: the header is anyone's
    settings.TETHER_PROXIES = 1
    assert client_ip(request) == "198.51.100.7"  # what our one proxy saw, not what was sent
    assert client_ip(rf.get("/", REMOTE_ADDR="")) is None  # stored as NULL, never as text
    garbled = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(garbled) == "10.0.0.1"
