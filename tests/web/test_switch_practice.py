"""The practice switcher: a user of two practices works in one at a time."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

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


def test_a_page_of_the_other_practice_offers_the_switch(world, client_for, two_practice_user):
    client = client_for(two_practice_user)
    url = f"/patients/{world.b.patient.pk}/"
    response = client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert f"This page belongs to <strong>{world.b.practice.name}</strong>" in page
    assert f'name="practice" value="{world.b.practice.pk}"' in page
    assert f'name="next" value="{url}"' in page
    followed = client.post(
        "/practice/switch/", {"practice": world.b.practice.pk, "next": url}, follow=True
    )
    assert followed.status_code == 200
    assert followed.context["patient"].pk == world.b.patient.pk


def test_a_page_of_a_practice_one_does_not_work_for_names_nothing(world, client_for):
    response = client_for(world.users["biller"]).get(f"/patients/{world.b.patient.pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert world.b.practice.name not in page and "switch-and-open" not in page
    missing = client_for(world.users["biller"]).get("/patients/999999/")
    assert missing.status_code == 404 and "switch-and-open" not in missing.content.decode()


def test_signing_in_starts_in_the_first_practice_by_name(world):
    """Whatever order the memberships were made in; the practice chosen then stays for
    the session (a new sign-in starts from the first again)."""
    user = User.objects.create_user("both", password="a-long-test-password-9")
    Membership.objects.create(user=user, practice=world.b.practice, role="biller")
    Membership.objects.create(user=user, practice=world.a.practice, role="biller")
    first, second = sorted([world.a.practice, world.b.practice], key=lambda p: p.name)
    client = Client()
    client.post("/login/", {"username": "both", "password": "a-long-test-password-9"})
    assert client.get("/").context["current_practice"] == first
    client.post("/practice/switch/", {"practice": second.pk})
    assert client.get("/patients/").context["current_practice"] == second
    assert client.get("/").context["current_practice"] == second


def test_the_switcher_and_the_setup_pages_show_each_practices_short_code(
    world, client_for, two_practice_user
):
    """The code the command line's --practice takes, beside each practice's name."""
    html = client_for(two_practice_user).get("/").content.decode()
    switcher = html.split('id="practice-switch"', 1)[1].split("</select>", 1)[0]
    for site in (world.a, world.b):
        assert f">{site.practice.name} · {site.practice.short_code}</option>" in switcher
    manager = client_for(world.users["manager"])
    for url in ("/setup/", "/setup/practice/"):
        page = manager.get(url).content.decode()
        assert '<code id="practice-short-code">CVFP</code>' in page, url
    assert "--practice</code> takes" in manager.get("/setup/practice/").content.decode()
