"""The coder's workspace in a real browser (Debian's Chromium): open a visit from the queue,
accept a suggestion with the keyboard, add a service with the code-search type-ahead, watch a
claim edit appear and go away as a pointer is cleared and put back, and finish the visit into
billing. Screenshots go to the test's temporary directory."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from browser_support import browser_marks, open_page, session_of
from medbill.core.codesets.build import ensure_icd10cm
from medbill.web.coding.models import CodeChoice, CodingPolicy
from medbill.web.frontdesk.models import ClinicalNote, Visit
from medbill.web.practice.models import Membership

NOTE = (
    "Subjective: follow-up of diabetes; sore throat since Monday.\n"
    "Assessment: Type 2 diabetes mellitus without complications. Streptococcal pharyngitis.\n"
    "Plan: rapid strep test done in the office; metformin continued."
)

pytestmark = browser_marks


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
def coding(db):
    """A practice with a visit waiting for coding, a coder's session, and the engine and
    code sets loaded before the browser's event loop starts (the ORM refuses to run in it)."""
    from medbill.core.suggest import SuggestEngine

    ensure_icd10cm()
    SuggestEngine.shared()
    site = _load_site_builder()("CVFP", "Cedar Valley")
    CodingPolicy.objects.create(practice=site.practice, review_percent=0, new_coder_visits=0)
    site.visit.status = Visit.Status.BILLED  # the builder's visit already has its claim
    site.visit.save()
    visit = Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        scheduled_at=timezone.make_aware(datetime.datetime(2026, 3, 4, 9, 0)),
        status=Visit.Status.CHECKED_OUT,
        reason="Sore throat",
    )
    ClinicalNote.objects.create(practice=site.practice, visit=visit, text=NOTE)
    coder = User.objects.create_user("coder", password="a-long-test-password-9", first_name="Cy")
    Membership.objects.create(user=coder, practice=site.practice, role="coder")
    return SimpleNamespace(site=site, visit=visit, coder=coder, session=session_of(coder))


@pytest.mark.django_db(transaction=True)
def test_code_a_visit_in_the_browser(coding, live_server, browser, shots) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    page = open_page(browser, base, coding.session, width=1440, height=1000)
    page.goto(f"{base}/coding/queue/")
    expect(page.locator("table.coding-queue tbody tr")).to_have_count(1)
    shots(page, "01-queue")
    page.get_by_role("link", name="Code", exact=True).click()

    # The engine's suggestions, with their evidence highlighted in the note.
    diabetes = page.locator("li.suggestion", has=page.locator("code", has_text="E11.9"))
    expect(diabetes).to_have_count(1, timeout=30_000)
    expect(page.locator("#note mark.ev").first).to_be_visible()
    expect(page.locator("#findings li").first).to_be_visible()
    shots(page, "02-suggestions")

    # Accept E11.9 from the keyboard.
    diabetes.locator(".s-desc").click()
    page.keyboard.press("a")
    expect(diabetes).to_have_class("suggestion accepted")
    expect(page.locator("#dx-list li.dx code").first).to_have_text("E11.9")

    # Add the rapid strep test with the type-ahead.
    page.select_option("#add-kind", "svc")
    page.locator("#add-code").press_sequentially("rapid strep", delay=20)
    expect(page.locator("#add-results li[data-code='87880']")).to_be_visible(timeout=10_000)
    page.keyboard.press("Enter")
    row = page.locator("#line-table tbody tr", has=page.locator("code", has_text="87880"))
    expect(row).to_have_count(1)
    expect(page.locator("#findings li.clean")).to_be_visible(timeout=10_000)
    shots(page, "03-codes")

    # Accept the pharyngitis with its button and make it the primary diagnosis: the
    # strep test's pointer follows the diabetes code to position 2.
    strep = page.locator("li.suggestion", has=page.locator("code", has_text="J02.0"))
    strep.get_by_role("button", name="Accept (a)").click()
    page.get_by_role("button", name="Move up J02.0").click()
    expect(page.locator("#dx-list li.dx code")).to_have_text(["J02.0", "E11.9"])
    expect(row.locator("input.line-pointers")).to_have_value("2")

    # Turn down the next suggestion still open, from the keyboard.
    pending = page.locator("li.suggestion.pending").first
    turned_down = pending.locator(".s-head code").inner_text().split("-")[0]
    pending.locator(".s-desc").click()
    page.keyboard.press("r")
    rejected = page.locator("li.suggestion.rejected", has_text=turned_down)
    expect(rejected).to_have_count(1)

    # A line that points at no diagnosis is an error on the claim; pointing fixes it.
    pointers = row.locator("input.line-pointers")
    pointers.fill("")
    expect(page.locator("#findings li.finding.error").first).to_be_visible(timeout=10_000)
    shots(page, "04-finding")
    pointers.fill("1")
    expect(page.locator("#findings li.clean")).to_be_visible(timeout=10_000)
    expect(page.locator("#findings li.finding")).to_have_count(0)

    # Save and finish with the keyboard: the visit goes to billing.
    page.locator("h1").click()
    page.keyboard.press("f")
    expect(page.locator(".msg.success")).to_contain_text("ready for billing")
    shots(page, "05-finished")

    coding.visit.refresh_from_db()
    assert coding.visit.status == Visit.Status.CODED
    assert [d.code for d in coding.visit.diagnoses.all()] == ["J020", "E119"]
    assert [(s.code, s.dx_pointers) for s in coding.visit.service_lines.all()] == [("87880", [1])]
    origins = dict(CodeChoice.objects.filter(visit=coding.visit).values_list("code", "origin"))
    assert origins["E119"] == "suggested" and origins["J020"] == "suggested"
    assert origins[turned_down.replace(".", "")] == "rejected"
    assert origins["87880"] in ("suggested", "manual")
    assert set(CodeChoice.objects.values_list("decided_by", flat=True)) == {coding.coder.pk}
