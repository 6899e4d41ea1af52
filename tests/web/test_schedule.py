"""The appointment book: a day per provider, a provider's week, eligibility on each
appointment, and booking, moving, cancelling and no-shows from it."""

from __future__ import annotations

import datetime

import pytest
from desk_support import visit_today
from django.urls import reverse
from django.utils import timezone

from medbill.web.frontdesk import scheduler
from medbill.web.frontdesk.desk_models import EligibilityCheck
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import AuditEvent, Provider

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0, days: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def second_provider(world):
    return Provider.objects.create(
        practice=world.a.practice, last_name="Okafor", first_name="Ada", npi="1679576722"
    )


class TestTheBook:
    def test_each_provider_is_a_column_and_each_appointment_sits_in_its_slot(
        self, world, second_provider
    ):
        visit = visit_today(world.a, hour=9)
        Visit.objects.filter(pk=visit.pk).update(scheduled_at=at(9, 20))
        grid = scheduler.day_grid(world.users["front_desk"], world.a.practice, timezone.localdate())
        titles = [c.title for c in grid.columns]
        assert "Ada Okafor" in titles and len(titles) == 2
        column = next(c for c in grid.columns if c.provider == world.a.provider)
        assert [v.pk for v in column.visits_at(datetime.time(9, 15))] == [visit.pk]
        assert grid.slots[0] == datetime.time(7, 0) and datetime.time(18, 45) in grid.slots

    def test_the_practices_office_hours_mark_the_open_slots(self, world, client_for):
        practice = world.a.practice
        assert (practice.opens_at, practice.closes_at) == (datetime.time(8), datetime.time(17))
        grid = scheduler.day_grid(world.users["front_desk"], practice, timezone.localdate())
        state = {slot: is_open for slot, is_open, _ in grid.rows}
        assert not state[datetime.time(7, 45)] and state[datetime.time(8, 0)]
        assert state[datetime.time(16, 45)] and not state[datetime.time(17, 0)]
        practice.opens_at, practice.closes_at = datetime.time(7, 30), datetime.time(20, 0)
        practice.save()
        grid = scheduler.day_grid(world.users["front_desk"], practice, timezone.localdate())
        assert grid.slots[-1] == datetime.time(19, 45)  # the day reaches closing time
        assert dict((s, o) for s, o, _ in grid.rows)[datetime.time(7, 30)]
        page = client_for(world.users["front_desk"]).get("/schedule/").content.decode()
        assert "Office hours 7:30–20:00" in page
        assert page.count('<tr class="closed">') == 2  # 7:00 and 7:15
        assert '<tr class="open"><th class="slot">07:30</th>' in page

    def test_office_hours_close_after_they_open(self, world):
        from django.core.exceptions import ValidationError

        practice = world.a.practice
        practice.opens_at, practice.closes_at = datetime.time(17), datetime.time(8)
        with pytest.raises(ValidationError, match="close after it opens"):
            practice.full_clean()

    def test_an_early_appointment_widens_the_day(self, world):
        visit = visit_today(world.a, hour=6)
        grid = scheduler.day_grid(world.users["front_desk"], world.a.practice, timezone.localdate())
        assert grid.slots[0] == datetime.time(6, 0)
        assert visit.pk in [v.pk for c in grid.columns for v in c.visits_at(grid.slots[0])]

    def test_the_days_eligibility_answer_is_on_the_appointment(self, world):
        visit = visit_today(world.a)
        EligibilityCheck.objects.create(
            practice=world.a.practice,
            patient=world.a.patient,
            coverage=world.a.coverage,
            service_date=timezone.localdate(),
            status="inactive",
            summary="coverage ended",
        )
        grid = scheduler.day_grid(world.users["front_desk"], world.a.practice, timezone.localdate())
        (shown,) = [v for c in grid.columns for _, vs in c.by_slot.items() for v in vs]
        assert shown.pk == visit.pk and shown.eligibility.status == "inactive"

    def test_a_providers_week_has_a_column_a_day(self, world):
        monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
        visit_today(world.a)
        grid = scheduler.week_grid(
            world.users["front_desk"], world.a.practice, world.a.provider, timezone.localdate()
        )
        assert [c.day for c in grid.columns][0] == monday and len(grid.columns) == 6

    def test_another_practices_appointments_never_show(self, world):
        visit_today(world.b)
        grid = scheduler.day_grid(world.users["front_desk"], world.a.practice, timezone.localdate())
        assert not [v for c in grid.columns for vs in c.by_slot.values() for v in vs]


class TestMoves:
    def test_a_move_to_a_free_time_and_another_provider(self, world, second_provider):
        visit = visit_today(world.a, hour=9)
        scheduler.move_visit(world.users["front_desk"], visit, at(14, 30), second_provider)
        visit.refresh_from_db()
        assert (visit.scheduled_at, visit.provider) == (at(14, 30), second_provider)
        assert AuditEvent.objects.filter(
            object_type="frontdesk.Visit", action="update", object_id=str(visit.pk)
        ).exists()

    def test_a_move_onto_another_appointment_is_refused(self, world):
        first = visit_today(world.a, hour=9)
        second = visit_today(world.a, hour=11)
        with pytest.raises(ServiceError, match="already has an appointment at 09:00"):
            scheduler.move_visit(world.users["front_desk"], second, at(9, 10))
        second.refresh_from_db()
        assert second.scheduled_at == at(11) and first.scheduled_at == at(9)

    def test_a_cancelled_appointment_frees_its_time(self, world):
        first = visit_today(world.a, hour=9)
        second = visit_today(world.a, hour=11)
        scheduler.cancel_visit(world.users["front_desk"], first, "patient called")
        scheduler.move_visit(world.users["front_desk"], second, at(9))
        first.refresh_from_db()
        assert first.status == "cancelled" and "patient called" in first.desk_note

    def test_a_cancellation_needs_a_reason_and_a_scheduled_visit(self, world):
        visit = visit_today(world.a)
        with pytest.raises(ServiceError, match="say why"):
            scheduler.cancel_visit(world.users["front_desk"], visit, " ")
        visit.status = Visit.Status.CHECKED_IN
        visit.save()
        with pytest.raises(ServiceError, match="only a scheduled appointment"):
            scheduler.cancel_visit(world.users["front_desk"], visit, "left")

    def test_no_show_only_once_the_time_has_come(self, world):
        later = visit_today(world.a)
        Visit.objects.filter(pk=later.pk).update(
            scheduled_at=timezone.now() + datetime.timedelta(hours=2)
        )
        later.refresh_from_db()
        with pytest.raises(ServiceError, match="has not started"):
            scheduler.mark_no_show(world.users["front_desk"], later)
        Visit.objects.filter(pk=later.pk).update(
            scheduled_at=timezone.now() - datetime.timedelta(hours=1)
        )
        later.refresh_from_db()
        assert scheduler.mark_no_show(world.users["front_desk"], later).status == "no_show"

    def test_a_coder_may_not_change_the_book(self, world):
        from django.core.exceptions import PermissionDenied

        visit = visit_today(world.a)
        with pytest.raises(PermissionDenied):
            scheduler.move_visit(world.users["coder"], visit, at(15))


class TestPages:
    def test_the_desk_sees_the_day_and_books_from_an_empty_slot(self, world, client_for):
        visit = visit_today(world.a, hour=10)
        desk = client_for(world.users["front_desk"])
        page = desk.get(reverse("show_schedule")).content.decode()
        assert world.a.patient.last_name in page and f'data-visit="{visit.pk}"' in page
        assert "not checked" in page
        slot = reverse("find_patient_to_book") + (
            f"?provider={world.a.provider.pk}&location={world.a.location.pk}"
            f"&on={timezone.localdate():%Y-%m-%d}&at=15:30"
        )
        assert slot.replace("&", "&amp;") in page
        found = desk.get(slot + f"&q={world.a.patient.last_name}").content.decode()
        assert "Book here" in found
        form = desk.get(
            reverse("book_visit", args=[world.a.patient.pk]) + "?on=2030-01-07&at=15:30"
        ).content.decode()
        assert 'value="2030-01-07"' in form and 'value="15:30"' in form

    def test_moving_from_the_page_says_what_happened(self, world, client_for):
        first = visit_today(world.a, hour=9)
        second = visit_today(world.a, hour=11)
        desk = client_for(world.users["front_desk"])
        refused = desk.post(
            reverse("move_appointment", args=[second.pk]),
            {
                "on": f"{timezone.localdate():%Y-%m-%d}",
                "at": "09:00",
                "provider": world.a.provider.pk,
            },
            follow=True,
        ).content.decode()
        assert "already has an appointment at 09:00" in refused
        moved = desk.post(
            reverse("move_appointment", args=[second.pk]),
            {
                "on": f"{timezone.localdate():%Y-%m-%d}",
                "at": "13:00",
                "provider": world.a.provider.pk,
            },
            follow=True,
        ).content.decode()
        assert "moved to" in moved
        second.refresh_from_db()
        assert second.scheduled_at == at(13) and first.scheduled_at == at(9)

    def test_the_week_view_and_who_may_see_the_book(self, world, client_for):
        visit_today(world.a)
        desk = client_for(world.users["front_desk"])
        week = desk.get(
            reverse("show_schedule") + f"?view=week&provider={world.a.provider.pk}"
        ).content.decode()
        assert "week of" in week
        assert client_for(world.users["coder"]).get(reverse("show_schedule")).status_code == 403
        other = desk.post(
            reverse("cancel_appointment", args=[visit_today(world.b).pk]), {"reason": "x"}
        )
        assert other.status_code == 404


class TestLongVisits:
    def test_a_40_minute_visit_holds_every_row_it_runs_into(self, world, client_for):
        visit = visit_today(world.a, hour=13)
        Visit.objects.filter(pk=visit.pk).update(scheduled_at=at(13, 40), duration_minutes=40)
        page = client_for(world.users["front_desk"]).get("/schedule/").content.decode()
        for taken in ("13:30", "13:45", "14:00", "14:15"):
            assert f'at {taken}">+</a>' not in page
        assert 'at 14:30">+</a>' in page
        assert "until 14:20" in page
        grid = scheduler.day_grid(world.users["front_desk"], world.a.practice, timezone.localdate())
        (column,) = [c for c in grid.columns if c.provider == world.a.provider]
        assert [v.pk for v in column.visits_at(datetime.time(13, 30))] == [visit.pk]
        for slot in (datetime.time(13, 45), datetime.time(14, 0), datetime.time(14, 15)):
            assert [v.pk for v in column.held_at(slot)] == [visit.pk]
        assert column.held_at(datetime.time(14, 30)) == []
