"""The practice switcher: a user of two practices works in one at a time."""

from __future__ import annotations

import pytest

from medbill.web.practice.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_practice_user(world):
    user = world.users["biller"]
    Membership.objects.create(user=user, practice=world.b.practice, role="coder")
    return user


def test_it_works(world, client_for, two_practice_user):
    client = client_for(two_practice_user)
    assert client.get("/").context["current_practice"] == world.a.practice
    response = client.post(
        "/practice/switch/", {"practice": world.b.practice.pk, "next": "/patients/"}
    )
    assert response.status_code == 302 and response["Location"] == "/patients/"
    page = client.get("/patients/")
    assert page.context["current_practice"] == world.b.practice
    assert page.context["current_role"] == "coder"
    assert [p.pk for p in page.context["page"]] == [world.b.patient.pk]
    # Practice A's records are out of scope while working in B.
    assert client.get(f"/patients/{world.a.patient.pk}/").status_code == 404


def test_role_follows_the_practice(world, client_for, two_practice_user):
    client = client_for(two_practice_user)
    url_b = f"/patients/{world.b.patient.pk}/payments/new/"
    client.post("/practice/switch/", {"practice": world.b.practice.pk})
    assert client.get(url_b).status_code == 403  # a coder at B


def test_cannot_switch_to_a_practice_without_membership(world, client_for):
    client = client_for(world.users["coder"])
    client.post("/practice/switch/", {"practice": world.b.practice.pk})
    assert client.get("/").context["current_practice"] == world.a.practice


def test_next_must_stay_on_site(world, client_for, two_practice_user):
    response = client_for(two_practice_user).post(
        "/practice/switch/", {"practice": world.b.practice.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
