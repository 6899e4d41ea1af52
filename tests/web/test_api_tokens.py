"""Users issue and revoke their own API tokens in the web app."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from medbill.web.practice.models import ApiToken

pytestmark = pytest.mark.django_db


def test_it_works(world, client_for):
    client = client_for(world.users["biller"])
    assert client.get("/account/tokens/").status_code == 200
    response = client.post("/account/tokens/new/", {"name": "A/R export"})
    assert response.status_code == 200
    key = re.search(rb"data-token>(mb_[^<]+)<", response.content).group(1).decode()
    token = ApiToken.objects.get(user=world.users["biller"])
    assert token.name == "A/R export" and token.key_hash == ApiToken.hash_key(key)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/patients").status_code == 200
    # The list never shows the secret again.
    assert key.encode() not in client.get("/account/tokens/").content
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert api.get("/api/patients").status_code == 401


def test_cannot_revoke_someone_elses_token(world, client_for):
    token, _ = ApiToken.issue(world.users["coder"], "mine")
    response = client_for(world.users["biller"]).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_name_is_required(world, client_for):
    client = client_for(world.users["biller"])
    response = client.post("/account/tokens/new/", {"name": " "}, follow=True)
    assert b"say what the token is for" in response.content
    assert not ApiToken.objects.exists()
