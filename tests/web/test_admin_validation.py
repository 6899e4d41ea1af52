"""The Django admin refuses what the claim would be rejected for, and only superusers use it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from medbill.web.practice.models import Provider

pytestmark = pytest.mark.django_db


def _provider_post(world, **changes):
    p = world.a.provider
    data = {
        "practice": p.practice_id,
        "last_name": p.last_name,
        "first_name": p.first_name,
        "middle_name": "",
        "suffix": "",
        "credentials": "MD",
        "npi": p.npi,
        "taxonomy": p.taxonomy,
        "active": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def root(world, client):
    client.force_login(User.objects.create_superuser("root", "r@example.com", "pw-root-123456"))
    return client


def test_a_ten_digit_taxonomy_is_refused(world, root):
    url = f"/admin/practice/provider/{world.a.provider.pk}/change/"
    page = root.post(url, _provider_post(world, taxonomy="1234567890"))
    assert page.status_code == 200
    assert b"A taxonomy code is 10 characters as NUCC writes them" in page.content
    world.a.provider.refresh_from_db()
    assert world.a.provider.taxonomy == "207Q00000X"


def test_an_npi_with_a_wrong_check_digit_is_refused(world, root):
    url = f"/admin/practice/provider/{world.a.provider.pk}/change/"
    page = root.post(url, _provider_post(world, npi="1234567890"))
    assert b"fails its check digit" in page.content
    world.a.provider.refresh_from_db()
    assert world.a.provider.npi == "1283746505"


def test_a_good_change_is_saved(world, root):
    url = f"/admin/practice/provider/{world.a.provider.pk}/change/"
    page = root.post(url, _provider_post(world, npi="1234567893", taxonomy="363LF0000X"))
    assert page.status_code == 302
    world.a.provider.refresh_from_db()
    assert (world.a.provider.npi, world.a.provider.taxonomy) == ("1234567893", "363LF0000X")


def test_model_validation_names_the_field(world):
    provider = Provider(
        practice=world.a.practice,
        last_name="Doe",
        first_name="Ann",
        npi="1234567890",
        taxonomy="1234567890",
    )
    with pytest.raises(ValidationError) as caught:
        provider.full_clean()
    assert set(caught.value.message_dict) == {"npi", "taxonomy"}


def test_staff_who_are_not_superusers_are_refused(world, client):
    staff = world.users["admin"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/practice/provider/").status_code == 302
    assert client.get("/admin/").status_code == 302
