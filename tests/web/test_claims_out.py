"""Claims out in the database: build, number, submit, and import 999/277CA answers."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from medbill.connect.delivery import DeliveryError
from medbill.core.x12 import iter_segments, read_837p
from medbill.web.billing.models import Claim
from medbill.web.claims_out.acks import import_acknowledgement, resolve_work_item
from medbill.web.claims_out.models import (
    AckImport,
    ClaimEvent,
    ClaimWorkItem,
    ClearinghouseConnection,
    Submission,
)
from medbill.web.claims_out.services import build_claims, next_control_number, submit_claims
from medbill.web.coding.models import Diagnosis, ServiceLine
from medbill.web.frontdesk.models import Visit
from medbill.web.practice.errors import ServiceError
from x12_pyx12 import pyx12_errors

NOW = timezone.make_aware(datetime.datetime(2026, 3, 9, 14, 5))


def connect(site, folder, name="prairie"):
    return ClearinghouseConnection.objects.create(
        practice=site.practice,
        name=name,
        settings={
            "sender_id": "CVFP01",
            "receiver_id": "PRAIRIE",
            "submitter_name": "Cedar Valley",
            "contact_name": "Billing Office",
            "contact_phone": "6085550142",
            "receiver_name": "Prairie Clearinghouse",
            "usage": "T",
            "transport": "folder",
            "folder": str(folder),
        },
    )


def scrubbed(claim):
    claim.status = "scrubbed"
    claim.save()
    return claim


def coded_visit(site, day=4):
    visit = Visit.objects.create(
        practice=site.practice,
        patient=site.patient,
        provider=site.provider,
        location=site.location,
        status=Visit.Status.CODED,
        scheduled_at=timezone.make_aware(datetime.datetime(2026, 3, day, 9, 0)),
    )
    Diagnosis.objects.create(practice=site.practice, visit=visit, code="J020", position=1)
    Diagnosis.objects.create(practice=site.practice, visit=visit, code="R509", position=2)
    for pos, code, charge in ((1, "99213", "130.00"), (2, "87880", "32.00")):
        ServiceLine.objects.create(
            practice=site.practice,
            visit=visit,
            position=pos,
            code=code,
            charge=Decimal(charge),
            dx_pointers=[1, 2][:pos],
        )
    return visit


def test_build_claims_from_coded_visits(world):
    a, biller = world.a, world.users["biller"]
    visit = coded_visit(a)
    result = build_claims(biller, a.practice)
    (claim,) = result.created
    assert claim.status == "draft" and claim.visit_id == visit.pk
    assert claim.diagnoses == ["J020", "R509"]
    assert [(ln.code, ln.line_number) for ln in claim.lines.all()] == [("99213", 1), ("87880", 2)]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BILLED
    assert ClaimEvent.objects.filter(claim=claim, to_status="draft").count() == 1
    again = build_claims(biller, a.practice, [visit.pk, a.visit.pk])
    assert again.created == []
    assert "not coded" in again.skipped[visit.pk]


def test_build_claims_needs_the_right_role(world):
    with pytest.raises(PermissionDenied):
        build_claims(world.users["front_desk"], world.a.practice)


def test_control_numbers_are_sequential_per_connection(world):
    p = world.a.practice
    assert [next_control_number(p, "prairie") for _ in range(3)] == [1, 2, 3]
    assert next_control_number(p, "other") == 1
    assert next_control_number(world.b.practice, "prairie") == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="concurrent writers need PostgreSQL; SQLite serialises them",
)
def test_two_workers_never_share_a_control_number(world):
    practice_id = world.a.practice.pk
    got, errors = [], []

    def worker():
        try:
            for _ in range(25):
                got.append(next_control_number(practice_id, "prairie"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(got) == list(range(1, 101))


def test_submit_writes_a_valid_837p_and_records_it(world, tmp_path):
    a, biller = world.a, world.users["biller"]
    connect(a, tmp_path / "out")
    claim = scrubbed(a.claim)
    (sub,) = submit_claims(biller, a.practice, [claim], "prairie", now=NOW)
    sub.refresh_from_db()
    assert sub.status == "sent" and sub.attempts == 1
    assert (sub.interchange_control, sub.claim_count) == (1, 1)
    data = (tmp_path / "out" / sub.file_name).read_bytes()
    assert data.decode() == sub.content and pyx12_errors(data) == []
    import hashlib

    assert sub.sha256 == hashlib.sha256(data).hexdigest()
    assert sub.created_by == biller and list(sub.claims.all()) == [claim]
    (read,) = read_837p(data)
    assert read.claim.claim_id == claim.patient_control_number
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.submitted_at == NOW
    assert ClaimEvent.objects.filter(claim=claim, to_status="submitted").exists()


def test_the_file_is_named_and_dated_by_the_practices_clock(world, tmp_path, client_for):
    """9:30 pm in New York is 1:30 am the next day in UTC: the file is the practice's."""
    a, biller = world.a, world.users["biller"]
    a.practice.time_zone = "America/New_York"
    a.practice.save()
    connect(a, tmp_path / "out")
    evening = datetime.datetime(2026, 3, 10, 1, 30, tzinfo=datetime.UTC)
    (sub,) = submit_claims(biller, a.practice.pk, [scrubbed(a.claim)], "prairie", now=evening)
    assert sub.file_name == "prairie_000000001_20260309213000.837"
    assert (tmp_path / "out" / sub.file_name).exists()
    segments = {s.id: s for s in iter_segments(sub.content.encode())}
    assert (segments["ISA"][9], segments["ISA"][10]) == ("260309", "2130")
    assert (segments["GS"][4], segments["GS"][5]) == ("20260309", "2130")
    assert sub.created_at == evening  # the moment itself is kept as it was
    page = client_for(biller).get("/claims-out/submissions/").content.decode()
    assert sub.file_name in page and "2026-03-09" in page and "21:30" in page


def test_only_scrubbed_claims_are_submitted(world, tmp_path):
    connect(world.a, tmp_path)
    with pytest.raises(ServiceError, match="is draft; only scrubbed claims are sent"):
        submit_claims(world.users["biller"], world.a.practice, [world.a.claim], "prairie")
    with pytest.raises(PermissionDenied):
        submit_claims(world.users["coder"], world.a.practice, [world.a.claim], "prairie")
    with pytest.raises(ServiceError, match="not this practice's"):
        submit_claims(world.users["biller"], world.a.practice, [world.b.claim], "prairie")


def test_failed_delivery_returns_claims_to_scrubbed(world, tmp_path):
    a, biller = world.a, world.users["biller"]
    connect(a, tmp_path)
    claim = scrubbed(a.claim)

    def broken(f, profile):
        raise DeliveryError("clearinghouse unreachable")

    (sub,) = submit_claims(biller, a.practice, [claim], "prairie", now=NOW, send=broken)
    sub.refresh_from_db()
    claim.refresh_from_db()
    assert sub.status == "failed" and "unreachable" in sub.error
    assert claim.status == "scrubbed"
    # The failed file's control number is not used again.
    (again,) = submit_claims(biller, a.practice, [claim], "prairie", now=NOW)
    assert again.interchange_control == sub.interchange_control + 1


def submitted(world, tmp_path):
    a = world.a
    connect(a, tmp_path)
    claim = scrubbed(a.claim)
    (sub,) = submit_claims(world.users["biller"], a.practice, [claim], "prairie", now=NOW)
    return claim, sub


def ack_277(sub, claim_id, stc, ref1k=None, receiver_stc="A1:19:PR"):
    ref = f"REF*1K*{ref1k}~" if ref1k else ""
    body = (
        "BHT*0085*08*277X0001*20260310*1200*TH~HL*1**20*1~NM1*PR*2*LAKELAND*****PI*LCI220~"
        "TRN*1*0091182~DTP*050*D8*20260309~DTP*009*D8*20260310~HL*2*1*21*1~"
        f"NM1*41*2*CEDAR VALLEY*****46*CVFP01~TRN*2*{sub.interchange_control:09d}~"
        f"STC*{receiver_stc}*20260310*WQ*130~HL*3*2*19*1~"
        "NM1*85*2*CEDAR VALLEY*****XX*1746502933~HL*4*3*PT~"
        f"NM1*QC*1*ORTEGA*MATEO****MI*UHW5512093301~TRN*2*{claim_id}~"
        f"STC*{stc}*20260310*WQ*130~{ref}DTP*472*D8*20260303~"
    )
    count = body.count("~") + 2
    return (
        "ISA*00*          *00*          *ZZ*PRAIRIE        *ZZ*CVFP01         *260310*1200*^*"
        "00501*000000311*0*T*:~GS*HN*PRAIRIE*CVFP01*20260310*1200*311*X*005010X214~"
        f"ST*277*0001*005010X214~{body}SE*{count}*0001~GE*1*311~IEA*1*000000311~"
    ).encode()


def test_277ca_acceptance_is_idempotent(world, tmp_path):
    claim, sub = submitted(world, tmp_path)
    biller = world.users["biller"]
    data = ack_277(sub, claim.patient_control_number, "A2:20:PR", ref1k="LCI2026031000017")
    result = import_acknowledgement(biller, world.a.practice, data, "ack1.277")
    assert result.accepted == [claim.patient_control_number] and not result.duplicate
    claim.refresh_from_db()
    assert claim.status == "accepted" and claim.payer_claim_number == "LCI2026031000017"
    again = import_acknowledgement(biller, world.a.practice, data, "ack1-copy.277")
    assert again.duplicate and AckImport.objects.count() == 1
    assert ClaimEvent.objects.filter(claim=claim, to_status="accepted").count() == 1


def test_277ca_rejection_lands_in_the_work_queue(world, tmp_path):
    claim, sub = submitted(world, tmp_path)
    biller = world.users["biller"]
    data = ack_277(sub, claim.patient_control_number, "A7:562:85")
    result = import_acknowledgement(biller, world.a.practice, data, "ack2.277")
    assert result.rejected == [claim.patient_control_number]
    claim.refresh_from_db()
    assert claim.status == "rejected"
    (item,) = ClaimWorkItem.objects.filter(resolved_at__isnull=True)
    assert item.claim == claim and item.codes == "A7:562"
    assert "NPI is missing or invalid (billing provider)" in item.reason
    assert "NPI" in claim.status_reason
    resolve_work_item(biller, item, "corrected the group NPI")
    claim.refresh_from_db()
    assert claim.status == "draft"
    with pytest.raises(ServiceError, match="already resolved"):
        resolve_work_item(biller, item, "again")


def test_277ca_file_rejection_rejects_every_claim_of_the_file(world, tmp_path):
    claim, sub = submitted(world, tmp_path)
    data = ack_277(sub, "NOT-OURS", "A3:21", receiver_stc="A3:24:41")
    result = import_acknowledgement(world.users["biller"], world.a.practice, data, "f.277")
    assert result.rejected == [claim.patient_control_number]
    assert result.unknown == ["NOT-OURS"]
    claim.refresh_from_db()
    assert claim.status == "rejected" and "not approved" in claim.status_reason


def test_999_rejection_names_segment_and_claim(world, tmp_path):
    claim, sub = submitted(world, tmp_path)
    segs = list(iter_segments(sub.content))
    st = next(s for s in segs if s.id == "ST")
    clm = next(s for s in segs if s.id == "CLM")
    pos = clm.position - st.position + 1
    data = (
        "ISA*00*          *00*          *ZZ*PRAIRIE        *ZZ*CVFP01         *260310*1200*^*"
        "00501*000000312*0*T*:~GS*FA*PRAIRIE*CVFP01*20260310*1200*312*X*005010X231A1~"
        "ST*999*0001*005010X231A1~"
        f"AK1*HC*{sub.group_control}*005010X222A1~AK2*837*0001*005010X222A1~"
        f"IK3*CLM*{pos}*2300*8~IK4*5:1*1331*7*99~IK5*R*5~AK9*R*1*1*0~SE*8*0001~GE*1*312~"
        "IEA*1*000000312~"
    ).encode()
    result = import_acknowledgement(world.users["biller"], world.a.practice, data, "r.999")
    assert result.rejected == [claim.patient_control_number]
    (item,) = ClaimWorkItem.objects.all()
    assert item.source == "999"
    assert item.reason == "999: CLM05: code is not one of the allowed values (value '99')"
    claim.refresh_from_db()
    assert claim.status == "rejected"


def test_import_is_atomic_and_checks_the_role(world, tmp_path):
    claim, sub = submitted(world, tmp_path)
    with pytest.raises(PermissionDenied):
        import_acknowledgement(
            world.users["coder"],
            world.a.practice,
            ack_277(sub, claim.patient_control_number, "A2:20"),
            "x.277",
        )
    with pytest.raises(ServiceError, match="not an X12"):
        import_acknowledgement(world.users["biller"], world.a.practice, b"hello", "x.txt")
    assert AckImport.objects.count() == 0
    assert Claim.objects.get(pk=claim.pk).status == "submitted"


def test_bulk_documents_equal_one_by_one(world, django_assert_max_num_queries):
    from medbill.web.billing.documents import claim_document
    from medbill.web.claims_out.documents import claim_documents

    claims = [world.a.claim, world.b.claim]
    with django_assert_max_num_queries(8):
        bulk = claim_documents(claims)
    assert bulk == [claim_document(c) for c in claims]
    assert bulk[0].other_coverage and bulk[0].other_coverage[0].order == "secondary"


def test_replacement_and_void_are_new_claims(world, tmp_path):
    from medbill.web.claims_out.services import correct_claim

    claim, sub = submitted(world, tmp_path)
    biller = world.users["biller"]
    with pytest.raises(ServiceError, match="claims the payer holds"):
        correct_claim(biller, claim, "7")
    import_acknowledgement(
        biller,
        world.a.practice,
        ack_277(sub, claim.patient_control_number, "A2:20:PR", ref1k="LCI2026031000017"),
        "ok.277",
    )
    claim.refresh_from_db()
    claim.status = "paid"
    claim.save()
    new = correct_claim(biller, claim, "7", "wrong units on line 1")
    assert (new.frequency_code, new.original_claim_ref, new.replaces) == (
        "7",
        "LCI2026031000017",
        claim,
    )
    assert new.status == "draft" and new.lines.count() == claim.lines.count()
    claim.refresh_from_db()
    assert claim.status == "closed"
    with pytest.raises(ServiceError, match="frequency"):
        correct_claim(biller, claim, "9")
    # The replacement becomes a valid 837P with CLM05-3 = 7 and REF*F8.
    from medbill.core.x12 import check_claim
    from medbill.web.billing.documents import claim_document

    doc = claim_document(new)
    check_claim(doc)
    assert doc.frequency_code == "7" and doc.original_claim_ref == "LCI2026031000017"


def test_acknowledgements_find_their_file_when_two_connections_share_a_number(world, tmp_path):
    claim, sub = submitted(world, tmp_path)
    other = ClearinghouseConnection.objects.create(
        practice=world.a.practice,
        name="lakeside",
        settings={
            **ClearinghouseConnection.objects.get(name="prairie").settings,
            "receiver_id": "LAKESIDE",
            "folder": str(tmp_path / "lakeside"),
        },
    )
    from medbill.web.claims_out.acks import _submission

    twin = Submission.objects.create(
        practice=world.a.practice,
        connection=other.name,
        file_name="x.837",
        sha256="0" * 64,
        size=1,
        content="",
        interchange_control=sub.interchange_control,
        group_control=sub.group_control,
        claim_count=0,
        total_charge=Decimal("0"),
    )
    assert twin.created_at >= sub.created_at
    found = _submission(
        world.a.practice.pk, "PRAIRIE", interchange_control=str(sub.interchange_control)
    )
    assert found == sub
    assert (
        _submission(world.a.practice.pk, "LAKESIDE", group_control=str(sub.group_control)) == twin
    )


def test_a_submitted_claim_is_owed_in_the_ar_before_any_answer(world, tmp_path):
    """The claim's charges go on the ledger the day it is sent (dated on the date of
    service, once per visit): the A/R by payer shows it while the payer is silent, and the
    remittance that answers it does not charge the services again."""
    from medbill.core.payersim import simulate
    from medbill.core.x12.m835 import write_835
    from medbill.web.billing import era, reports
    from medbill.web.billing.documents import claim_document
    from medbill.web.billing.models import Entry

    a, biller = world.a, world.users["biller"]
    connect(a, tmp_path / "out")
    claim = scrubbed(a.claim)
    assert reports.ar_aging(a.practice, "payer").rows[-1][-1] == "0.00"
    submit_claims(biller, a.practice, [claim], "prairie", now=NOW)
    charges = Entry.objects.filter(claim=claim, kind=Entry.Kind.CHARGE)
    assert sum(e.amount for e in charges) == claim.total_charge
    assert {e.effective_date for e in charges} == {claim.visit.date_of_service}
    (row, total) = reports.ar_aging(a.practice, "payer").rows
    assert row[0] == a.payer.name and row[-1] == total[-1] == str(claim.total_charge)

    era.import_era(
        biller, a.practice, write_835(simulate([claim_document(claim)]).remittances), "r.835"
    )
    assert Entry.objects.filter(visit=claim.visit, kind=Entry.Kind.CHARGE).count() == len(charges)
