"""Two-factor authentication: six-digit codes from an authenticator app (TOTP, RFC 6238).

Built on django-otp's TOTPDevice. A user has at most one authenticator; it is added once the
user has typed a code it shows (so a mis-scanned secret never locks anyone out), removed by
the user (not administrators: they must keep one) or reset by an administrator when the
phone is lost. Every change is in the audit trail, on the user, without the secret.
"""

import base64
import io
import time
from binascii import unhexlify

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from rest_framework.authtoken.models import Token

from tether.core.audit import BulkChange, record_bulk
from tether.core.models import AuditAction, User

DEVICE_NAME = "Authenticator app"


def has_confirmed_device(user) -> bool:
    """Whether logging in as this user takes a code as well as the password."""
    return user_has_device(user, confirmed=True)


def totp_device_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def new_secret() -> str:
    """A fresh TOTP secret, hex-encoded as TOTPDevice stores it (20 random bytes)."""
    return random_hex(20)


def secret_for_people(key: str) -> str:
    """The secret as authenticator apps ask for it when typed: base32, in groups of four."""
    text = base64.b32encode(unhexlify(key)).decode()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user, key: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key).config_url


def qr_code_data_uri(text: str) -> str:
    """`text` as a QR code, an SVG in a data: URI: drawn by the page, fetched from nowhere."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _record(*, actor, user, before: str, after: str, source: str) -> None:
    # An API token issued under the old second factor (or none) must not outlive the change.
    Token.objects.filter(user=user).delete()
    record_bulk(actor=actor, model=User, source=source, changes=[BulkChange(
        object_id=user.pk, object_repr=str(user), action=AuditAction.UPDATE,
        before={"two_factor": before}, after={"two_factor": after},
    )])


@transaction.atomic
def totp_device_confirm(*, user, key: str, code: str, source: str = "web") -> TOTPDevice | None:
    """Add the authenticator holding secret `key` if `code` is one of its codes, else None."""
    totp = TOTP(unhexlify(key))
    if not (code.isdigit() and totp.verify(int(code), tolerance=1)):
        return None
    replaced = TOTPDevice.objects.filter(user=user).delete()[0]
    # last_t: the code just typed cannot be used again to log in.
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True,
                                       last_t=totp.t())
    _record(actor=user, user=user, before="replaced" if replaced else "off", after="on",
            source=source)
    return device


@transaction.atomic
def totp_device_create(*, actor, user, source: str = "cli") -> TOTPDevice:
    """Give `user` a new authenticator secret at once (the demo; a person confirms by scanning)."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    _record(actor=actor, user=user, before="off", after="on", source=source)
    return device


def totp_verify(user, code: str) -> TOTPDevice | None:
    """The user's device that accepts `code` (once: a code is never accepted twice), or None.

    django-otp throttles each device: after a wrong code, the next attempt must wait 1, 2, 4…
    seconds, so guessing is slow even before the lock-out counts the failures.
    """
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


@transaction.atomic
def two_factor_remove(*, actor, user, source: str = "web") -> int:
    """Remove the user's authenticators (by themselves, or an administrator's reset)."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    if removed:
        _record(actor=actor, user=user, before="on", after="off", source=source)
    return removed


def usable_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current one, or the next if the current was used.

    What an authenticator app would show; for tests, screenshots and `tether totp_code`.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"
