"""A biller's day in a real browser (Debian's Chromium) on the demo office: build the
coded visits into claims, scrub them all, send them, import the payer's 835, settle a
denial and run statements — each long step a run whose page shows its progress and ends
with the result. The server is real (``live_server``); Celery runs in-process, so a run
started by a click is finished when its page loads.

Screenshots of the key steps go to the test's temporary directory (or
``$MEDBILL_SCREENSHOTS``)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from browser_support import browser_marks, open_page
from medbill.core.paths import data_dir
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import Adjustment, write_835
from medbill.web.billing.documents import claim_documents
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import DenialItem, EraImportRun, Statement
from medbill.web.claims_out.models import ClaimBuildRun, ClearinghouseConnection, SubmissionRun
from medbill.web.demo.generate import DEFAULT_SEED, DEFAULT_START
from medbill.web.demo.seed import demo_users
from medbill.web.demo.stages import STAGES, StageContext, run_stages
from medbill.web.practice.models import Payer, Practice

pytestmark = [*browser_marks, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office(live_server, tmp_path, monkeypatch):
    """The demo's seeded office, its code sets at hand, and one clearinghouse folder."""
    here = tmp_path / "data"
    here.mkdir()
    for entry in data_dir().iterdir():  # the built reference data, read only
        (here / entry.name).symlink_to(entry)
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(here))  # statements and files go here
    ctx = StageContext(out=tmp_path / "demo-out", seed=DEFAULT_SEED, start=DEFAULT_START)
    run_stages(ctx, [s for s in STAGES if s[0] == "seed"])
    practice = Practice.objects.order_by("id").first()
    # One clearinghouse for every payer of the day, so one send takes every claim.
    Payer.objects.update(clearinghouse_route="")
    ClearinghouseConnection.objects.create(
        practice=practice,
        name="prairie",
        settings={
            "sender_id": "DEMO01",
            "receiver_id": "PRAIRIE",
            "submitter_name": practice.name,
            "contact_name": "Billing Office",
            "contact_phone": "6085550142",
            "receiver_name": "Prairie Clearinghouse",
            "usage": "T",
            "transport": "folder",
            "folder": str(tmp_path / "outbox"),
        },
    )
    biller = next(u for u in demo_users() if u["role"] == "biller")
    return SimpleNamespace(practice=practice, biller=biller, outbox=tmp_path / "outbox")


def remittance_for(claims: list[Claim]) -> bytes:
    """The payer's 835 for ``claims``: the simulated adjudication, with the first claim
    denied for missing authorization (CARC 197) so there is a denial to work."""
    (first, *rest) = simulate(claim_documents(claims), seed=7).remittances
    claim = first.claims[0]
    services = tuple(
        replace(s, paid=s.paid * 0, amounts=(), adjustments=(Adjustment("CO", "197", s.charge),))
        for s in claim.services
    )
    denied = replace(
        claim, status="4", paid=claim.paid * 0, patient_responsibility=None, services=services
    )
    first = replace(
        first, claims=(denied, *first.claims[1:]), total_paid=first.total_paid - claim.paid
    )
    return write_835([first, *rest])


def test_a_biller_works_the_day(office, live_server, browser, shots) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    practice = office.practice
    page = open_page(browser, base)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", office.biller["username"])
    page.fill("input[name=password]", office.biller["password"])
    page.click("button[type=submit]")
    page.select_option("#practice-switch", str(practice.pk))
    expect(page.locator("#practice-switch")).to_have_value(str(practice.pk))

    # 1. Build the coded visits into claims.
    page.goto(f"{base}/claims-out/build/")
    build = page.get_by_role("button", name="Build ")
    expect(build).to_be_enabled()
    ready = int(build.inner_text().split()[1])
    assert ready > 0
    shots(page, "1-build-preview")
    build.click()
    expect(page.locator("[data-progress-text]")).to_have_text(
        f"Finished: {ready} of {ready} (100%)"
    )
    expect(page.locator(".run-summary")).to_contain_text(f"{ready} claim")
    shots(page, "2-build-finished")
    run = ClaimBuildRun.objects.get()
    assert len(run.built) == ready

    # 2. Scrub all the drafts: the result says which are ready and what the others lack.
    page.get_by_role("link", name="Scrub the drafts").click()
    scrub = page.locator("form.scrub-all button")
    expect(scrub).to_have_text(f"Scrub all {ready} draft claims")
    scrub.click()
    expect(page.locator("[data-progress-text]")).to_have_text(
        f"Finished: {ready} of {ready} (100%)"
    )
    summary = page.locator(".run-summary").inner_text()
    shots(page, "3-scrub-finished")
    clean = Claim.objects.filter(practice=practice, status="scrubbed").count()
    assert summary.startswith(f"{clean} claim") and clean > 0

    # 3. Send every scrubbed claim to the clearinghouse.
    page.get_by_role("link", name="Send them from the claim queue").click()
    page.select_option("select[name=connection]", "prairie")
    page.get_by_role("button", name="Send as 837P").click()
    expect(page.locator("[data-progress-text]")).to_have_text(
        f"Finished: {clean} of {clean} (100%)"
    )
    expect(page.locator(".submit-files tbody tr").first).to_contain_text("Sent")
    shots(page, "4-sent")
    sent = SubmissionRun.objects.get()
    assert sent.status == "done" and len(list(office.outbox.iterdir())) == len(sent.submissions)
    submitted = list(Claim.objects.filter(practice=practice, status="submitted").order_by("id"))
    assert len(submitted) == clean

    # 4. The payer's 835 comes back: import it.
    era = remittance_for(submitted)
    page.get_by_role("link", name="Remittances").first.click()
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "payer.835", "mimeType": "application/octet-stream", "buffer": era}],
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator("[data-progress-text]")).to_contain_text("Finished")
    expect(page.locator(".era-denied").first).to_contain_text("authorization")
    shots(page, "5-era-imported")
    imported = EraImportRun.objects.get()
    assert imported.status == "done" and imported.done == imported.total == len(submitted)

    # 5. Work the denial: the payer will not pay it, so the practice writes it off.
    page.get_by_role("link", name="Work the denials").click()
    page.get_by_role("link", name="Work this denial").first.click()
    denial = DenialItem.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert denial.status == "open"
    page.fill("#settle-denial form:has(#write-off) input[name=reason]", "no authorization on file")
    page.click("#write-off")
    expect(page.locator("main")).to_contain_text(
        f"written off on claim {denial.claim.patient_control_number}"
    )
    shots(page, "6-denial-written-off")
    denial.refresh_from_db()
    assert denial.status == "written_off"

    # 6. Statements for what patients owe now.
    page.get_by_role("link", name="Statements").first.click()
    page.get_by_role("button", name="Preview").click()
    to_send = page.locator(".statement-preview tbody tr")
    expect(to_send.first).to_be_visible()
    shots(page, "7-statements-preview")
    page.get_by_role("button", name="Run statements").click()
    expect(page.locator("[data-progress-text]")).to_contain_text("Finished")
    expect(page.locator(".run-summary")).to_be_visible()
    shots(page, "8-statements-finished")
    assert Statement.objects.filter(practice=practice).exists()
    assert page.errors == []
