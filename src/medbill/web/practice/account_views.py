"""Signing in (password, then the authenticator code), the user's security page, lockouts.

The documented sign-in is unchanged for a user without two-factor sign-in: POST
``username`` and ``password`` to ``/login/`` and the session is ready. With an
authenticator, ``/login/`` leads on to ``/login/verify/`` for the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import match_token

from medbill.web.practice import mfa
from medbill.web.practice.auth_audit import record_auth_event
from medbill.web.practice.models import Membership, Practice
from medbill.web.practice.permissions import requires
from medbill.web.practice.requests import MiddlewareRequest, PracticeRequest, SignedInRequest
from medbill.web.practice.sessions import remember_device

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "ChangePasswordView",
    "SignInView",
    "show_practice_security",
    "locked_out",
    "show_security",
    "unlock_user",
    "verify_second_factor",
]


class SignInForm(AuthenticationForm):
    remember = forms.BooleanField(required=False, label="Remember this device")


def _next(request: MiddlewareRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return target


class SignInView(LoginView):
    """The password step; the code step follows for users with an authenticator."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        remember_device(self.request, bool(form.cleaned_data.get("remember")))
        user = form.get_user()
        if mfa.has_second_factor(user):
            return _to("verify_second_factor", self.get_success_url())
        if mfa.mfa_required_for(user):
            messages.info(
                self.request,
                "Your role requires two-factor sign-in: set up an authenticator app to go on.",
            )
            return _to("show_security", self.get_success_url())
        return response


class ChangePasswordView(PasswordChangeView):
    """Django's password change, with the validators of ``AUTH_PASSWORD_VALIDATORS``."""

    request: SignedInRequest  # PasswordChangeView is login_required

    def get_success_url(self) -> str:
        return reverse("show_security")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        record_auth_event("password", user.get_username(), user, self.request)
        messages.success(self.request, "Your password is changed.")
        return response


def _to(name: str, next_url: str) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def verify_second_factor(request: MiddlewareRequest) -> HttpResponse:
    """The code step: a code from the authenticator app, or one recovery code."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if mfa.is_verified(user) or not mfa.has_second_factor(user):
        return redirect(_next(request))
    credentials = {"username": user.get_username()}
    error = None
    if request.method == "POST":
        if not AxesProxyHandler.is_allowed(request, credentials):
            return _lock_out(request, credentials)
        device = match_token(user, "".join(request.POST.get("otp_token", "").split()))
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next(request))
        # A wrong code counts as a failed sign-in: the lockout limits guessing codes too.
        user_login_failed.send(
            sender=__name__, credentials={**credentials, "otp_token": "***"}, request=request
        )
        if getattr(request, "axes_locked_out", False):
            return _lock_out(request, credentials)
        error = "That code did not match. Use the current code from your app, or a recovery code."
    return render(request, "registration/verify.html", {"error": error, "next": _next(request, "")})


def _lock_out(request: MiddlewareRequest, credentials: dict[str, Any]) -> HttpResponse:
    logout(request)
    request.axes_locked_out = False  # the lockout page is this response; do not render twice
    return locked_out(request, None, credentials)


def _cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(
    request: MiddlewareRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page django-axes shows instead of signing in while a lockout lasts (HTTP 429)."""
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": _cooloff_minutes()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@login_required
def show_security(request: SignedInRequest) -> HttpResponse:
    """The user's own page: two-factor sign-in on or off, enrolment, recovery codes."""
    user = request.user
    required = mfa.mfa_required_for(user)
    enrolled = mfa.has_second_factor(user)
    context: dict[str, Any] = {
        "required": required,
        "enrolled": enrolled,
        "next": _next(request, ""),
        "recovery_left": _recovery_left(user),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        # Changing an enrolled factor needs a session verified with it.
        if enrolled and not mfa.is_verified(user):
            return _to("verify_second_factor", request.get_full_path())
        if action == "confirm":
            codes = mfa.confirm_authenticator(request, request.POST.get("otp_token", ""))
            if codes is not None:
                context.update(enrolled=True, recovery_codes=codes, recovery_left=len(codes))
                return render(request, "registration/security.html", context)
            context["error"] = "That code did not match. Type the code your app shows now."
            action = "start"
        if action == "start":
            device = mfa.pending_authenticator(user)
            context.update(enrolling=True, qr=mfa.qr_svg(device), secret=mfa.secret_text(device))
        elif action == "recovery" and enrolled:
            codes = mfa.new_recovery_codes(user)
            context.update(recovery_codes=codes, recovery_left=len(codes))
        elif action == "off" and enrolled and not required:
            mfa.turn_off(request)
            messages.success(request, "Two-factor sign-in is off.")
            return redirect("show_security")
    elif required and not enrolled:
        device = mfa.pending_authenticator(user)
        context.update(enrolling=True, qr=mfa.qr_svg(device), secret=mfa.secret_text(device))
    return render(request, "registration/security.html", context)


def _recovery_left(user: User) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# -- lockouts: practice administrators unlock their own users ---------------------------------


def _members(request: PracticeRequest) -> list[str]:
    return list(
        Membership.objects.filter(practice=request.practice).values_list(
            "user__username", flat=True
        )
    )


class PracticeSecurityForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["idle_timeout_minutes", "mfa_required"]


@requires("manage_users")
def show_practice_security(request: PracticeRequest) -> HttpResponse:
    """The practice's sign-in settings and the lockouts of its users (administrators)."""
    practice = Practice.objects.get(pk=request.practice.pk)
    form = PracticeSecurityForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        form.save()  # Practice is audited: the change is in the trail with before and after
        messages.success(request, "Sign-in settings saved.")
        return redirect("show_practice_security")
    attempts = AccessAttempt.objects.filter(username__in=_members(request)).order_by(
        "-attempt_time"
    )
    limit = settings.AXES_FAILURE_LIMIT
    rows = [
        {
            "username": a.username,
            "failures": a.failures_since_start,
            "last": a.attempt_time,
            "locked": a.failures_since_start >= limit,
        }
        for a in attempts
    ]
    return render(
        request,
        "practice/practice_security.html",
        {"form": form, "rows": rows, "limit": limit, "minutes": _cooloff_minutes()},
    )


@requires("manage_users")
@require_POST
def unlock_user(request: PracticeRequest) -> HttpResponse:
    username = request.POST.get("username", "")
    if username not in _members(request):
        messages.error(request, "That user does not work for this practice.")
        return redirect("show_practice_security")
    count = axes_reset(username=username)
    record_auth_event("unlock", username, request=request, by=request.user.get_username())
    messages.success(request, f"{username} can sign in again ({count} failed attempts cleared).")
    return redirect("show_practice_security")
