"""Template context: the current practice, the user's role and what the role may do."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from medbill.core.roles import ROLE_LABELS, actions_for
from medbill.web.nav import NAV
from medbill.web.practice.tenancy import practices_for


def _nav(request: HttpRequest, allowed: frozenset[str]) -> list[dict[str, Any]]:
    items = []
    for item in NAV:
        if item.action is not None and item.action not in allowed:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # a page whose URL is not wired up yet
            continue
        items.append({"label": item.label, "url": url, "section": item.section, "active": False})
    # The one link the page is under: the longest URL it starts with, so /claims-out/build/
    # is "Build claims", not also "Claim queue" (/claims-out/).
    under = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if under:
        max(under, key=lambda i: len(i["url"]))["active"] = True
    return items


def practice_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from medbill.web.practice.mfa import session_complete

    if not session_complete(request):
        # Signed in with the password only: the code or enrolment comes first.
        return {"idle_warning_seconds": settings.IDLE_WARNING_SECONDS}
    role = getattr(request, "role", None)
    allowed = actions_for(role)
    return {
        "idle_warning_seconds": settings.IDLE_WARNING_SECONDS,
        "nav_items": _nav(request, allowed),
        "current_practice": getattr(request, "practice", None),
        "current_role": role,
        "current_role_label": ROLE_LABELS.get(role or "", ""),
        "user_practices": practices_for(user),
        "may": {action: True for action in allowed},
    }
