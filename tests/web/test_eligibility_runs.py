"""Eligibility of the day's appointments from the desk, as a run with progress and result."""

from __future__ import annotations

import datetime

import pytest
from desk_support import simulator, visit_today
from django.utils import timezone

from medbill.web.frontdesk import eligibility
from medbill.web.frontdesk.models import EligibilityCheck, EligibilityRun, Patient, Visit


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def self_pay_visit(site, hour):
    """An appointment of a patient with no coverage on file: no payer to ask."""
    patient = Patient.objects.create(
        practice=site.practice,
        account_number="SP-1",
        last_name="Quill",
        first_name="Ada",
        date_of_birth=datetime.date(1990, 1, 2),
        sex="F",
    )
    when = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(hour, 0))
    )
    return Visit.objects.create(
        practice=site.practice,
        patient=patient,
        provider=site.provider,
        location=site.location,
        scheduled_at=when,
        status=Visit.Status.SCHEDULED,
    )


class TestEligibilityRun:
    def test_it_checks_the_day_and_shows_the_answers(self, world, client_for, commits):
        a = world.a
        covered, self_pay = visit_today(a, hour=9), self_pay_visit(a, hour=10)
        client = client_for(world.users["front_desk"])
        desk = client.get("/desk/").content.decode()
        assert 'action="/desk/eligibility/"' in desk and "data-progress-disable>" in desk
        with simulator(a), commits(execute=True):  # the task runs once the row is committed
            resp = client.post("/desk/eligibility/", {"on": str(timezone.localdate())})
        run = EligibilityRun.objects.get()
        assert resp.status_code == 302 and resp.url == f"/desk/eligibility/runs/{run.pk}/"
        assert run.status == "done" and (run.total, run.done) == (2, 2)
        assert run.created_by == world.users["front_desk"] and run.counts == {
            "active": 1,
            "self_pay": 1,
        }
        check = EligibilityCheck.objects.get(visit=covered)
        assert run.checks == [check.pk] and run.unchecked == [[self_pay.pk, "self_pay"]]

        page = client.get(resp.url).content.decode()
        assert 'data-progress-running="false"' in page
        assert (
            "2</strong> appointments checked: 1 covered, 1 no coverage on file (self-pay)." in page
        )
        assert check.summary in page and "Quill, Ada" in page.split("run-unchecked")[1]
        status = client.get(f"/desk/eligibility/runs/{run.pk}/status.json").json()
        assert status["status"] == "done" and status["percent"] == 100

    def test_progress_moves_as_answers_are_stored(self, world, monkeypatch):
        from medbill.web.frontdesk.eligibility_runs import perform_eligibility_run

        a = world.a
        visits = [visit_today(a, hour=h).pk for h in (8, 9, 10)]
        monkeypatch.setattr(eligibility, "STORE_EVERY", 1)  # store each answer at once
        seen: list[tuple[str, int]] = []
        step = EligibilityRun.step

        def watch(run, done):
            step(run, done)
            stored = EligibilityRun.objects.get(pk=run.pk)  # what the page's poll reads
            seen.append((stored.status, stored.done))

        monkeypatch.setattr(EligibilityRun, "step", watch)
        run = EligibilityRun.objects.create(
            practice=a.practice,
            day=timezone.localdate(),
            created_by=world.users["front_desk"],
            total=3,
        )
        with simulator(a):
            perform_eligibility_run(run.pk, visits)
        assert seen == [("running", 1), ("running", 2), ("running", 3)]
        run.refresh_from_db()
        assert run.status == "done" and run.counts == {"active": 3}

    def test_a_payer_without_endpoint_is_said_in_words(self, world, client_for, commits):
        visit_today(world.a)
        client = client_for(world.users["biller"])
        with commits(execute=True):  # no simulator: no endpoint is set up
            resp = client.post("/desk/eligibility/", {"on": str(timezone.localdate())})
        page = client.get(resp.url).content.decode()
        assert "1 no eligibility service set up for the payer" in page
        assert "No payer was asked." in page

    def test_a_day_without_appointments_starts_nothing(self, world, client_for):
        client = client_for(world.users["front_desk"])
        resp = client.post("/desk/eligibility/", {"on": "2026-01-01"}, follow=True)
        assert "no appointment on 01/01/2026 waits to be checked" in resp.content.decode()
        assert not EligibilityRun.objects.exists()

    def test_refused_roles_and_other_practices(self, world, client_for):
        visit_today(world.a)
        today = str(timezone.localdate())
        for role in ("coder", "auditor"):
            client = client_for(world.users[role])
            assert client.post("/desk/eligibility/", {"on": today}).status_code == 403
        assert not EligibilityRun.objects.exists()
        client_for(world.users["front_desk"]).post("/desk/eligibility/", {"on": today})
        run = EligibilityRun.objects.get()
        outsider = client_for(world.outsider)
        assert outsider.get(f"/desk/eligibility/runs/{run.pk}/").status_code == 404
        assert outsider.get(f"/desk/eligibility/runs/{run.pk}/status.json").status_code == 404
