"""Signing in and out."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def coder_password(world):
    user = world.users["coder"]
    user.set_password(PASSWORD)
    user.save()


def test_it_works(world):
    client = Client()
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "coder", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password(world):
    response = Client().post("/login/", {"username": "coder", "password": "nope"})
    assert response.status_code == 200
    assert b"did not match" in response.content
