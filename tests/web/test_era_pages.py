"""Money-in pages: import an 835, review it, work the denial queue, accounts and reports."""

from __future__ import annotations

from dataclasses import replace

from django.core.files.uploadedfile import SimpleUploadedFile

from medbill.core.payersim import simulate
from medbill.core.x12.m835 import Adjustment, read_835, write_835
from medbill.web.billing import era
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Entry
from medbill.web.billing.remittance_models import DenialItem, Remittance
from remittances import reversal_of


def era_bytes(site, seed=5):
    return write_835(simulate([claim_document(site.claim)], seed=seed).remittances)


def denied_bytes(site):
    (rem,) = read_835(era_bytes(site))
    claim = rem.claims[0]
    svc = replace(
        claim.services[0],
        paid=claim.paid * 0,
        amounts=(),
        adjustments=(Adjustment("CO", "197", claim.services[0].charge),),
    )
    claim = replace(
        claim, status="4", paid=claim.paid * 0, patient_responsibility=None, services=(svc,)
    )
    return write_835(
        [replace(rem, claims=(claim,), total_paid=rem.total_paid * 0, method="NON", handling="H")]
    )


def test_biller_imports_and_reviews_an_era(world, client_for, django_capture_on_commit_callbacks):
    site, client = world.a, client_for(world.users["biller"])
    upload = SimpleUploadedFile("pay.835", era_bytes(site))
    with django_capture_on_commit_callbacks(execute=True):  # the run's task, once committed
        started = client.post("/remittances/import/", {"file": upload, "post": "1"})
    response = client.get(started.url)
    assert response.status_code == 200 and b"1</strong> claim posted" in response.content
    rem = Remittance.objects.get()
    page = client.get(f"/remittances/{rem.pk}/")
    assert page.status_code == 200
    assert site.claim.patient_control_number.encode() in page.content
    assert b"payment" in page.content
    listing = client.get("/remittances/")
    assert rem.trace_number.encode() in listing.content


def test_front_desk_may_not_import_and_other_practices_see_nothing(world, client_for):
    site = world.a
    upload = SimpleUploadedFile("pay.835", era_bytes(site))
    response = client_for(world.users["front_desk"]).post(
        "/remittances/import/", {"file": upload, "post": "1"}
    )
    assert response.status_code == 403
    era.import_era(world.users["biller"], site.practice, era_bytes(site), "p.835")
    rem = Remittance.objects.get()
    assert client_for(world.outsider).get(f"/remittances/{rem.pk}/").status_code == 404


def test_denial_queue_and_write_off(world, client_for):
    site, client = world.a, client_for(world.users["biller"])
    era.import_era(world.users["biller"], site.practice, denied_bytes(site), "d.835")
    page = client.get("/denials/")
    assert page.status_code == 200 and b"authorization" in page.content
    item = DenialItem.objects.get()
    response = client.post(
        f"/denials/{item.pk}/work/", {"status": "written_off", "reason": "no authorization"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "written_off"
    off = Entry.objects.get(source_ref=f"denial {item.pk}")
    assert off.amount == -item.amount and off.kind == "adjustment"
    bad = client.post(f"/denials/{item.pk}/work/", {"status": "open"})
    assert bad.status_code == 302


def test_accounts_and_reports(world, client_for):
    site, client = world.a, client_for(world.users["manager"])
    era.import_era(world.users["biller"], site.practice, era_bytes(site), "p.835")
    accounts = client.get("/accounts/")
    assert accounts.status_code == 200 and site.patient.account_number.encode() in accounts.content
    account = client.get(f"/accounts/{site.patient.pk}/")
    assert account.status_code == 200 and b"Ledger" in account.content
    reports = client.get("/reports/?as_of=2026-04-20")
    assert reports.status_code == 200 and b"A/R aging by payer" in reports.content
    assert b'class="chart"' in reports.content
    csv = client.get("/reports/?csv=ar-payer&as_of=2026-04-20")
    assert csv["Content-Type"] == "text/csv" and csv.content.startswith(b"payer,0-30")
    assert client_for(world.users["front_desk"]).get("/reports/").status_code == 403


def test_detail_totals_match_the_ledger_for_a_reversal_set(world, client_for):
    from medbill.web.practice.fields import MoneySum

    site, biller = world.a, world.users["biller"]
    site.secondary.delete()
    first = era_bytes(site, seed=7)
    era.import_era(biller, site.practice, first, "first.835")
    (rem,) = read_835(first)
    original = rem.claims[0]
    again = replace(
        original, payer_claim_number=original.payer_claim_number + "X", paid=original.paid
    )
    second = write_835(
        [
            replace(
                rem,
                trace_number="TRACE-2",
                claims=(reversal_of(original), again),
                total_paid=original.paid * 0,
                method="NON",
                handling="H",
            )
        ],
        control_number=2,
    )
    result = era.import_era(biller, site.practice, second, "second.835")
    assert result.sets[0].status == "posted", result.sets[0].reasons
    row = Remittance.objects.get(trace_number="TRACE-2")
    page = client_for(biller).get(f"/remittances/{row.pk}/")
    shown = {(e["kind"], e["responsibility"]): e["total"] for e in page.context["entries"]}
    ledger = (
        Entry.objects.filter(source="era", source_ref__startswith=f"835 {row.file.sha256[:16]}")
        .values("kind", "responsibility")
        .annotate(total=MoneySum("amount"))
    )
    assert shown == {(e["kind"], e["responsibility"]): e["total"] for e in ledger}
    payments = Entry.objects.filter(
        source="era", kind="payment", source_ref__startswith=f"835 {row.file.sha256[:16]}"
    )
    assert payments.count() == 2  # the reversal and the corrected payment, once each
