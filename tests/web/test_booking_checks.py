"""Booking and moving appointments refuse what the desk almost surely did not mean: a date
outside the booking window always; office hours and double booking unless "Book anyway"."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from medbill.web.frontdesk.models import Visit
from medbill.web.practice.models import Provider

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


def at(hour: int, minute: int = 0, day: datetime.date = NEXT_WEEK) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def booked(site, hour: int, minute: int, minutes: int, provider=None) -> Visit:
    return Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=provider or site.provider,
        location=site.location,
        scheduled_at=at(hour, minute),
        duration_minutes=minutes,
    )


def book(world, client_for, on: str, at_: str, **extra):
    site = world.a
    data = {
        "on": on,
        "at": at_,
        "provider": site.provider.pk,
        "location": site.location.pk,
        "minutes": "15",
        "reason": "Checkup",
        **extra,
    }
    url = reverse("book_visit", args=[site.patient.pk])
    return client_for(world.users["front_desk"]).post(url, data)


@pytest.mark.parametrize(
    ("on", "why"),
    [
        ("9999-12-31", "is more than two years ahead"),
        ("2099-03-01", "is more than two years ahead"),
        ("0001-01-01", "is before the patient was born (06/30/2019)"),
        ("2019-06-29", "is before the patient was born (06/30/2019)"),
    ],
)
def test_a_date_outside_the_booking_window_is_refused_beside_the_date(world, client_for, on, why):
    response = book(world, client_for, on, "10:00", anyway="1")
    page = response.content.decode()
    assert response.status_code == 200
    assert why in page
    assert '<label class="has-error">Date' in page
    assert not Visit.objects.filter(reason="Checkup").exists()


def test_outside_office_hours_needs_book_anyway(world, client_for):
    response = book(world, client_for, NEXT_WEEK.isoformat(), "03:00")
    page = response.content.decode()
    assert "03:00–03:15 is outside office hours (08:00–17:00)" in page
    assert "Book anyway" in page
    assert not Visit.objects.filter(reason="Checkup").exists()
    response = book(world, client_for, NEXT_WEEK.isoformat(), "03:00", anyway="1")
    assert response.status_code == 302
    assert Visit.objects.filter(patient=world.a.patient, scheduled_at=at(3)).exists()


def test_a_providers_overlapping_visit_needs_book_anyway(world, client_for):
    booked(world.a, 13, 40, 40)
    response = book(world, client_for, NEXT_WEEK.isoformat(), "13:45")
    page = response.content.decode()
    assert "already has an appointment at 13:40–14:20" in page
    assert not Visit.objects.filter(reason="Checkup").exists()
    assert book(world, client_for, NEXT_WEEK.isoformat(), "14:20").status_code == 302
    assert book(world, client_for, NEXT_WEEK.isoformat(), "13:45", anyway="1").status_code == 302
    assert Visit.objects.filter(reason="Checkup").count() == 2


def test_moving_a_patient_onto_her_own_visit_with_another_provider_needs_book_anyway(
    world, client_for
):
    other = Provider.objects.create(
        practice=world.a.practice, last_name="Okafor", first_name="Ada", npi="1679576722"
    )
    booked(world.a, 10, 0, 30, provider=other)
    moving = booked(world.a, 15, 0, 15)
    client = client_for(world.users["front_desk"])
    url = reverse("move_appointment", args=[moving.pk])
    data = {"on": NEXT_WEEK.isoformat(), "at": "10:00", "provider": world.a.provider.pk}
    page = client.post(url, data, follow=True).content.decode()
    assert "the patient already has an appointment with Okafor at 10:00–10:30" in page
    moving.refresh_from_db()
    assert moving.scheduled_at == at(15)
    client.post(url, {**data, "anyway": "1"})
    moving.refresh_from_db()
    assert moving.scheduled_at == at(10)


def test_a_move_to_a_date_out_of_the_window_is_refused_even_anyway(world, client_for):
    moving = booked(world.a, 15, 0, 15)
    url = reverse("move_appointment", args=[moving.pk])
    data = {"on": "9999-12-31", "at": "10:00", "provider": world.a.provider.pk, "anyway": "1"}
    page = client_for(world.users["front_desk"]).post(url, data, follow=True).content.decode()
    assert "is more than two years ahead" in page
    moving.refresh_from_db()
    assert moving.scheduled_at == at(15)


def test_a_visit_reported_after_the_fact_is_booked_checked_in_and_out_at_once(world):
    """``record_visit`` (charges an EHR sends): the booking rules still hold (the window,
    the practice's own provider), the slot may be taken, and the visit lands on the coding
    queue in one audited creation."""
    from medbill.web.frontdesk import services as desk
    from medbill.web.practice.errors import ServiceError
    from medbill.web.practice.models import AuditEvent

    site = world.a
    booked(site, 10, 0, 30)  # the slot is taken: the visit happened anyway
    yesterday = at(10, 0, timezone.localdate() - datetime.timedelta(days=1))
    visit = desk.record_visit(
        None, site.patient, site.provider, site.location, yesterday, "From the EHR", " Note "
    )
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CHECKED_OUT
    assert visit.checked_in_at is not None and visit.checked_in_at == visit.checked_out_at
    assert visit.desk_note == "Note" and visit.scheduled_at == yesterday
    created = AuditEvent.objects.get(
        object_type="frontdesk.Visit", object_id=str(visit.pk), action="create"
    )
    assert created.changes["status"]["after"] == "checked_out"
    other = world.b.provider
    with pytest.raises(ServiceError, match="not one of this practice's"):
        desk.record_visit(None, site.patient, other, site.location, yesterday, "", "n")
    with pytest.raises(ServiceError, match="before the patient was born"):
        desk.record_visit(
            None,
            site.patient,
            site.provider,
            site.location,
            at(9, 0, datetime.date(2001, 1, 1)),
            "",
            "n",
        )
