"""What an 835 puts in the denial queue, and the status it gives the claim.

A contractual write-down (CO-45) is not a denial, even on a claim the payer paid nothing on
because another line was denied and this one went to the deductible. A claim whose every
line the payer refused is denied, whoever is left to pay.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from medbill.core.money import Money as M
from medbill.core.x12.m835 import (
    Adjustment,
    ClaimPayment,
    EntityName,
    Procedure,
    ServicePayment,
    write_835,
)
from medbill.web.billing import era
from medbill.web.billing.models import Claim, ClaimLine, Entry
from medbill.web.billing.remittance_models import DenialItem, RemittanceClaim
from medbill.web.practice.views import work_queues
from remittances import sample


def _two_lines(site) -> Claim:
    """The site's claim with a blood draw beside the office visit, as the payer has it."""
    ClaimLine.objects.create(
        practice=site.practice,
        claim=site.claim,
        line_number=2,
        code="36415",
        charge=Decimal("18.00"),
        dx_pointers=[1],
        date_of_service=site.visit.date_of_service,
    )
    Claim.objects.filter(pk=site.claim.pk).update(status=Claim.Status.SUBMITTED)
    site.claim.refresh_from_db()
    return site.claim


def _answer(
    site,
    claim: Claim,
    status: str,
    line1: tuple[Adjustment, ...],
    line2: tuple[Adjustment, ...],
    paid2: M = M(0),
) -> bytes:
    day = site.visit.date_of_service
    services = (
        ServicePayment(
            Procedure("HC", "99213"),
            M("130.00"),
            M(0),
            units_paid=Decimal(0),
            service_date=day,
            adjustments=line1,
            line_control_number=f"{claim.patient_control_number}-1",
        ),
        ServicePayment(
            Procedure("HC", "36415"),
            M("18.00"),
            paid2,
            units_paid=Decimal(1),
            service_date=day,
            adjustments=line2,
            line_control_number=f"{claim.patient_control_number}-2",
        ),
    )
    patient = sum((a.amount for s in services for a in s.adjustments if a.group == "PR"), M(0))
    payment = ClaimPayment(
        claim.patient_control_number,
        status,
        M("148.00"),
        paid2,
        patient,
        "CI",
        "PAYER0001",
        facility_type="11",
        frequency="1",
        names=(
            EntityName(
                "QC", "1", "ORTEGA", "MATEO", id_qualifier="MI", id=claim.coverage.member_id
            ),
        ),
        statement_start=day,
        statement_end=day,
        services=services,
    )
    rem = replace(
        sample(),
        claims=(payment,),
        provider_adjustments=(),
        total_paid=paid2,
        method="CHK" if paid2 else "NON",
        handling="I" if paid2 else "H",
        payment_date=date(2026, 3, 20),
    )
    return write_835([rem])


def test_a_contractual_write_down_is_not_a_denial(world):
    """The demo's case: the visit denied (CO-96), the blood draw allowed and applied to the
    deductible (CO-45 + PR-1), so the payer paid nothing on the claim."""
    site, biller = world.a, world.users["biller"]
    claim = _two_lines(site)
    data = _answer(
        site,
        claim,
        "1",
        (Adjustment("CO", "96", M("130.00")),),
        (Adjustment("CO", "45", M("9.00")), Adjustment("PR", "1", M("9.00"))),
    )
    (s,) = era.import_era(biller, site.practice, data, "write-down.835").sets
    assert s.status == "posted"
    (denial,) = DenialItem.objects.filter(claim=claim)
    assert denial.reasons == [["CO", "96"]] and denial.claim_line.line_number == 1
    assert denial.amount == Decimal("130.00")
    write_down = Entry.objects.get(claim=claim, kind="adjustment")
    assert (write_down.group_code, write_down.reason_code) == ("CO", "45")
    assert write_down.amount == Decimal("-9.00") and write_down.claim_line.line_number == 2
    # The dashboard's count is the queue's.
    (queue,) = [q for q in work_queues(biller, site.practice) if q["key"] == "denied"]
    assert queue["count"] == 1
    page = world_client(world, biller).get("/denials/")
    assert page.content.decode().count("Work this denial") == 1
    # One line was allowed: the claim is paid (in part), not denied.
    assert Claim.objects.get(pk=claim.pk).status == "paid"
    assert RemittanceClaim.objects.get(claim=claim).outcome == "partial"


def test_a_claim_whose_every_line_was_refused_is_denied(world):
    """Both lines refused for medical necessity; the patient signed an ABN for the second,
    so the payer makes that one the patient's (PR-50) and pays nothing at all."""
    site, biller = world.a, world.users["biller"]
    claim = _two_lines(site)
    data = _answer(
        site,
        claim,
        "1",
        (Adjustment("CO", "50", M("130.00")),),
        (Adjustment("PR", "50", M("18.00")),),
    )
    era.import_era(biller, site.practice, data, "refused.835")
    claim.refresh_from_db()
    assert claim.status == "denied"
    assert RemittanceClaim.objects.get(claim=claim).outcome == "denied"
    (denial,) = DenialItem.objects.filter(claim=claim)
    assert denial.claim_line.line_number == 1
    # What the payer made the patient's still moves on (to the secondary coverage here).
    moved = Entry.objects.get(claim=claim, kind="transfer", amount__gt=0)
    assert moved.amount == Decimal("18.00") and moved.payer == site.secondary_payer


def test_a_paid_line_beside_a_denied_one_keeps_the_claim_paid(world):
    site, biller = world.a, world.users["biller"]
    claim = _two_lines(site)
    data = _answer(
        site,
        claim,
        "1",
        (Adjustment("CO", "96", M("130.00")),),
        (Adjustment("CO", "45", M("6.00")),),
        paid2=M("12.00"),
    )
    era.import_era(biller, site.practice, data, "partial.835")
    claim.refresh_from_db()
    assert claim.status == "paid"
    assert DenialItem.objects.filter(claim=claim).count() == 1
    assert Entry.objects.filter(claim=claim, kind="adjustment", reason_code="45").count() == 1


def world_client(world, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
