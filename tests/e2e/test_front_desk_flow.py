"""The front desk in a real browser (Debian's Chromium): register a patient with a
secondary coverage, check eligibility against the payer simulator over HTTP, complete
the kiosk paperwork with a drawn signature, check in with the copay and its receipt,
and check out into the coding queue. Screenshots go to the test's temporary directory."""

from __future__ import annotations

import importlib.util
import struct
import sys
import zlib
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from browser_support import browser_marks, open_page, session_of
from medbill.connect.payer_sim import PayerSimulator
from medbill.core.eligibility.simulator import PlanTable
from medbill.web.billing.models import Entry
from medbill.web.frontdesk.models import (
    Coverage,
    EligibilityCheck,
    InsuranceCard,
    PaperworkSignature,
    Patient,
    PayerEndpoint,
    Visit,
)
from medbill.web.frontdesk.plan_table import PLANS
from medbill.web.practice.models import Membership

pytestmark = browser_marks


def _card_png() -> bytes:
    width, height = 8, 5
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _load_site_builder():
    # The web tests' practice builder (tests/web/conftest.py), reused rather than copied.
    spec = importlib.util.spec_from_file_location(
        "web_site_builder", Path(__file__).resolve().parents[1] / "web" / "conftest.py"
    )
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while defined
        spec.loader.exec_module(module)
    return module.build_site


@pytest.fixture
def world(db):
    site = _load_site_builder()("CVFP", "Cedar Valley")
    user = User.objects.create_user(
        "front_desk", password="a-long-test-password-9", first_name="Dana"
    )
    Membership.objects.create(user=user, practice=site.practice, role="front_desk")
    return SimpleNamespace(a=site, users={"front_desk": user})


@pytest.fixture
def desk(world):
    """The payer simulator knowing the patient about to be registered, endpoints to it, and
    a signed-in front-desk session (set up before the browser's event loop starts)."""
    table = PlanTable(
        {
            "payers": {"LCI220": {"name": "Lakeland"}, "WIMCD": {"name": "Wisconsin Medicaid"}},
            "plans": PLANS,
            "members": [
                {
                    "payer_id": "LCI220",
                    "member_id": "LCI7730012",
                    "last": "Rivera",
                    "first": "Carmen",
                    "dob": "1985-04-12",
                    "sex": "F",
                    "plan": "commercial",
                    "deductible_met": "1160",
                },
                {
                    "payer_id": "WIMCD",
                    "member_id": "WI55102",
                    "last": "Rivera",
                    "first": "Carmen",
                    "dob": "1985-04-12",
                    "sex": "F",
                    "plan": "medicaid",
                },
            ],
        }
    )
    with PayerSimulator(table) as sim:
        for payer in (world.a.payer, world.a.secondary_payer):
            PayerEndpoint.objects.create(
                practice=world.a.practice,
                payer=payer,
                url=sim.url,
                sender_id="MEDBILL",
                receiver_id="PAYERSIM",
                envelope="mime" if payer.payer_id == "WIMCD" else "soap",
                timeout_seconds=Decimal(5),
            )
        yield session_of(world.users["front_desk"])


def _sign(page) -> None:
    """Draw a signature on the canvas with mouse strokes."""
    canvas = page.locator("#signature-pad")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x0, y0 = box["x"] + 30, box["y"] + box["height"] * 0.6
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 25):
        page.mouse.move(x0 + i * 12, y0 - 30 * ((i % 6) / 6) + (i % 3) * 4, steps=2)
    page.mouse.up()
    page.mouse.move(x0 + 40, y0 + 20)
    page.mouse.down()
    page.mouse.move(x0 + 220, y0 + 16, steps=8)
    page.mouse.up()


@pytest.mark.django_db(transaction=True)
def test_front_desk_flow(world, desk, live_server, browser, shots) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    today = timezone.localdate().isoformat()
    page = open_page(browser, base, desk)

    # 1. Registration.
    page.goto(f"{base}/patients/new/")
    page.fill("#id_last_name", "Rivera")
    page.fill("#id_first_name", "Carmen")
    page.fill("#id_date_of_birth", "1985-04-12")
    page.select_option("#id_sex", "F")
    page.fill("#id_line1", "418 Jenifer St")
    page.fill("#id_city", "Madison")
    page.fill("#id_state", "WI")
    page.fill("#id_zip", "53703")
    page.fill("#id_phone", "608-555-0199")
    shots(page, "01-register")
    page.click("#save-patient")
    expect(page.locator("h1")).to_contain_text("Add coverage")
    page.select_option("#id_payer", str(world.a.payer.pk))
    page.fill("#id_member_id", "LCI7730012")
    page.fill("#id_group_number", "GRP-88")
    page.fill("#id_effective_date", "2026-01-01")
    card = _card_png()
    page.set_input_files(
        "#id_card_front", files=[{"name": "front.png", "mimeType": "image/png", "buffer": card}]
    )
    page.set_input_files(
        "#id_card_back", files=[{"name": "back.png", "mimeType": "image/png", "buffer": card}]
    )
    shots(page, "02-coverage")
    page.click("#save-add-another")
    expect(page.locator("#id_order")).to_have_value("secondary")
    page.select_option("#id_payer", str(world.a.secondary_payer.pk))
    page.fill("#id_member_id", "WI55102")
    page.click("#save-coverage")
    expect(page.locator("h1")).to_contain_text("Carmen Rivera")
    shots(page, "02-patient")

    # 2. A visit today, then eligibility from the check-in page.
    page.click("#book-visit")
    page.fill("input[name=on]", today)
    page.fill("input[name=at]", "23:30")
    page.fill("input[name=reason]", "Headaches")
    page.check("#book-anyway")  # 23:30 is after office hours, on purpose: still ahead today
    page.click("#save-visit")
    expect(page.locator("#tile-eligibility")).to_contain_text("Not checked")
    page.click("#run-eligibility")
    summary = page.locator("#eligibility-summary")
    expect(summary).to_contain_text("Active · copay $25")
    expect(summary).to_contain_text("deductible $340.00 of $1,500.00 remaining")
    expect(page.locator("#copay-due")).to_contain_text("$25.00 due")
    shots(page, "03-eligibility")

    # 3. Kiosk paperwork on a tablet, with a drawn signature.
    page.click("#kiosk-code-button")
    code = page.locator("#kiosk-code strong").inner_text().strip()
    assert len(code) == 8
    tablet = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    kiosk = tablet.new_page()
    kiosk.goto(f"{base}/kiosk/")
    kiosk.fill("input[name=code]", code)
    kiosk.click("button[type=submit]")
    expect(kiosk.locator("h1")).to_contain_text("Hello Carmen")
    _sign(kiosk)
    shots(kiosk, "04-kiosk-signed")
    kiosk.click("#kiosk-submit")
    expect(kiosk.locator("#kiosk-done")).to_contain_text("Thank you, Carmen")
    shots(kiosk, "05-kiosk-done")
    tablet.close()

    # 4. Check-in and the copay, with its receipt.
    page.reload()
    expect(page.locator("#paperwork-status")).to_have_text("Complete")
    page.click("#check-in")
    expect(page.locator("h1 .status")).to_have_text("Checked in")
    expect(page.locator("#pay-amount")).to_have_value("25.00")
    page.check("input[name=method][value=card]")
    page.fill("input[name=reference]", "Visa 4242 auth 55120")
    page.click("#take-payment-button")
    expect(page.locator("#copay-due")).to_have_text("Paid")
    receipt = page.locator("#desk-payments a.receipt-link").first
    pdf = page.request.get(base + receipt.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    (shots.folder / "06-receipt.pdf").write_bytes(pdf.body())
    shots(page, "06-checked-in")

    # 5. Check-out into the coding queue.
    page.click("#check-out")
    page.fill("textarea[name=desk_note]", "Patient asks for an itemized statement")
    page.click("#finish-check-out")
    expect(page.locator("h1")).to_contain_text("Front desk")
    shots(page, "07-desk-queue")
    page.goto(f"{base}/visits/?status=checked_out")
    expect(page.locator("body")).to_contain_text("Rivera")
    shots(page, "08-coding-queue")

    patient = Patient.objects.get(last_name="Rivera")
    assert [c.order for c in Coverage.objects.filter(patient=patient).order_by("order")] == [
        "primary",
        "secondary",
    ]
    assert InsuranceCard.objects.filter(coverage__patient=patient).count() == 2
    assert EligibilityCheck.objects.get(patient=patient).status == "active"
    signatures = PaperworkSignature.objects.filter(patient=patient, method="drawn")
    assert signatures.exists()
    assert all(bytes(s.signature_png).startswith(b"\x89PNG") for s in signatures)
    visit = Visit.objects.get(patient=patient)
    assert visit.status == Visit.Status.CHECKED_OUT and "itemized" in visit.desk_note
    paid = Entry.objects.get(patient=patient, source="desk")
    assert paid.amount == Decimal("-25.00") and paid.method == "card"
