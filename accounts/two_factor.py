"""Two-factor login (issue 13 item 11): a TOTP authenticator app and one-time recovery codes,
on django-otp's devices. Every write here is logged; codes are checked with django-otp's
throttling (each failure doubles the wait before the next attempt on that device)."""

import base64

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from core.services import log_action, require_perm

ENROLLED = "accounts.two_factor.enrolled"
RECOVERY_REGENERATED = "accounts.two_factor.recovery_regenerated"
RESET = "accounts.two_factor.reset"
RECOVERY_USED = "accounts.two_factor.recovery_used"


class AlreadyEnrolled(Exception):
    """The authenticator being confirmed was confirmed meanwhile (the form sent twice)."""


TOTP_NAME = "Aplikasi autentikator"
RECOVERY_NAME = "Kode pemulihan"
RECOVERY_CODE_COUNT = 10


def is_required(user) -> bool:
    return user.has_perm("accounts.require_two_factor")


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def totp_pending(*, user, create: bool = True) -> TOTPDevice | None:
    """The unconfirmed authenticator being set up (a new secret only when there is none yet,
    so reloading the page keeps the QR code the phone may already have scanned). With
    `create=False`, None when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def totp_manual_key(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code (no script, no style: fits the strict CSP)."""
    # config_url names the account and the issuer (OTP_TOTP_ISSUER) for the authenticator app.
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff"
    )


def clean_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


@transaction.atomic
def totp_confirm(*, device: TOTPDevice, code: str, by) -> list[str] | None:
    """Confirm the authenticator with a code it shows; returns fresh recovery codes, or None
    when the code is wrong (or the device is throttled). AlreadyEnrolled when another request
    confirmed it first: its code is used up then, and counting it as a wrong one would make the
    new authenticator wait before the first sign-in."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=by).first()
    if device is None or device.confirmed:
        raise AlreadyEnrolled
    if not device.verify_token(clean_code(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per account: an earlier one (a lost phone) stops working.
    TOTPDevice.objects.filter(user=by).exclude(pk=device.pk).delete()
    codes = _new_recovery_codes(by)
    log_action(actor=by, action=ENROLLED, obj=by)
    return codes


def _new_recovery_codes(user) -> list[str]:
    # One renewal per account at a time: two at once (a double tap) would each delete only the
    # codes they see and leave both sets working, ten of them never shown.
    User.objects.select_for_update().filter(pk=user.pk).exists()
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    device.throttle_reset(commit=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user, by) -> list[str]:
    """New recovery codes; the old ones stop working. Shown once, never stored readable."""
    codes = _new_recovery_codes(user)
    log_action(actor=by, action=RECOVERY_REGENERATED, obj=user)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_NAME).count()


def two_factor_lock(*, user) -> None:
    """Hold the account's devices until the transaction ends: requests checking a code of this
    account take their turn."""
    list(devices_for_user(user, confirmed=True, for_verify=True))


@transaction.atomic
def two_factor_verify(*, user, code: str):
    """The confirmed device that accepts `code` (an authenticator code or a recovery code, which
    is then used up), or None. Throttled devices accept nothing until their wait is over."""
    code = clean_code(code)
    if not code:
        return None
    devices = list(devices_for_user(user, confirmed=True, for_verify=True))
    app_lengths = {device.digits for device in devices if isinstance(device, TOTPDevice)}
    for device in devices:
        # Each device sees only codes of its own shape, so a recovery code is not counted as a
        # wrong app code (throttling the app), nor an app code as a wrong recovery code.
        if isinstance(device, TOTPDevice):
            fits = code.isdigit() and len(code) == device.digits
        else:
            fits = not (code.isdigit() and len(code) in app_lengths)
        if not fits:
            continue
        if device.verify_token(code):
            if isinstance(device, StaticDevice):
                log_action(actor=user, action=RECOVERY_USED, obj=user)
            return device
    return None


def device_wait_seconds(device) -> int:
    """How long until a throttled device accepts a code again (0: not throttled)."""
    allowed, details = device.verify_is_allowed()
    if not allowed and details and details.get("locked_until"):
        return int((details["locked_until"] - timezone.now()).total_seconds()) + 1
    return 0


def two_factor_wait_seconds(user) -> int:
    """How long until a throttled device of `user` accepts a code again (0: not throttled)."""
    return max(map(device_wait_seconds, devices_for_user(user, confirmed=True)), default=0)


@transaction.atomic
def two_factor_reset(*, user, by) -> None:
    """An administrator removes a user's authenticator and recovery codes (a lost phone): the
    user sets up again at the next sign-in, or may, when not required."""
    require_perm(by, "accounts.manage_account", user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log_action(actor=by, action=RESET, obj=user)


def enforced() -> bool:
    return settings.TWO_FACTOR_ENFORCED
