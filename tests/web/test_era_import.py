"""``import_era``: posts once, all or nothing, holds what does not balance, never loses a cent."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum
from django.utils import timezone

from medbill.core.money import ZERO, Money
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import ProviderAdjustment as PLB
from medbill.core.x12.m835 import read_835, write_835
from medbill.web.billing import era
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Claim, ClaimLine, Entry
from medbill.web.billing.remittance_models import (
    DenialItem,
    ProviderAdjustment,
    Remittance,
    RemittanceClaim,
    RemittanceFile,
    SecondaryClaimLink,
    UnmatchedPayment,
)
from medbill.web.frontdesk.models import Coverage, Patient, Visit
from medbill.web.practice.errors import ServiceError
from medbill.web.practice.models import Organization, Payer, Practice
from remittances import reversal_of
from shared_data import shared_path

M = Money
_NUMBERS = itertools.count(1)


def total(rows) -> Money:
    value = rows.aggregate(t=Sum("amount"))["t"]
    return M(value) if value is not None else ZERO


def sent(claim: Claim) -> None:
    """The claim as the payer has it: submitted (an unsent claim is not paid)."""
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.SUBMITTED)
    claim.refresh_from_db()


def era_for(claim: Claim, seed: int = 1, **changes) -> bytes:
    doc = claim_document(claim)
    result = simulate([doc], seed=seed)
    rems = [replace(r, **changes) for r in result.remittances]
    return write_835(rems, control_number=seed)


def test_simulated_era_posts_and_moves_the_patient_share_to_the_secondary(world):
    site, biller = world.a, world.users["biller"]
    sent(site.claim)
    data = era_for(site.claim)
    result = era.import_era(biller, site.practice, data, "sim.835")
    (s,) = result.sets
    assert s.status == "posted" and s.posted[0][0] == site.claim.patient_control_number
    entries = Entry.objects.filter(claim=site.claim)
    assert total(entries.filter(kind="charge")) == M(130)
    (payment,) = entries.filter(kind="payment")
    assert payment.source == "era" and "segment" in payment.source_ref
    (rem,) = read_835(data)
    assert -M(payment.amount) == rem.claims[0].paid
    # The patient has Medicaid as secondary: the patient share waits for it, not the patient.
    assert total(Entry.objects.filter(patient=site.patient, responsibility="patient")) == ZERO
    medicaid = Entry.objects.filter(patient=site.patient, payer=site.secondary_payer)
    assert total(medicaid) == rem.claims[0].patient_responsibility
    link = SecondaryClaimLink.objects.get(prior_claim=site.claim)
    assert link.claim.payer == site.secondary_payer and link.claim.status == "draft"
    # Owed on the claim billed to Medicaid, not on the one Lakeland paid.
    assert total(medicaid.filter(claim=site.claim)) == ZERO
    assert total(medicaid.filter(claim=link.claim)) == rem.claims[0].patient_responsibility
    assert Decimal(link.adjudication["paid"]) == rem.claims[0].paid.amount
    assert Claim.objects.get(pk=site.claim.pk).status == "paid"
    assert any("secondary claim" in line for line in era.summary_lines(result))


def test_same_file_twice_and_same_trace_in_another_file_post_nothing(world):
    site, biller = world.a, world.users["biller"]
    data = era_for(site.claim)
    era.import_era(biller, site.practice, data, "a.835")
    count = Entry.objects.count()
    again = era.import_era(biller, site.practice, data, "a-again.835")
    assert again.already_imported and Entry.objects.count() == count
    # Another interchange (other control number, other bytes) carrying the same check.
    (rem,) = read_835(data)
    other = write_835([rem], control_number=77)
    assert other != data
    dup = era.import_era(biller, site.practice, other, "b.835")
    assert dup.sets[0].status == "duplicate" and Entry.objects.count() == count
    assert Remittance.objects.filter(status="duplicate").count() == 1


def test_a_file_that_does_not_balance_is_held(world):
    site = world.a
    (rem,) = read_835(era_for(site.claim))
    data = write_835([replace(rem, total_paid=rem.total_paid + M(1))])
    result = era.import_era(world.users["biller"], site.practice, data, "bad.835")
    (s,) = result.sets
    assert s.status == "held" and "BPR02" in s.reasons[0]
    assert not Entry.objects.filter(source="era").exists()
    held = Remittance.objects.get(status="held")
    assert held.held_reasons == s.reasons
    assert any("HELD" in line for line in era.summary_lines(result))


def test_an_error_anywhere_leaves_no_partial_posting(world, monkeypatch):
    site = world.a

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ProviderAdjustment.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        era.import_era(world.users["biller"], site.practice, era_for(site.claim), "x.835")
    assert not RemittanceFile.objects.exists() and not Entry.objects.exists()
    assert not SecondaryClaimLink.objects.exists()


def test_unmatched_claims_go_to_the_work_queue_and_roles_are_checked(world):
    site = world.a
    (rem,) = read_835(era_for(site.claim))
    stranger = replace(
        rem.claims[0],
        claim_id="NOT-OURS",
        names=tuple(replace(n, id="ZZZ999") for n in rem.claims[0].names),
    )
    data = write_835([replace(rem, claims=(stranger,))])
    result = era.import_era(world.users["biller"], site.practice, data, "u.835")
    assert result.sets[0].unmatched[0][0] == "NOT-OURS"
    assert UnmatchedPayment.objects.get().remittance_claim.claim_identifier == "NOT-OURS"
    assert not Entry.objects.filter(source="era").exists()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        era.import_era(world.users["front_desk"], site.practice, data, "u2.835")
    with pytest.raises(ServiceError):
        era.import_era(world.users["biller"], site.practice, b"not x12", "junk.txt")


def test_preview_posts_nothing(world):
    site = world.a
    result = era.import_era(
        world.users["biller"], site.practice, era_for(site.claim), "p.835", post=False
    )
    assert result.sets[0].status == "preview" and result.sets[0].posted
    assert not RemittanceFile.objects.exists() and not Entry.objects.exists()


# -- every shared 835 fixture, posted against claims built to match it ---------------------


def _practice_like(site, number: int) -> Practice:
    """A practice of its own for each fixture file (claim ids repeat across the files)."""
    org = Organization.objects.create(name=f"Fixture {number}")
    base = site.practice
    return Practice.objects.create(
        organization=org,
        name=f"Fixture {number}",
        short_code=f"FX{number:03d}",
        legal_name=base.legal_name,
        tin=base.tin,
        group_npi=base.group_npi,
        billing_line1=base.billing_line1,
        billing_city=base.billing_city,
        billing_state=base.billing_state,
        billing_zip=base.billing_zip,
    )


def _claims_for(site, practice, rem) -> dict[int, Claim]:
    payer, _ = Payer.objects.get_or_create(
        organization=practice.organization,
        payer_id=rem.payer_id[:80],
        defaults={"name": (rem.payer.name or "PAYER")[:60]},
    )
    seen: dict[str, int] = defaultdict(int)
    out = {}
    for pay in rem.claims:
        seen[pay.claim_id] += 1
        # CLM01 holds 20 characters: a longer CLP01 can only match by member, date and charge.
        pcn = pay.claim_id[:17] + ("" if seen[pay.claim_id] == 1 else f"-{seen[pay.claim_id]}")
        who = pay.patient
        patient = Patient.objects.create(
            practice=practice,
            account_number=f"FX{next(_NUMBERS)}",
            last_name=(who.last or "X")[:60],
            first_name=(who.first or "X")[:35],
            date_of_birth=datetime.date(1970, 1, 1),
        )
        order = {"2": "secondary", "3": "tertiary"}.get(pay.status, "primary")
        coverage = Coverage.objects.create(
            practice=practice,
            patient=patient,
            payer=payer,
            order=order,
            member_id=pay.member_id or "NONE",
            relationship_to_subscriber="self",
        )
        dos = pay.service_dates[0] or datetime.date(2020, 1, 1)
        visit = Visit.objects.create(
            practice=practice,
            patient=patient,
            provider=site.provider,
            location=site.location,
            scheduled_at=timezone.make_aware(datetime.datetime.combine(dos, datetime.time(12))),
            status=Visit.Status.CHECKED_OUT,
        )
        claim = Claim.objects.create(
            practice=practice,
            visit=visit,
            patient=patient,
            coverage=coverage,
            payer=payer,
            patient_control_number=pcn,
            status="submitted",
        )
        services = pay.services or ()
        if services:
            for k, svc in enumerate(services, start=1):
                ClaimLine.objects.create(
                    practice=practice,
                    claim=claim,
                    line_number=k,
                    code=svc.procedure.code[:5],
                    modifiers=list(svc.procedure.modifiers),
                    charge=svc.charge.amount,
                    line_control_number=svc.line_control_number,
                )
        else:
            ClaimLine.objects.create(
                practice=practice,
                claim=claim,
                line_number=1,
                code="99999",
                charge=pay.charge.amount,
            )
        out[pay.position] = claim
    return out


def _fixtures() -> list[Path]:
    folder = shared_path("x12/835")
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".csv")


@pytest.mark.django_db
def test_every_fixture_posts_and_every_claim_and_patient_balances(world):
    site = world.a
    for number, path in enumerate(_fixtures(), start=1):
        data = path.read_bytes()
        practice = _practice_like(site, number)
        claims = {}
        for rem in read_835(data):
            claims.update(
                {(rem.position, k): v for k, v in _claims_for(site, practice, rem).items()}
            )
        result = era.import_era(None, practice, data, path.name)
        assert [s.status for s in result.sets] == ["posted"] * len(result.sets), path.name
        assert not any(s.unmatched for s in result.sets), path.name
        for rem in read_835(data):
            for pay in rem.claims:
                claim = claims[(rem.position, pay.position)]
                rows = Entry.objects.filter(claim=claim)
                charges = total(rows.filter(kind="charge"))
                payments = -total(rows.filter(kind="payment"))
                adjustments = -total(rows.filter(kind="adjustment"))
                balance = total(rows)
                assert charges == payments + adjustments + balance, (path.name, pay.claim_id)
                assert charges == pay.charge and payments == pay.paid, (path.name, pay.claim_id)
                # The balance is exactly what is still owed: the patient's share, what is
                # open as a denial, and the prior payer's part on a secondary claim.
                pr = sum((a.amount for a in pay.all_adjustments if a.group == "PR"), ZERO)
                patient_balance = total(rows.filter(responsibility="patient"))
                assert patient_balance == pr, (path.name, pay.claim_id)
                denied = total(DenialItem.objects.filter(claim=claim))
                oa23 = (
                    sum(
                        (
                            a.amount
                            for a in pay.all_adjustments
                            if (a.group, a.reason) == ("OA", "23")
                        ),
                        ZERO,
                    )
                    if pay.status in ("2", "3")
                    else ZERO
                )
                assert balance == pr + denied + oa23, (path.name, pay.claim_id)
                patient_rows = Entry.objects.filter(patient=claim.patient)
                assert total(patient_rows) == balance, (path.name, pay.claim_id)
        assert era.import_era(None, practice, data, path.name).already_imported


def test_reversal_then_correction_and_plb_post_through_the_import(world):
    site, biller = world.a, world.users["biller"]
    sent(site.claim)
    site.secondary.delete()
    first = era_for(site.claim, seed=11)
    era.import_era(biller, site.practice, first, "first.835")
    (rem,) = read_835(first)
    original = rem.claims[0]

    plb = (PLB("1746502933", datetime.date(2026, 12, 31), "WO", "OVERPAY1", M("10.00")),)
    # The payer takes the payment back and sends the claim again, paid the same; a PLB
    # recoups 10.00 from the check.
    corrected = replace(original, payer_claim_number=original.payer_claim_number + "X")
    second = write_835(
        [
            replace(
                rem,
                trace_number="TRACE-2",
                claims=(reversal_of(original), corrected),
                total_paid=-M("10.00") + original.paid - original.paid,
                provider_adjustments=plb,
                handling="I",
            )
        ],
        control_number=2,
    )
    result = era.import_era(biller, site.practice, second, "second.835")
    assert result.sets[0].status == "posted", result.sets[0].reasons
    rows = Entry.objects.filter(claim=site.claim, source="era")
    payments = rows.filter(kind="payment")
    assert sorted(M(p.amount) for p in payments) == sorted(
        [-original.paid, original.paid, -original.paid]
    )
    # Net: one payment, one contractual, one patient share, exactly as after the first file.
    assert total(rows.filter(kind="payment")) == -original.paid
    assert (
        total(Entry.objects.filter(patient=site.patient, responsibility="patient"))
        == original.patient_responsibility
    )
    assert ProviderAdjustment.objects.get().amount == M("-10.00")
    assert RemittanceClaim.objects.filter(outcome="reversed").count() == 1
    # The corrected payment after the reversal leaves the claim paid.
    assert Claim.objects.get(pk=site.claim.pk).status == "paid"


def test_a_reversal_alone_reopens_the_claim(world):
    site, biller = world.a, world.users["biller"]
    sent(site.claim)
    site.secondary.delete()
    first = era_for(site.claim, seed=12)
    era.import_era(biller, site.practice, first, "first.835")
    (rem,) = read_835(first)
    c = rem.claims[0]
    reversal = replace(
        c,
        status="22",
        charge=-c.charge,
        paid=-c.paid,
        patient_responsibility=-c.patient_responsibility
        if c.patient_responsibility is not None
        else None,
        adjustments=tuple(replace(a, amount=-a.amount) for a in c.adjustments),
        services=tuple(
            replace(
                s,
                charge=-s.charge,
                paid=-s.paid,
                adjustments=tuple(replace(a, amount=-a.amount) for a in s.adjustments),
            )
            for s in c.services
        ),
    )
    data = write_835(
        [replace(rem, trace_number="TRACE-R", claims=(reversal,), total_paid=-c.paid)],
        control_number=3,
    )
    result = era.import_era(biller, site.practice, data, "reversal.835")
    assert result.sets[0].status == "posted", result.sets[0].reasons
    claim = Claim.objects.get(pk=site.claim.pk)
    assert claim.status == "accepted" and "reversed" in claim.status_reason
    # Everything the first payment posted is taken back: the payer owes the charge again.
    assert total(Entry.objects.filter(patient=site.patient, responsibility="patient")) == ZERO


def test_crossover_records_the_secondary_claim_as_crossed_over(world):
    site, biller = world.a, world.users["biller"]
    (rem,) = read_835(era_for(site.claim, seed=12))
    crossed = replace(rem.claims[0], status="19")
    era.import_era(biller, site.practice, write_835([replace(rem, claims=(crossed,))]), "x.835")
    link = SecondaryClaimLink.objects.get(prior_claim=site.claim)
    assert link.crossed_over and link.claim.status == "submitted"
    assert "crossed over" in link.claim.status_reason


def test_a_late_835_for_a_closed_claim_posts_money_but_keeps_it_closed(world):
    site, biller = world.a, world.users["biller"]
    Claim.objects.filter(pk=site.claim.pk).update(status="closed")
    result = era.import_era(biller, site.practice, era_for(site.claim, seed=13), "late.835")
    assert result.sets[0].status == "posted", result.sets[0].reasons
    assert Entry.objects.filter(claim=site.claim, kind="payment").exists()
    assert Claim.objects.get(pk=site.claim.pk).status == "closed"
