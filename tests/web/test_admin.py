"""Django admin for master data: every registered page opens for a superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

PAGES = [
    "organization",
    "practice",
    "location",
    "provider",
    "payer",
    "feeschedule",
    "membership",
    "apitoken",
]


@pytest.fixture
def admin_client(world, client):
    su = User.objects.create_superuser("root", "root@example.com", "pw-root-123456")
    client.force_login(su)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_changelists_open(admin_client, page):
    assert admin_client.get(f"/admin/practice/{page}/").status_code == 200


def test_practice_and_fee_schedule_forms_open(world, admin_client):
    assert (
        admin_client.get(f"/admin/practice/practice/{world.a.practice.pk}/change/").status_code
        == 200
    )
    from medbill.web.practice.models import FeeSchedule

    schedule = FeeSchedule.objects.filter(practice=world.a.practice).get()
    page = admin_client.get(f"/admin/practice/feeschedule/{schedule.pk}/change/")
    assert page.status_code == 200
    assert b"Rapid strep test" in page.content


def test_patients_are_not_in_the_admin(admin_client):
    assert admin_client.get("/admin/frontdesk/patient/").status_code == 404


def test_staff_without_superuser_cannot_open_it(world, client):
    client.force_login(world.users["admin"])
    assert client.get("/admin/practice/practice/").status_code == 302
