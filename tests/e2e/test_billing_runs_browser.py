"""A biller builds claims and runs statements in a real browser (Debian's Chromium), and
watches a run's progress bar finish. Screenshots go to the test's temporary directory.

Celery runs in-process here, so the build and the statement run started from the pages
are finished when the next page loads; the progress bar itself is followed on a run that
the test completes while the page polls."""

from __future__ import annotations

import datetime
import importlib.util
import io
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from browser_support import browser_marks, open_page, session_of
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import write_835
from medbill.web.billing import era
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import Statement
from medbill.web.claims_out.build_runs import perform_build_run
from medbill.web.claims_out.models import ClaimBuildRun
from medbill.web.coding.models import Diagnosis, ServiceLine
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.models import Membership

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


def _coded_visit(site, day: int, with_lines: bool = True) -> Visit:
    visit = Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        status=Visit.Status.CODED,
        scheduled_at=timezone.make_aware(datetime.datetime(2026, 3, day, 9, 0)),
    )
    Diagnosis.objects.create(practice=site.practice, visit=visit, code="J020", position=1)
    if with_lines:
        ServiceLine.objects.create(
            practice=site.practice,
            visit=visit,
            position=1,
            code="99213",
            charge=Decimal("130.00"),
            dx_pointers=[1],
        )
    return visit


@pytest.fixture
def office(db, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDBILL_DATA_DIR", str(tmp_path))
    site = _load_site_builder()("CVFP", "Cedar Valley")
    biller = User.objects.create_user("biller", password="a-long-test-password-9", first_name="Bea")
    Membership.objects.create(user=biller, practice=site.practice, role="biller")
    # The patient owes their share of the practice's claim: a statement is due.
    site.secondary.delete()
    era.import_era(
        biller,
        site.practice,
        write_835(simulate([claim_document(site.claim)], seed=3).remittances),
        "s.835",
    )
    ready = [_coded_visit(site, 10), _coded_visit(site, 11)]
    held = _coded_visit(site, 12, with_lines=False)
    return SimpleNamespace(
        site=site, biller=biller, ready=ready, held=held, session=session_of(biller)
    )


@pytest.mark.django_db(transaction=True)
def test_biller_builds_claims_and_runs_statements(office, live_server, browser, shots) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    site = office.site
    page = open_page(browser, base, office.session)
    errors = page.errors

    # Build claims: the preview, then the build and its result.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Build claims").first.click()
    expect(page.locator("h1")).to_have_text("Build claims")
    expect(page.locator(".build-ready tbody tr")).to_have_count(2)
    expect(page.locator(".build-held")).to_contain_text("the visit has no service lines")
    shots(page, "1-build-preview")
    page.get_by_role("button", name="Build 2 claims").click()
    expect(page.locator("[data-progress-text]")).to_have_text("Finished: 2 of 2 (100%)")
    expect(page.locator(".built-claims tbody tr")).to_have_count(2)
    shots(page, "2-build-finished")
    assert Claim.objects.filter(visit__in=office.ready).count() == 2

    # A build that is still running: the bar moves and the page ends finished.
    more = _coded_visit(site, 13)
    run = ClaimBuildRun.objects.create(practice=site.practice, created_by=office.biller, total=1)
    page.goto(f"{base}/claims-out/build/")
    expect(page.get_by_role("button", name="Build 1 claim")).to_be_disabled()
    page.goto(f"{base}/claims-out/build/runs/{run.pk}/")
    expect(page.locator("[data-progress-text]")).to_have_text("Queued: 0 of 1 (0%)")
    shots(page, "3-build-running")
    perform_build_run(run.pk, [more.pk])  # the worker, while the page polls
    expect(page.locator(".run-summary")).to_contain_text("1 claim built", timeout=10_000)
    expect(page.locator("progress")).to_have_attribute("value", "1")
    shots(page, "4-build-finished-while-watching")

    # Statements: choose, preview, run, download.
    page.get_by_role("link", name="Statements").first.click()
    page.fill("input[name=threshold]", "5.00")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".statement-preview tbody tr")).to_have_count(1)
    expect(page.locator(".statement-preview")).to_contain_text(site.patient.account_number)
    shots(page, "5-statements-preview")
    page.get_by_role("button", name="Run statements").click()
    expect(page.locator("[data-progress-text]")).to_have_text("Finished: 1 of 1 (100%)")
    shots(page, "6-statements-finished")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDFs (zip)").click()
    names = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())).namelist()
    assert names == [f"statement-{site.patient.account_number}.pdf"]
    row = Statement.objects.get()
    page.goto(f"{base}/statements/")
    expect(page.locator(".statement-history tbody tr")).to_have_count(1)
    page.goto(f"{base}/accounts/{site.patient.pk}/")
    expect(page.locator(".account-statements")).to_contain_text(row.statement_date.isoformat())
    shots(page, "7-account")
    assert errors == []
