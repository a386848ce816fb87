"""Logging in (password, then a code for users with two-factor authentication), the user's own
security page, password reset and change, an administrator's reset of someone's sign-in, and
the API token endpoint, which asks for the same factors.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_otp import login as otp_login
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken

from tether.core.api.throttling import TokenThrottle
from tether.core.models import User
from tether.core.roles import Role
from tether.core.security import rate_limit_exceeded
from tether.core.twofactor import (
    has_confirmed_device,
    new_secret,
    provisioning_uri,
    qr_code_data_uri,
    secret_for_people,
    totp_device_confirm,
    totp_device_of,
    totp_verify,
    two_factor_remove,
)

# Between the password and the code, the session holds who passed the first step (and not
# more: the user is logged in only once the code is right).
PENDING_LOGIN_KEY = "tether_pending_login"
PENDING_LOGIN_SECONDS = 300
SETUP_SECRET_KEY = "tether_totp_setup_secret"  # noqa: S105 (a session key's name)


def too_many_requests(request):
    """The answer once a client sends the login forms more often than TETHER_LOGIN_RATE."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out username and address (AXES_LOCKOUT_CALLABLE)."""
    request = getattr(request, "_request", request)
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    if request.path_info.startswith("/api/"):
        detail = (f"Too many failed logins for this user from your address. Try again in "
                  f"{minutes} minutes, or ask an administrator to unlock the account.")
        return JsonResponse({"detail": detail}, status=429)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def _code_field(label="Code from your authenticator app"):
    return forms.CharField(label=label, max_length=12, widget=forms.TextInput(attrs={
        "class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric",
        "autofocus": True, "spellcheck": "false",
    }))


class CodeForm(forms.Form):
    code = _code_field()


class LoginView(auth_views.LoginView):
    """The password step. Users with an authenticator go on to the code step."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if rate_limit_exceeded(request, "login"):
            return too_many_requests(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if not has_confirmed_device(user):
            return super().form_valid(form)
        self.request.session[PENDING_LOGIN_KEY] = {
            "user": user.pk, "backend": user.backend, "since": int(time.time()),
            "next": self.get_success_url(),  # checked against our own host by LoginView
        }
        return redirect("login_code")


class LoginCodeView(View):
    """The code step: the six digits of the user's authenticator app, then logged in."""

    template_name = "registration/login_code.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending = request.session.get(PENDING_LOGIN_KEY) or {}
        self.user = None
        if time.time() - self.pending.get("since", 0) < PENDING_LOGIN_SECONDS:
            self.user = User.objects.filter(pk=self.pending["user"], is_active=True).first()
        if self.user is None:
            request.session.pop(PENDING_LOGIN_KEY, None)
            return redirect("login")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": CodeForm()})

    def post(self, request):
        if rate_limit_exceeded(request, "login"):
            return too_many_requests(request)
        form = CodeForm(request.POST)
        if form.is_valid():
            credentials = {"username": self.user.get_username()}
            if AxesProxyHandler.is_locked(request, credentials):
                request.session.pop(PENDING_LOGIN_KEY, None)
                return locked_out(request)
            device = totp_verify(self.user, form.cleaned_data["code"])
            if device is not None:
                del request.session[PENDING_LOGIN_KEY]
                self.user.otp_device = device  # django-otp marks the new session verified
                auth_login(request, self.user, backend=self.pending["backend"])
                return redirect(self.pending["next"])
            # A wrong code counts as a failed login: the lock-out applies to this step too.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                request.session.pop(PENDING_LOGIN_KEY, None)  # AxesMiddleware answers
            form.add_error("code", "This code is not right or was already used. "
                                   "Type the code your app shows now.")
        return render(request, self.template_name, {"form": form})


class DisableForm(forms.Form):
    code = _code_field("A current code, to confirm")


class AccountSecurityView(View):
    """The user's own sign-in security: two-factor authentication and their password."""

    template_name = "tether/account_security.html"

    def get(self, request, form=None):
        user = request.user
        return render(request, self.template_name, {
            "device": totp_device_of(user),
            "required": user.role == Role.ADMIN,
            "disable_form": form or DisableForm(),
        })

    def post(self, request):
        user = request.user
        if user.role == Role.ADMIN:
            raise PermissionDenied("Administrators keep two-factor authentication on.")
        form = DisableForm(request.POST)
        if form.is_valid():
            if totp_verify(user, form.cleaned_data["code"]) is not None:
                two_factor_remove(actor=user, user=user)
                messages.success(request, "Two-factor authentication is off.")
                return redirect("core:account_security")
            form.add_error("code", "This code is not right or was already used.")
        return self.get(request, form=form)


class TwoFactorSetupView(View):
    """Scan (or type) a new secret, type one of its codes: from then on, logins ask for one.

    The secret waits in the session until confirmed, so an abandoned setup leaves nothing
    behind and reloading the page shows the same QR code.
    """

    template_name = "tether/two_factor_setup.html"

    def _secret(self, request) -> str:
        if SETUP_SECRET_KEY not in request.session:
            request.session[SETUP_SECRET_KEY] = new_secret()
        return request.session[SETUP_SECRET_KEY]

    def _next(self, request) -> str:
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(next_url, {request.get_host()},
                                           require_https=request.is_secure()):
            return next_url
        return ""

    def get(self, request, form=None):
        user, secret = request.user, self._secret(request)
        uri = provisioning_uri(user, secret)
        return render(request, self.template_name, {
            "form": form or CodeForm(),
            "secret": secret_for_people(secret),
            "uri": uri,
            "qr_code": qr_code_data_uri(uri),
            "replacing": totp_device_of(user) is not None,
            "forced": user.role == Role.ADMIN and not user.is_verified(),
            "next": self._next(request),
        })

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            device = totp_device_confirm(user=request.user, key=self._secret(request),
                                         code=form.cleaned_data["code"].replace(" ", ""))
            if device is not None:
                del request.session[SETUP_SECRET_KEY]
                otp_login(request, device)
                messages.success(request, "Two-factor authentication is on. From now on, "
                                          "logging in asks for a code from your app.")
                return redirect(self._next(request) or "core:account_security")
            form.add_error("code", "This code does not match. Check the time on your phone "
                                   "and type the code your app shows now.")
        return self.get(request, form=form)


class UserSecurityView(View):
    """An administrator's view of someone's sign-in: reset two-factor, lift a lock-out."""

    template_name = "tether/user_security.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.can("change", User):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        person = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
        attempts = AccessAttempt.objects.filter(username=person.get_username())
        return render(request, self.template_name, {
            "object": person,
            "device": totp_device_of(person),
            "attempts": attempts.order_by("-attempt_time"),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        })

    def post(self, request, pk):
        person = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
        action = request.POST.get("action")
        if action == "reset_two_factor":
            two_factor_remove(actor=request.user, user=person)
            messages.success(request, f"Two-factor authentication of {person} is reset: they "
                                      "log in with their password and may set it up again.")
        elif action == "unlock":
            AxesProxyHandler.reset_attempts(username=person.get_username())
            messages.success(request, f"Failed logins of {person} are cleared.")
        return redirect("core:user_security", pk=person.pk)


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(label="E-mail address", max_length=254, widget=forms.EmailInput(
        attrs={"autocomplete": "email", "class": "form-control", "autofocus": True}))

    def get_users(self, email):
        """Active users with this address, including those who never had a password.

        Django leaves out unusable passwords (accounts that log in elsewhere); in Tether an
        administrator creates accounts without one, for the person to choose it here.
        """
        wanted = email.casefold()
        for user in User.objects.filter(email__iexact=email, is_active=True):
            if user.email.casefold() == wanted:
                yield user


class PasswordResetView(auth_views.PasswordResetView):
    """Always the same answer, whether the address is known or not (no user enumeration)."""

    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def post(self, request, *args, **kwargs):
        if rate_limit_exceeded(request, "password-reset"):
            return too_many_requests(request)
        return super().post(request, *args, **kwargs)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False,
                                     style={"input_type": "password"})
    otp = serializers.CharField(
        write_only=True, required=False, allow_blank=True,
        help_text="The current six-digit code of the user's authenticator app; required for "
                  "users with two-factor authentication (all administrators).",
    )
    token = serializers.CharField(read_only=True)

    def validate(self, attrs):
        # Django's request, not DRF's: django-axes flags a lock-out on it for AxesMiddleware.
        request = self.context["request"]._request
        user = authenticate(request=request, username=attrs["username"],
                            password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                "Unable to log in with the username and password given.", code="authorization")
        if has_confirmed_device(user):
            if not attrs.get("otp"):
                raise serializers.ValidationError(
                    {"otp": ["This user has two-factor authentication: send the current "
                             "code of the authenticator app as `otp`."]}, code="otp_required")
            if totp_verify(user, attrs["otp"]) is None:
                user_login_failed.send(sender=__name__, request=request,
                                       credentials={"username": user.get_username()})
                raise serializers.ValidationError(
                    {"otp": ["This code is not right or was already used."]}, code="otp_invalid")
        elif user.role == Role.ADMIN:
            raise serializers.ValidationError(
                "Administrators must set up two-factor authentication (Security, in the web "
                "app's user menu) before using the API.", code="otp_setup_required")
        attrs["user"] = user
        return attrs


class TokenView(ObtainAuthToken):
    """POST username, password (and `otp` for users with two-factor) → the user's API token."""

    serializer_class = TokenRequestSerializer
    throttle_classes = [TokenThrottle]


def _styled(form_class):
    """`form_class` with Bootstrap's look on every input."""

    class StyledForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                field.widget.attrs.setdefault("class", "form-control")

    StyledForm.__name__ = form_class.__name__
    return StyledForm


password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="registration/password_reset_confirm.html",
    form_class=_styled(auth_forms.SetPasswordForm),
    success_url=reverse_lazy("password_reset_complete"))
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_complete.html")
password_change = auth_views.PasswordChangeView.as_view(
    template_name="registration/password_change_form.html",
    form_class=_styled(auth_forms.PasswordChangeForm),
    success_url=reverse_lazy("core:password_change_done"))
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_change_done.html")

