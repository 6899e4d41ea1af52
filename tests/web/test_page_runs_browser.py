"""The runs of the desk, the claims pages and the remittances page in a real browser: while
a run is queued its page shows the bar and its start button stays disabled; when the worker
finishes, the page shows the result without a click (Debian's Chromium)."""

from __future__ import annotations

import pytest
from desk_support import visit_today
from test_claims_out import connect, scrubbed
from test_era_pages import era_bytes

from browser_support import browser_marks, open_page, session_of
from medbill.web.billing.era_runs import perform_era_run
from medbill.web.billing.remittance_models import EraImportRun, ScrubRun
from medbill.web.billing.scrub_runs import perform_scrub_run
from medbill.web.claims_out.models import SubmissionRun
from medbill.web.claims_out.submit_runs import perform_submit_run
from medbill.web.frontdesk.eligibility_runs import perform_eligibility_run
from medbill.web.frontdesk.models import EligibilityRun

pytestmark = [*browser_marks, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(world):
    """The manager works the desk and the billing pages alike."""
    return session_of(world.users["manager"])


def test_each_run_is_followed_to_its_result(
    world, manager, live_server, browser, shots, tmp_path
) -> None:
    from playwright.sync_api import expect

    a, user = world.a, world.users["manager"]
    base = live_server.url
    page = open_page(browser, base, manager)
    visit = visit_today(a)
    connect(a, tmp_path)
    era = era_bytes(a)
    runs = [
        (
            "/desk/",
            "Check eligibility of the day's appointments",
            EligibilityRun.objects.create(
                practice=a.practice, created_by=user, total=1, day=visit.date_of_service
            ),
            "/desk/eligibility/runs/{}/",
            lambda run: perform_eligibility_run(run.pk, [visit.pk]),
            "1 no eligibility service set up for the payer",
        ),
        (
            "/claims/",
            "Scrub all 1 draft claim",
            ScrubRun.objects.create(practice=a.practice, created_by=user, total=1),
            "/claims/scrub-runs/{}/",
            lambda run: perform_scrub_run(run.pk, [a.claim.pk]),
            "1 claim ready to send",
        ),
        (
            "/claims-out/",
            "Send as 837P",
            SubmissionRun.objects.create(
                practice=a.practice,
                created_by=user,
                total=1,
                connection="prairie",
                claims=[a.claim.pk],
            ),
            "/claims-out/submit/runs/{}/",
            lambda run: perform_submit_run(run.pk),
            "1 file written for 1 claim",
        ),
        (
            "/remittances/",
            "Import",
            EraImportRun.objects.create(practice=a.practice, created_by=user, name="pay.835"),
            "/remittances/imports/{}/",
            lambda run: perform_era_run(run.pk, era),
            "1 payment in the file",
        ),
    ]
    for number, (start_page, button, run, url, work, result) in enumerate(runs, start=1):
        if start_page == "/claims-out/":
            scrubbed(a.claim)  # the scrub run above made it ready; the queue lists it
        page.goto(base + start_page)
        expect(page.get_by_role("button", name=button)).to_be_disabled()  # one at a time
        expect(page.locator("p.notice")).to_be_visible()
        page.goto(base + url.format(run.pk))
        queued = "Queued" if number == 4 else "Queued: 0 of 1 (0%)"  # an 835 not read yet
        expect(page.locator("[data-progress-text]")).to_have_text(queued)
        shots(page, f"{number}a-queued")
        work(run)  # the worker, while the page polls
        expect(page.locator(".run-summary")).to_contain_text(result, timeout=10_000)
        expect(page.locator("[data-progress-text]")).to_contain_text("Finished")
        shots(page, f"{number}b-finished")
    assert page.errors == []
