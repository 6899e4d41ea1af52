"""Working a denial from the queue: a corrected claim or an appeal letter, as the CARC allows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from medbill.core.forms.readback import plain_text
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import Adjustment, read_835, write_835
from medbill.web.billing import era
from medbill.web.billing.denials import appeal_letter, correct_from_denial, write_off_denial
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim
from medbill.web.billing.remittance_models import DenialItem
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import AuditEvent

pytestmark = pytest.mark.django_db


def deny(world, carc, remarks=()):
    """Import an 835 that denies the world's claim with ``carc``; returns the denial."""
    site = world.a
    Claim.objects.filter(pk=site.claim.pk).update(status="submitted")  # the payer has it
    (rem,) = read_835(write_835(simulate([claim_document(site.claim)], seed=5).remittances))
    claim = rem.claims[0]
    svc = replace(
        claim.services[0],
        paid=claim.paid * 0,
        amounts=(),
        remarks=tuple(("HE", r) for r in remarks),
        adjustments=(Adjustment("CO", carc, claim.services[0].charge),),
    )
    claim = replace(
        claim, status="4", paid=claim.paid * 0, patient_responsibility=None, services=(svc,)
    )
    data = write_835(
        [replace(rem, claims=(claim,), total_paid=rem.total_paid * 0, method="NON", handling="H")]
    )
    era.import_era(world.users["biller"], site.practice, data, f"deny-{carc}.835")
    return DenialItem.objects.get(claim=site.claim)


def test_corrected_claim_from_a_denial(world, client_for):
    item = deny(world, "4")
    original = Claim.objects.get(pk=item.claim_id)
    assert original.payer_claim_number
    client = client_for(world.users["biller"])
    page = client.get(f"/denials/{item.pk}/")
    assert page.status_code == 200 and b"Start corrected claim" in page.content
    response = client.post(f"/denials/{item.pk}/correct/", {"reason": "modifier 25 added"})
    new = Claim.objects.get(replaces=original)
    assert response.status_code == 302 and response["Location"] == f"/claims/{new.pk}/"
    assert (new.frequency_code, new.status) == ("7", "draft")
    assert new.original_claim_ref == original.payer_claim_number
    assert new.lines.count() == original.lines.count()
    item.refresh_from_db()
    assert item.status == "corrected"
    event = AuditEvent.objects.get(object_type="billing.DenialItem", source="denial correction")
    assert event.changes == {
        "corrected_claim": {"before": None, "after": new.patient_control_number}
    }
    assert event.user == world.users["biller"]
    again = client.post(f"/denials/{item.pk}/correct/", follow=True)
    assert b"this denial is corrected claim sent" in again.content
    assert Claim.objects.filter(replaces=original).count() == 1


def test_appeal_letter_names_the_claim_the_reasons_and_the_grounds(world, client_for):
    item = deny(world, "50", remarks=("N115",))
    claim = Claim.objects.get(pk=item.claim_id)
    client = client_for(world.users["biller"])
    response = client.post(
        f"/denials/{item.pk}/appeal/",
        {
            "grounds": "The patient's fever and exam findings called for the test that day.",
            "documents": "Office note of the visit\nLab result\n",
        },
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(plain_text(response.content).split())
    assert world.a.practice.legal_name in text or world.a.practice.name in text
    assert claim.payer.name in text
    assert claim.patient.last_name in text and claim.patient_control_number in text
    assert claim.payer_claim_number in text
    assert claim.visit.date_of_service.strftime("%m/%d/%Y") in text
    assert "50 not deemed a medical necessity by the payer" in text
    assert "N115 this decision was based on a local coverage determination" in text
    assert "fever and exam findings" in text
    assert "Supporting documents enclosed" in text and "Lab result" in text
    item.refresh_from_db()
    assert item.status == "appealed"
    event = AuditEvent.objects.get(object_type="billing.DenialItem", source="appeal letter")
    assert event.user == world.users["biller"]
    assert event.changes["appeal_letter"]["after"]["documents"] == [
        "Office note of the visit",
        "Lab result",
    ]
    # after an appeal the claim may still be corrected
    assert correct_from_denial(world.users["biller"], item).frequency_code == "7"


def test_appeal_letter_has_our_words_for_the_carc_when_none_are_given(world):
    item = deny(world, "197")
    pdf = appeal_letter(world.users["biller"], item)
    text = " ".join(plain_text(pdf).split())
    assert "Authorization was obtained or was not required" in text
    assert "Clinical notes of the date of service" in text


def test_remedies_follow_the_carc(world, client_for):
    duplicate = deny(world, "18")
    client = client_for(world.users["biller"])
    page = client.get(f"/denials/{duplicate.pk}/")
    assert b"Start corrected claim" not in page.content
    assert b"Print appeal letter" not in page.content
    assert b"Nothing is owed" in page.content
    with pytest.raises(ServiceError, match="does not fit CARC 18"):
        correct_from_denial(world.users["biller"], duplicate)
    with pytest.raises(ServiceError, match="does not fit CARC 18"):
        appeal_letter(world.users["biller"], duplicate)
    response = client.post(f"/denials/{duplicate.pk}/appeal/", follow=True)
    assert b"does not fit CARC 18" in response.content
    duplicate.refresh_from_db()
    assert duplicate.status == "open"
    assert not AuditEvent.objects.filter(
        object_type="billing.DenialItem", source__in=["appeal letter", "denial correction"]
    ).exists()


def test_a_non_covered_service_is_appealed_or_written_off_not_corrected(world, client_for):
    item = deny(world, "96")
    page = client_for(world.users["biller"]).get(f"/denials/{item.pk}/")
    assert b"Print appeal letter" in page.content and b"Start corrected claim" not in page.content
    with pytest.raises(ServiceError, match="a corrected claim does not fit CARC 96"):
        correct_from_denial(world.users["biller"], item)


def test_a_written_off_denial_is_finished(world, client_for):
    item = deny(world, "4")
    client = client_for(world.users["biller"])
    client.post(f"/denials/{item.pk}/work/", {"status": "written_off", "reason": "too old"})
    item.refresh_from_db()
    with pytest.raises(ServiceError, match="written off"):
        correct_from_denial(world.users["biller"], item)


def test_who_may_work_denials(world, client_for):
    item = deny(world, "4")
    front = client_for(world.users["front_desk"])
    assert front.post(f"/denials/{item.pk}/correct/").status_code == 403
    assert front.post(f"/denials/{item.pk}/appeal/").status_code == 403
    outsider = client_for(world.outsider)
    assert outsider.get(f"/denials/{item.pk}/").status_code == 404
    assert outsider.post(f"/denials/{item.pk}/appeal/").status_code == 404
    coder = client_for(world.users["coder"])
    assert coder.get(f"/denials/{item.pk}/").status_code == 200
    assert b"Start corrected claim" not in coder.get(f"/denials/{item.pk}/").content
    item.refresh_from_db()
    assert item.status == "open"


def test_the_queue_records_nothing_until_the_biller_says_what_was_done(world, client_for):
    item = deny(world, "4")
    client = client_for(world.users["biller"])
    page = client.get("/denials/").content.decode()
    assert f'<select name="status" id="done-{item.pk}" required><option value="" selected>' in page
    # A Save with no choice (a browser without the required check) changes nothing.
    client.post(f"/denials/{item.pk}/work/", {"status": ""})
    item.refresh_from_db()
    assert item.status == "open"


def test_write_off_from_the_denial_page(world, client_for):
    from medbill.web.billing.models import Entry
    from medbill.web.billing.services import balance_of

    item = deny(world, "96")
    client = client_for(world.users["biller"])
    page = client.get(f"/denials/{item.pk}/").content.decode()
    assert 'id="write-off"' in page and 'id="transfer-to-patient"' in page
    before = balance_of(world.a.patient, "payer")
    response = client.post(f"/denials/{item.pk}/write-off/", {"reason": "timely filing"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "written_off"
    entry = Entry.objects.get(source_ref=f"denial {item.pk}")
    assert (entry.kind, entry.responsibility, entry.amount) == ("adjustment", "payer", -item.amount)
    assert entry.memo == "denial written off: timely filing"
    assert balance_of(world.a.patient, "payer") == before - item.amount
    # Finished: a second write-off is refused and posts nothing.
    client.post(f"/denials/{item.pk}/write-off/")
    assert Entry.objects.filter(source_ref=f"denial {item.pk}").count() == 1


def test_transfer_to_the_patient_from_the_denial_page(world, client_for):
    from medbill.web.billing.models import Entry
    from medbill.web.billing.services import balance_of

    item = deny(world, "96")
    client = client_for(world.users["biller"])
    patient_before = balance_of(world.a.patient, "patient")
    payer_before = balance_of(world.a.patient, "payer")
    client.post(f"/denials/{item.pk}/transfer/", {"reason": "on file", "abn_signed": "1"})
    item.refresh_from_db()
    assert item.status == "resolved"
    assert balance_of(world.a.patient, "patient") == patient_before + item.amount
    assert balance_of(world.a.patient, "payer") == payer_before - item.amount
    kinds = sorted(
        Entry.objects.filter(source_ref=f"denial {item.pk}").values_list("kind", "responsibility")
    )
    assert kinds == [("transfer", "patient"), ("transfer", "payer")]
    assert AuditEvent.objects.filter(source="denial transfer").exists()


def test_settling_needs_the_right_role(world, client_for):
    item = deny(world, "96")
    coder = client_for(world.users["coder"])
    assert 'id="write-off"' not in coder.get(f"/denials/{item.pk}/").content.decode()
    assert coder.post(f"/denials/{item.pk}/write-off/").status_code == 403
    assert coder.post(f"/denials/{item.pk}/transfer/").status_code == 403
    item.refresh_from_db()
    assert item.status == "open"


def test_the_dashboard_counts_what_the_denial_queue_lists(world, client_for):
    deny(world, "96")
    client = client_for(world.users["biller"])
    queues = {q["key"]: q for q in client.get("/").context["queues"]}
    listed = client.get(queues["denied"]["url"]).context["page"]
    assert queues["denied"]["count"] == len(listed) == 1


def test_a_write_off_needs_a_reason_said_next_to_the_field(world, client_for):
    from medbill.web.billing.models import Entry

    item = deny(world, "96")
    client = client_for(world.users["biller"])
    page = client.get(f"/denials/{item.pk}/").content.decode()
    assert "Reason (required" in page
    response = client.post(f"/denials/{item.pk}/write-off/", {"reason": "   "})
    assert response.status_code == 422
    page = response.content.decode()
    error = page.index('class="field-error" id="write-off-reason-help"')
    assert "Say why the amount is written off" in page[error : error + 200]
    assert page.index('name="reason" size="50"') < error  # beside the reason input
    # From the queue too: nothing is written off without a reason.
    client.post(f"/denials/{item.pk}/work/", {"status": "written_off"})
    item.refresh_from_db()
    assert item.status == "open"
    assert not Entry.objects.filter(source_ref=f"denial {item.pk}").exists()
    with pytest.raises(ServiceError, match="say why"):
        write_off_denial(world.users["biller"], item, "")


def test_a_contractual_denial_moves_to_the_patient_only_with_a_signed_abn(world, client_for):
    from medbill.web.billing.models import Entry

    item = deny(world, "50")  # CO-50: not medically necessary, the provider's liability
    client = client_for(world.users["biller"])
    assert 'name="abn_signed"' in client.get(f"/denials/{item.pk}/").content.decode()
    refused = client.post(f"/denials/{item.pk}/transfer/", {"reason": ""})
    assert refused.status_code == 422
    page = refused.content.decode()
    error = page.index('class="field-error" id="abn-signed-help"')
    assert "signed an ABN or waiver" in page[error : error + 300]
    item.refresh_from_db()
    assert item.status == "open"
    assert not Entry.objects.filter(source_ref=f"denial {item.pk}").exists()

    client.post(f"/denials/{item.pk}/transfer/", {"abn_signed": "1"})
    item.refresh_from_db()
    assert item.status == "resolved"
    memos = set(Entry.objects.filter(source_ref=f"denial {item.pk}").values_list("memo", flat=True))
    assert memos == {"denial transferred to the patient: patient signed an ABN / waiver"}
    event = AuditEvent.objects.get(source="denial transfer")
    assert "abn_signed" in event.changes


def test_a_patient_responsibility_denial_transfers_without_an_abn(world, client_for):
    item = deny(world, "96")
    # The group the payer gave: PR, the patient's responsibility.
    DenialItem.objects.filter(pk=item.pk).update(reasons=[["PR", "96"]])
    client = client_for(world.users["biller"])
    assert 'name="abn_signed"' not in client.get(f"/denials/{item.pk}/").content.decode()
    client.post(f"/denials/{item.pk}/transfer/", {})
    item.refresh_from_db()
    assert item.status == "resolved"


def test_appeals_go_level_by_level_and_the_next_remittance_answers_them(world, client_for):
    import datetime

    from django.utils import timezone

    from medbill.web.billing.remittance_models import Appeal

    site = world.a
    site.payer.payer_type = "medicare"
    site.payer.save()
    item = deny(world, "50")
    decided = item.remittance_claim.remittance.payment_date or timezone.localdate()
    client = client_for(world.users["biller"])
    page = client.get(f"/denials/{item.pk}/").content.decode()
    assert "Appeal letter: redetermination" in page
    pdf = appeal_letter(world.users["biller"], item, "Documented medical necessity.")
    assert "REQUEST FOR REDETERMINATION" in " ".join(plain_text(pdf).split())
    (first,) = Appeal.objects.filter(denial=item)
    assert (first.level, first.level_number, first.status) == ("Redetermination", 1, "filed")
    assert first.due_by == decided + datetime.timedelta(days=125)
    with pytest.raises(ServiceError, match="waiting for the payer"):
        appeal_letter(world.users["biller"], item, "again")
    # the payer reprocesses the claim and pays it: the appeal is won, the denial resolved
    (rem,) = read_835(write_835(simulate([claim_document(site.claim)], seed=11).remittances))
    assert rem.claims[0].paid.amount > 0
    era.import_era(world.users["biller"], site.practice, write_835([rem]), "paid.835")
    first.refresh_from_db()
    item.refresh_from_db()
    assert first.status == "paid" and first.paid > 0 and first.answered_on is not None
    assert item.status == "resolved"
    shown = client.get(f"/denials/{item.pk}/").content.decode()
    assert "Overturned: paid" in shown


def test_a_paper_answer_upholds_the_appeal_and_the_next_level_opens(world, client_for):
    from medbill.web.billing.remittance_models import Appeal

    site = world.a
    site.payer.payer_type = "medicare"
    site.payer.save()
    item = deny(world, "50")
    appeal_letter(world.users["biller"], item, "Documented medical necessity.")
    (first,) = Appeal.objects.filter(denial=item)
    client = client_for(world.users["biller"])
    again = client.get(f"/denials/{item.pk}/appeals/{first.pk}/letter.pdf")
    assert again.status_code == 200 and again.content[:5] == b"%PDF-"
    assert "REQUEST FOR REDETERMINATION" in " ".join(plain_text(again.content).split())
    assert Appeal.objects.filter(denial=item).count() == 1  # a reprint files nothing
    client.post(
        f"/denials/{item.pk}/appeals/{first.pk}/answer/",
        {"outcome": "upheld", "answered_on": "2026-12-01"},
    )
    first.refresh_from_db()
    item.refresh_from_db()
    assert first.status == "upheld" and item.status == "open"
    page = client.get(f"/denials/{item.pk}/").content.decode()
    assert "Appeal letter: reconsideration (qic)" in page
    other = client_for(world.outsider).get(f"/denials/{item.pk}/appeals/{first.pk}/letter.pdf")
    assert other.status_code == 404
