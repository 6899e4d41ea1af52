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


def _luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.django_db(transaction=True)
def test_the_book_shows_hours_equal_columns_and_readable_names(
    world, desk, live_server, browser, shots
):
    """Office hours shaded outside, every provider's column as wide as the others whatever
    it holds, and the patient's name dark enough to read (WCAG AA, 4.5:1)."""
    from desk_support import visit_today

    from medbill.web.practice.models import Provider

    Provider.objects.create(
        practice=world.a.practice, last_name="Okafor", first_name="Ada", npi="1679576722"
    )
    visit = visit_today(world.a, hour=10)
    visit.reason = "Follow-up of a long-standing and rather wordy complaint to widen a column"
    visit.save()
    base = live_server.url
    page = open_page(browser, base, desk)
    page.goto(f"{base}/schedule/")
    shots(page, "hours-and-columns")
    assert "Office hours 8:00–17:00" in page.inner_text("#office-hours")
    widths = page.eval_on_selector_all(
        "#schedule thead th:not(.slot)", "els => els.map(e => e.offsetWidth)"
    )
    assert len(widths) == 2 and abs(widths[0] - widths[1]) <= 1, widths
    closed = page.eval_on_selector(
        "#schedule tr.closed td", "e => getComputedStyle(e).backgroundColor"
    )
    opened = page.eval_on_selector(
        "#schedule tr.open td:not(.booked)", "e => getComputedStyle(e).backgroundColor"
    )
    assert closed != opened
    name = page.eval_on_selector(".appt .who", "e => getComputedStyle(e).color")
    ground = page.eval_on_selector(".appt", "e => getComputedStyle(e).backgroundColor")
    light, dark = sorted([_luminance(ground), _luminance(name)], reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5, (name, ground)
