"""Signing in and out."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
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


def _headings(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    ]


@pytest.mark.parametrize(
    ("template", "heading"),
    [
        ("registration/login.html", "Sign in"),
        ("registration/verify.html", "Authentication code"),
        ("registration/locked_out.html", "Sign-in locked"),
    ],
)
def test_the_sign_in_pages_have_one_heading_that_names_them(world, template, heading):
    html = render_to_string(template, {"failure_limit": 10, "minutes": 15})
    assert _headings(html) == [heading]


def test_the_sign_in_page_is_headed_sign_in_also_after_a_wrong_password(world):
    assert _headings(Client().get("/login/").content.decode()) == ["Sign in"]
    wrong = Client().post("/login/", {"username": "coder", "password": "nope"})
    assert _headings(wrong.content.decode()) == ["Sign in"]
