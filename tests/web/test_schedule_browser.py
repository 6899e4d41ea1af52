"""The front desk books from the appointment book in a real browser (Debian's Chromium):
an empty slot, the patient found by name, the booking form already filled in, and the
appointment back on the book in its slot."""

from __future__ import annotations

import pytest
from django.utils import timezone

from browser_support import browser_marks, open_page, session_of
from medbill.web.frontdesk.models import Visit

pytestmark = browser_marks


@pytest.fixture
def desk(world):
    return session_of(world.users["front_desk"])


@pytest.mark.django_db(transaction=True)
def test_the_desk_books_from_an_empty_slot(world, desk, live_server, browser, shots) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    patient = world.a.patient
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    page = open_page(browser, base, desk)
    page.goto(f"{base}/schedule/?on={tomorrow:%Y-%m-%d}")
    shots(page, "empty-day")
    title = f"{world.a.provider.first_name} {world.a.provider.last_name}".strip()
    page.get_by_label(f"Book {title} at 14:30").click()
    page.fill("#find-patient input[name=q]", patient.last_name)
    page.click("#find-patient button[type=submit]")
    page.get_by_role("link", name="Book here").first.click()
    expect(page.locator("input[name=at]")).to_have_value("14:30")
    expect(page.locator("input[name=on]")).to_have_value(f"{tomorrow:%Y-%m-%d}")
    page.fill("input[name=reason]", "Knee pain")
    page.click("#save-visit")
    page.goto(f"{base}/schedule/?on={tomorrow:%Y-%m-%d}")
    booked = page.locator(".appt", has_text=patient.last_name)
    expect(booked).to_contain_text("14:30")
    expect(booked).to_contain_text("Knee pain")
    expect(booked).to_contain_text("not checked")
    shots(page, "booked")
    visit = Visit.objects.get(patient=patient, reason="Knee pain")
    local = timezone.localtime(visit.scheduled_at)
    assert (local.date(), local.hour, local.minute) == (tomorrow, 14, 30)
