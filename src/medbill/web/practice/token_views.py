"""The signed-in user's API tokens: issue (shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from medbill.web.practice.models import ApiToken
from medbill.web.practice.requests import SignedInRequest


@login_required
def list_api_tokens(request: SignedInRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "practice/api_tokens.html", {"tokens": tokens})


@login_required
@require_POST
def create_api_token(request: SignedInRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()[:60]
    if not name:
        messages.error(request, "name: say what the token is for")
        return redirect("list_api_tokens")
    _, key = ApiToken.issue(request.user, name)
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request, "practice/api_tokens.html", {"tokens": tokens, "new_key": key, "new_name": name}
    )


@login_required
@require_POST
def revoke_api_token(request: SignedInRequest, token_id: int) -> HttpResponse:
    # Only the owner's own tokens are found; anyone else's id is a 404.
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("list_api_tokens")
