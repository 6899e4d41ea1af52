"""A practice manager in a real browser (Debian's Chromium): corrects a price in the fee
schedule (an error beside the field first), imports a CSV after its preview, then reads
the financial dashboard and downloads a chart's table. Screenshots go to the
test's temporary directory (or ``$MEDBILL_SCREENSHOTS``)."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from browser_support import browser_marks
from medbill.web.billing.models import Entry
from medbill.web.practice.models import AuditEvent, FeeScheduleEntry, Membership

PASSWORD = "a-long-test-password-9"

pytestmark = browser_marks


def _load_site_builder():
    spec = importlib.util.spec_from_file_location(
        "web_site_builder", Path(__file__).resolve().parents[1] / "web" / "conftest.py"
    )
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module.build_site


@pytest.fixture
def world(transactional_db):
    site = _load_site_builder()("CVFP", "Cedar Valley")
    manager = User.objects.create_user("manager", password=PASSWORD, first_name="Maria")
    Membership.objects.create(user=manager, practice=site.practice, role="manager")
    # Four months of postings so the charts have something to draw.
    today = timezone.localdate().replace(day=1)
    for back, charged, paid in (
        (3, "900.00", "0"),
        (2, "1200.00", "-640.00"),
        (1, "800.00", "-910.00"),
        (0, "400.00", "-300.00"),
    ):
        month = (today - datetime.timedelta(days=28 * back)).replace(day=5)
        for kind, amount, group in (
            ("charge", charged, ""),
            ("payment", paid, ""),
            ("adjustment", str(-Decimal(charged) / 5), "CO"),
        ):
            if Decimal(amount):
                Entry.objects.create(
                    practice=site.practice,
                    patient=site.patient,
                    kind=kind,
                    amount=Decimal(amount),
                    responsibility="payer",
                    claim=site.claim,
                    payer=site.payer,
                    effective_date=month,
                    group_code=group,
                )
    return SimpleNamespace(a=site, manager=manager)


def test_a_manager_edits_the_fee_schedule_and_reads_the_dashboard(
    world, live_server, browser, shots, tmp_path
):
    from playwright.sync_api import expect

    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    # Script errors and failed requests of our pages (the browser's own favicon probe aside).
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("nav.mainnav >> text=Practice setup")
    expect(page.locator("h1")).to_contain_text("Practice setup")
    shots(page, "setup")

    page.click("#setup-sections >> text=Fee schedules")
    page.click("#master-list >> text=Prices")
    row = page.locator("#fee-entries tr", has_text="99213")
    expect(row).to_contain_text("$130.00")
    row.locator("text=Edit").click()
    page.fill("#id_price", "-135")
    page.click("button:has-text('Save')")
    expect(page.locator("#id_price-error")).to_have_text("A price cannot be negative.")
    shots(page, "price-error")
    page.fill("#id_price", "135.50")
    page.click("button:has-text('Save')")
    expect(page.locator(".msg.success")).to_contain_text("99213 saved at $135.50")
    expect(page.locator("#fee-entries tr", has_text="99213")).to_contain_text("$135.50")

    csv_file = tmp_path / "fees.csv"
    csv_file.write_text(
        "code,description,price,effective_from\n"
        "87880,Rapid strep test,34.00,2020-01-01\n"
        "99214,Office visit established moderate,185.00,2020-01-01\n"
    )
    page.click("text=Import CSV")
    page.set_input_files("#id_file", str(csv_file))
    page.click("button:has-text('Preview')")
    preview = page.locator("#fee-preview")
    expect(preview).to_contain_text("1 new, 1 changed, 0 unchanged")
    shots(page, "import-preview")
    assert not FeeScheduleEntry.objects.filter(code="99214").exists()
    page.click("button:has-text('Import 2 rows')")
    expect(page.locator(".msg.success")).to_contain_text("1 new, 1 changed")
    expect(page.locator("#fee-entries tr", has_text="99214")).to_contain_text("$185.00")
    shots(page, "fee-schedule")
    changed = AuditEvent.objects.filter(object_type="practice.FeeScheduleEntry", username="manager")
    assert changed.filter(action="update").count() == 2 and changed.filter(action="create")

    page.click("nav.mainnav >> text=Financials")
    expect(page.locator("h1")).to_contain_text("Financials")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(10)  # the denial rate by payer: by lines and by dollars
    expect(charts.first).to_be_visible()
    assert charts.first.bounding_box()["width"] > 400
    expect(page.locator("#collections table")).to_contain_text("$1,200.00")
    shots(page, "financials")
    with page.expect_download() as download:
        page.click("#collections h2 >> text=CSV")
    saved = tmp_path / "collections.csv"
    download.value.save_as(saved)
    assert saved.read_text().startswith("month,charges,payments")
    assert "1200.00" in saved.read_text()
    assert not errors, errors
