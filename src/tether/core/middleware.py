"""Authentication for every page (only the login and password pages are public), two-factor
enforcement, and the security headers of every response."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from tether.core.roles import Role
from tether.core.security import content_security_policy
from tether.core.twofactor import has_confirmed_device

# "/feeds/": calendar subscriptions, authenticated by the secret token in their address.
PUBLIC_PREFIXES = ("/login/", "/password-reset/", "/static/", "/healthz", "/invite/", "/feeds/")


class LoginRequiredMiddleware:
    """Sends anonymous visitors to the login page; the API answers 401 instead.

    Django 5.1 has its own LoginRequiredMiddleware, but it needs every public view
    decorated; listing the few public prefixes here keeps new views closed by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.user.is_authenticated or path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        if path.startswith("/api/") and not path.startswith(("/api/docs/", "/api/redoc/")):
            # The API authenticates tokens itself (DRF); let it answer 401 with its own body.
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            return JsonResponse({"detail": "Your session has expired."}, status=401)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and Cross-Origin-Resource-Policy.

    Django's SecurityMiddleware sends the others (HSTS, nosniff, Referrer-Policy,
    Cross-Origin-Opener-Policy) and XFrameOptionsMiddleware X-Frame-Options. A view that
    cannot live with the policy sets `response.csp_extra` ({directive: [sources]}), so the
    exception is written beside the reason for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(getattr(response, "csp_extra", None))
        )
        response.headers.setdefault("Permissions-Policy", settings.TETHER_PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


SESSION_STARTED_KEY = "tether_session_started"
# Where an administrator without a second factor may still go: to set one up, or to leave.
SETUP_PREFIXES = ("/account/two-factor/", "/logout/", "/login/", "/static/", "/healthz")


class TwoFactorMiddleware:
    """Two-factor authentication on every request, and the session's absolute lifetime.

    - A session older than TETHER_SESSION_MAX_AGE is ended, however active it was.
    - A session of a user who has a confirmed device but was not verified with a code (one
      opened before the device was added, for instance) is ended: the user logs in again,
      this time with a code.
    - An administrator without a device is sent to set one up before anything else.
    Users with a device cost no extra query (OTPMiddleware has loaded it); the others one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        started = request.session.setdefault(SESSION_STARTED_KEY, int(time.time()))
        max_age = settings.TETHER_SESSION_MAX_AGE
        if max_age and time.time() - started > max_age:
            return self._end_session(request, "Your session has ended. Please log in again.")
        if not user.is_verified():
            if has_confirmed_device(user):
                return self._end_session(request, "Please log in again with your code.")
            if user.role == Role.ADMIN and not request.path_info.startswith(SETUP_PREFIXES):
                return self._to_setup(request)
        return self.get_response(request)

    @staticmethod
    def _end_session(request, message: str):
        logout(request)
        if request.path_info.startswith("/api/") or request.headers.get("HX-Request"):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    @staticmethod
    def _to_setup(request):
        message = "Administrators must set up two-factor authentication first."
        setup_url = reverse("core:two_factor_setup")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message, "setup": setup_url}, status=403)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = setup_url
            return response
        next_url = request.get_full_path() if request.method == "GET" else ""
        if next_url and next_url != "/":
            setup_url += "?" + urlencode({"next": next_url})
        return redirect(setup_url)
