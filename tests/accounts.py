"""Logging test clients in as a user, with the second factor the user has (or must have)."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tether.core.roles import Role
from tether.core.twofactor import totp_device_of


def give_authenticator(user) -> TOTPDevice:
    """A confirmed TOTP device for `user`, as if they had set up their app."""
    return totp_device_of(user) or TOTPDevice.objects.create(
        user=user, name="Test authenticator", confirmed=True
    )


def force_login(client, user):
    """client.force_login, and a session verified by the user's device.

    Administrators must have two-factor authentication, so one without a device gets one:
    tests about something else then need not go through the setup page.
    """
    client.force_login(user)
    device = totp_device_of(user)
    if device is None and user.role == Role.ADMIN:
        device = give_authenticator(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the device shows `steps_ahead` time steps from now (0: what the app shows)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
