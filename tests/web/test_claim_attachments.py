"""The claim page's attachments: the biller adds and removes them (role-checked, audited),
and the claim document carries them to the 837P and the CMS-1500."""

from __future__ import annotations

import pytest

from medbill.core.attachments import Attachment
from medbill.core.forms import cms1500_pages
from medbill.core.x12 import ControlNumbers, check_claim, iter_segments, write_837p
from medbill.web.billing.attachments import add_attachment
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import ClaimAttachment
from medbill.web.claims_out.documents import claim_documents
from medbill.web.claims_out.services import correct_claim
from medbill.web.practice.models import AuditEvent
from x12_claims import CREATED, ENVELOPE, SUBMITTER
from x12_pyx12 import pyx12_errors

pytestmark = pytest.mark.django_db


def add(client, claim, **form):
    return client.post(f"/claims/{claim.pk}/attachments/", form, follow=True)


def test_it_works(world, client_for):
    claim = world.a.claim
    client = client_for(world.users["biller"])
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "No attachments." in page and "Add attachment" in page
    add(client, claim, report_type="OB", transmission="FX", control_number="ATT0001")
    add(client, claim, line="1", report_type="RR", transmission="AA")
    page = add(client, claim, report_type="LA", transmission="BM").content.decode()
    assert "control number" in page and "is required" in page
    rows = list(ClaimAttachment.objects.filter(claim=claim).order_by("id"))
    assert [(a.line_id is None, a.report_type, a.transmission, a.control_number) for a in rows] == [
        (True, "OB", "FX", "ATT0001"),
        (False, "RR", "AA", ""),
    ]
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "OB Operative note" in page and "ATT0001" in page and "line 1" in page
    created = AuditEvent.objects.filter(object_type="billing.ClaimAttachment", action="create")
    assert created.count() == 2 and created.first().user == world.users["biller"]

    document = claim_document(claim)
    assert document.attachments == (Attachment("OB", "FX", "ATT0001"),)
    assert document.lines[0].attachments == (Attachment("RR", "AA"),)
    assert cms1500_pages(document)[0].value("19").startswith("PWKOBFXATT0001   PWKRRAA")

    resp = client.post(f"/claims/{claim.pk}/attachments/{rows[0].pk}/remove/", follow=True)
    assert resp.status_code == 200
    assert list(ClaimAttachment.objects.filter(claim=claim)) == [rows[1]]
    assert (
        AuditEvent.objects.filter(object_type="billing.ClaimAttachment", action="delete").count()
        == 1
    )


def test_only_billers_of_the_practice_change_attachments(world, client_for):
    claim = world.a.claim
    coder = client_for(world.users["coder"])
    assert (
        coder.post(
            f"/claims/{claim.pk}/attachments/", {"report_type": "OB", "transmission": "AA"}
        ).status_code
        == 403
    )
    # A coder sees the claim and its attachments, without the form.
    page = coder.get(f"/claims/{claim.pk}/").content.decode()
    assert "No attachments." in page and "Add attachment" not in page
    other = client_for(world.users["biller"])
    assert (
        other.post(
            f"/claims/{world.b.claim.pk}/attachments/", {"report_type": "OB", "transmission": "AA"}
        ).status_code
        == 404
    )
    assert other.get(f"/claims/{claim.pk}/attachments/").status_code == 405
    assert not ClaimAttachment.objects.exists()


def test_a_submitted_claim_keeps_its_attachments(world, client_for):
    claim = world.a.claim
    claim.status = "submitted"
    claim.save()
    page = add(
        client_for(world.users["biller"]), claim, report_type="OB", transmission="AA"
    ).content.decode()
    assert "changed by a replacement claim" in page
    assert not ClaimAttachment.objects.exists()


@pytest.mark.parametrize("frequency", ["7", "8"])
def test_a_replacement_or_void_carries_the_originals_attachments(world, frequency):
    biller = world.users["biller"]
    claim = world.a.claim
    add_attachment(biller, claim, "OB", "FX", "ATT0001")
    second = claim.lines.order_by("line_number").last()
    add_attachment(biller, claim, "RR", "EL", "ATT0002", line_number=second.line_number)
    add_attachment(biller, claim, "LA", "AA")
    claim.status, claim.payer_claim_number = "denied", "PAY-778812"
    claim.save()

    new = correct_claim(biller, claim, frequency)
    copied = list(ClaimAttachment.objects.filter(claim=new).order_by("id"))
    assert [
        (a.line.line_number if a.line else None, a.report_type, a.transmission, a.control_number)
        for a in copied
    ] == [
        (None, "OB", "FX", "ATT0001"),
        (second.line_number, "RR", "EL", "ATT0002"),
        (None, "LA", "AA", ""),
    ]
    # The copies hang on the new claim's lines, not the original's.
    assert all(a.line is None or a.line.claim_id == new.pk for a in copied)
    # The original keeps its own.
    assert ClaimAttachment.objects.filter(claim=claim).count() == 3

    (document,) = claim_documents([new])
    assert document.frequency_code == frequency
    assert document.attachments == (Attachment("OB", "FX", "ATT0001"), Attachment("LA", "AA"))
    line = next(ln for ln in document.lines if ln.line == second.line_number)
    assert line.attachments == (Attachment("RR", "EL", "ATT0002"),)
    check_claim(document)
    data = write_837p([document], ENVELOPE, ControlNumbers(1, 1), SUBMITTER, CREATED)
    pwk = [s.elements for s in iter_segments(data) if s.id == "PWK"]
    assert [p[1:3] for p in pwk] == [["OB", "FX"], ["LA", "AA"], ["RR", "EL"]]
    assert pyx12_errors(data) == []
