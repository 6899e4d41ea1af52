"""Two-factor sign-in with TOTP (django-otp): who needs it, enrolment, recovery codes.

A user with a confirmed authenticator device must enter a code after the password on
every sign-in. Administrators, managers and billers of a practice whose ``mfa_required``
is on (the default) must enrol before they can use the application; other users may
enrol from their own page. Recovery codes are django-otp static tokens, each usable once.

``SecondFactorMiddleware`` holds a signed-in but unverified session to the pages that
finish the sign-in: the code page, enrolment (when it is required) and sign-out.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from medbill.core.roles import ADMIN, BILLER, MANAGER
from medbill.web.practice.auth_audit import record_auth_event
from medbill.web.practice.requests import SignedInRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "MFA_ROLES",
    "RECOVERY_CODES",
    "SecondFactorMiddleware",
    "confirm_authenticator",
    "has_second_factor",
    "mfa_required_for",
    "new_recovery_codes",
    "pending_authenticator",
    "qr_svg",
    "secret_text",
    "session_complete",
    "turn_off",
]

MFA_ROLES = (ADMIN, MANAGER, BILLER)
RECOVERY_CODES = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def mfa_required_for(user: User) -> bool:
    """Whether ``user`` holds a role that must sign in with two factors at any practice."""
    from medbill.web.practice.models import Membership

    return Membership.objects.filter(
        user=user, role__in=MFA_ROLES, practice__mfa_required=True, practice__active=True
    ).exists()


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def is_verified(user: User) -> bool:
    """True when the signed-in user passed the second factor in this session (django-otp's
    ``OTPMiddleware`` gives ``request.user`` an ``is_verified()``; django-otp has no types)."""
    return bool(user.is_verified())  # type: ignore[attr-defined]


def session_complete(request: HttpRequest) -> bool:
    """Signed in with every factor this user needs (False when not signed in at all)."""
    user = request.user
    if not user.is_authenticated:
        return False
    if is_verified(user):
        return True
    return not has_second_factor(user) and not mfa_required_for(user)


# -- enrolment --------------------------------------------------------------------------------


def pending_authenticator(user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator (a new secret), made if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in (base32, in groups of four)."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address of ``device`` as an inline SVG QR code."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODES`` new ones; shown once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME)
        device.confirmed = True
        device.save()
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def confirm_authenticator(request: SignedInRequest, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; returns new recovery codes.

    None when the code is wrong. On success this session counts as verified.
    """
    import django_otp

    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(_digits(token)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        codes = new_recovery_codes(user)
        record_auth_event("mfa_on", user.get_username(), user, request)
    django_otp.login(request, device)
    return codes


def turn_off(request: SignedInRequest) -> None:
    """Remove every device of the user (allowed only where no role requires two factors)."""
    user = request.user
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        record_auth_event("mfa_off", user.get_username(), user, request)


def _digits(token: str) -> str:
    return "".join(ch for ch in token if not ch.isspace())


# -- the middleware ---------------------------------------------------------------------------

# Pages an unverified session may reach (besides static files).
_OPEN = ("/login/", "/logout/", "/session/", "/static/")


class SecondFactorMiddleware:
    """Sends a signed-in but unverified session to the code page or to enrolment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or is_verified(user) or request.path.startswith(_OPEN):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            # Bearer tokens are checked by the API itself; a half-finished web session is not
            # a way in (medbill.web.api.auth checks session_complete too).
            return self.get_response(request)
        if has_second_factor(user):
            target = reverse("verify_second_factor")
        elif mfa_required_for(user):
            if request.path == reverse("show_security"):
                return self.get_response(request)
            target = reverse("show_security")
        else:
            return self.get_response(request)
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse(
                {"error": "finish signing in with your authentication code"}, status=403
            )
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
