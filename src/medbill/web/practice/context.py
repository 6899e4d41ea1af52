"""Template context: the current practice, the user's role and what the role may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medbill.core.roles import ROLE_LABELS, actions_for
from medbill.web.practice.tenancy import practices_for


def practice_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = getattr(request, "role", None)
    return {
        "current_practice": getattr(request, "practice", None),
        "current_role": role,
        "current_role_label": ROLE_LABELS.get(role or "", ""),
        "user_practices": practices_for(user),
        "may": {action: True for action in actions_for(role)},
    }
