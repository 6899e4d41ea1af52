"""What the next payer owes after the primary payer's 835 is carried by the claim billed to
that payer, so the A/R aging shows it once, owed on the secondary claim.

The primary's payment moves the patient's share to the secondary payer ("to next payer");
once the secondary claim exists that share is on it, and the secondary payer's payment,
which posts on the secondary claim, settles it there: no balance left owed by the
secondary payer on the primary claim, no payer credit on the secondary claim. A reversal
that voids the secondary claim brings the share back. Totals per patient, per payer and
per practice do not change; only the claim that carries the share does.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from test_era_claim_events import file_of, negate
from test_era_import import era_for
from test_secondary_after_reversal import corrected

from medbill.core.money import ZERO, Money
from medbill.core.payersim import simulate
from medbill.core.x12.m835 import Adjustment, ClaimPayment, read_835, write_835
from medbill.core.x12.m837p import write_837p
from medbill.web.billing import era, reports
from medbill.web.billing.balance_check import check_balances
from medbill.web.billing.documents import claim_document
from medbill.web.billing.models import Balance, Claim, Entry, balance_amount
from medbill.web.billing.remittance_models import SecondaryClaimLink
from medbill.web.billing.services import balance_of
from medbill.web.billing.statements import run_statements
from medbill.web.practice.fields import MoneySum
from medbill.web.practice.models import Payer
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 4, 20)  # the visit of 2026-03-03 is 48 days old: 31-60
BUCKET = 2  # the 31-60 column of the aging table


def carried(claim: Claim, payer: Payer | None = None) -> Money:
    """What the payer side of ``claim`` (owed by ``payer``, or by any payer) carries, as
    the summary the reports read keeps it."""
    rows = Balance.objects.filter(claim=claim, responsibility="payer")
    if payer is not None:
        rows = rows.filter(payer=payer)
    return Money(balance_amount(rows.aggregate(t=MoneySum("amount"))["t"]))


def ledger(claim: Claim) -> Money:
    """The same from the ledger itself."""
    rows = Entry.objects.filter(claim=claim, responsibility="payer")
    return Money(balance_amount(rows.aggregate(t=MoneySum("amount"))["t"]))


def aging_rows(site) -> dict[str, list[str]]:
    return {row[0]: row for row in reports.ar_aging(site.practice, "payer", AS_OF).rows}


def share_of(payment: ClaimPayment) -> Money:
    share = payment.patient_responsibility
    assert share is not None and share > ZERO
    return share


def post_primary(site, biller, seed: int = 31) -> tuple:
    Claim.objects.filter(pk=site.claim.pk).update(status=Claim.Status.SUBMITTED)
    data = era_for(site.claim, seed=seed)
    result = era.import_era(biller, site.practice, data, "primary.835")
    assert result.sets[0].status == "posted", result.sets[0].reasons
    (rem,) = read_835(data)
    (link,) = SecondaryClaimLink.objects.filter(prior_claim=site.claim)
    return rem, rem.claims[0], link.claim


def post_secondary(site, biller, secondary: Claim, seed: int = 32, change=None) -> ClaimPayment:
    """The secondary payer answers the claim billed to it (OA-23 for the prior payer's
    part), as the simulated payer does or as ``change`` makes that answer."""
    Claim.objects.filter(pk=secondary.pk).update(status=Claim.Status.SUBMITTED)
    secondary.refresh_from_db()
    (rem,) = simulate([claim_document(secondary)], seed=seed).remittances
    (answer,) = rem.claims
    if change is not None:
        answer = change(answer)
    data = write_835([replace(rem, claims=(answer,), total_paid=answer.paid)])
    result = era.import_era(biller, site.practice, data, "secondary.835")
    assert result.sets[0].status == "posted", result.sets[0].reasons
    assert result.sets[0].posted[0][0] == secondary.patient_control_number
    return answer


def assert_only_the_claim_changes(site) -> None:
    """The share's moves net to nothing per patient, payer, visit and side, the summary
    still equals the ledger, and the nightly check finds no difference."""
    moved = (
        Entry.objects.filter(practice=site.practice, source="cob")
        .values("patient_id", "payer_id", "visit_id", "responsibility")
        .annotate(t=MoneySum("amount"))
    )
    assert moved.exists()
    assert all(Money(balance_amount(row["t"])) == ZERO for row in moved), list(moved)
    assert not Entry.objects.filter(source="cob").exclude(kind="transfer").exists()
    assert not Entry.objects.filter(source="cob").exclude(responsibility="payer").exists()
    for claim in Claim.objects.filter(practice=site.practice):
        assert carried(claim) == ledger(claim), claim.patient_control_number
    assert check_balances(site.practice).differ == []


def test_the_share_owed_by_the_secondary_payer_is_on_the_secondary_claim(world):
    site, biller = world.a, world.users["biller"]
    rem, payment, secondary = post_primary(site, biller)
    share = share_of(payment)

    assert carried(site.claim, site.secondary_payer) == ZERO
    assert carried(site.claim) == ZERO  # paid, written down, the rest billed on
    assert carried(secondary, site.secondary_payer) == share
    rows = aging_rows(site)
    medicaid = rows["Wisconsin Medicaid"]
    assert medicaid[BUCKET] == str(share) and medicaid[-2:] == ["0.00", str(share)]
    assert site.payer.name not in rows  # the primary payer owes nothing more
    assert rows["TOTAL"][-2:] == ["0.00", str(share)]
    # The move is traceable to the 835 that caused it, on both claims.
    out, into = Entry.objects.filter(source="cob").order_by("id")
    assert (out.claim_id, into.claim_id) == (site.claim.pk, secondary.pk)
    assert Money(out.amount) == -share and Money(into.amount) == share
    assert out.payer_id == into.payer_id == site.secondary_payer.pk
    assert out.visit_id == into.visit_id == site.visit.pk
    assert out.source_ref == into.source_ref and out.source_ref.startswith("835 ")
    assert out.reference == into.reference == rem.trace_number
    assert out.created_by == biller and secondary.patient_control_number in out.memo
    assert site.claim.patient_control_number in into.memo
    assert_only_the_claim_changes(site)


def test_once_the_secondary_payer_pays_no_payer_credit_is_left(world):
    site, biller = world.a, world.users["biller"]
    _, payment, secondary = post_primary(site, biller)
    share = share_of(payment)
    answer = post_secondary(site, biller, secondary)
    assert answer.paid > ZERO

    left = share - answer.paid  # what the secondary payer left to the patient
    assert carried(secondary) == ZERO and carried(site.claim) == ZERO
    rows = aging_rows(site)
    assert list(rows) == ["TOTAL"] and rows["TOTAL"][1:] == ["0.00"] * 7
    by_patient = reports.ar_aging(site.practice, "patient", AS_OF).rows
    assert by_patient[-1][-2:] == ["0.00", str(left)] if left else len(by_patient) == 1
    # Per patient: the insurance side settled, the patient owes what the secondary left.
    assert balance_of(site.patient, Entry.Responsibility.PAYER) == ZERO
    assert balance_of(site.patient, Entry.Responsibility.PATIENT) == left
    assert_only_the_claim_changes(site)


def test_a_share_the_secondary_payer_denies_stays_open_on_its_own_claim(world):
    """The secondary payer refuses its share (CO-16): the denial is open on the secondary
    claim, and so is what that payer owes; the primary claim carries none of it."""
    site, biller = world.a, world.users["biller"]
    _, payment, secondary = post_primary(site, biller)
    share = share_of(payment)
    Claim.objects.filter(pk=secondary.pk).update(status=Claim.Status.SUBMITTED)
    (rem,) = simulate([claim_document(secondary)], seed=32).remittances
    (answer,) = rem.claims
    (line,) = answer.services
    (prior_part,) = [a for a in line.adjustments if (a.group, a.reason) == ("OA", "23")]
    refused = replace(
        answer,
        paid=ZERO,
        patient_responsibility=None,
        services=(
            replace(line, paid=ZERO, adjustments=(prior_part, Adjustment("CO", "16", share))),
        ),
    )
    data = write_835([replace(rem, claims=(refused,), total_paid=ZERO, method="NON", handling="H")])
    result = era.import_era(biller, site.practice, data, "refused.835")
    assert result.sets[0].status == "posted", result.sets[0].reasons
    assert result.sets[0].denied
    assert carried(secondary, site.secondary_payer) == share
    assert carried(site.claim) == ZERO
    medicaid = aging_rows(site)["Wisconsin Medicaid"]
    assert medicaid[BUCKET] == str(share) and medicaid[-2:] == ["0.00", str(share)]
    assert_only_the_claim_changes(site)


def test_a_reversal_that_voids_the_secondary_brings_the_share_back(world):
    site, biller = world.a, world.users["biller"]
    rem, original, draft = post_primary(site, biller, seed=33)
    era.import_era(
        biller, site.practice, file_of(rem, [negate(original)], "TRACE-R", 2), "reversal.835"
    )
    draft.refresh_from_db()
    assert draft.status == "closed"
    # The primary payer owes the whole charge again; nothing is owed on the voided claim.
    assert carried(draft) == ZERO
    assert carried(site.claim, site.secondary_payer) == ZERO
    assert carried(site.claim) == Money("130.00")
    rows = aging_rows(site)
    assert "Wisconsin Medicaid" not in rows and rows["TOTAL"][-2:] == ["0.00", "130.00"]
    assert_only_the_claim_changes(site)

    fixed = corrected(original)
    era.import_era(biller, site.practice, file_of(rem, [fixed], "TRACE-C", 3), "corrected.835")
    (live,) = SecondaryClaimLink.objects.filter(prior_claim=site.claim).exclude(
        claim__status="closed"
    )
    assert live.claim.pk != draft.pk
    assert carried(live.claim, site.secondary_payer) == share_of(fixed)
    assert carried(draft) == ZERO and carried(site.claim) == ZERO
    assert_only_the_claim_changes(site)


def test_reversal_and_correction_in_one_set_leave_the_corrected_share(world):
    site, biller = world.a, world.users["biller"]
    rem, original, draft = post_primary(site, biller, seed=34)
    fixed = corrected(original)
    era.import_era(
        biller, site.practice, file_of(rem, [negate(original), fixed], "TRACE-RC", 2), "rc.835"
    )
    (live,) = SecondaryClaimLink.objects.filter(prior_claim=site.claim).exclude(
        claim__status="closed"
    )
    assert carried(live.claim) == share_of(fixed)
    assert carried(draft) == ZERO and carried(site.claim) == ZERO
    assert_only_the_claim_changes(site)


def test_payment_reversal_and_correction_in_one_set_move_the_share_once(world):
    site, biller = world.a, world.users["biller"]
    (rem,) = read_835(era_for(site.claim, seed=35))
    original = rem.claims[0]
    fixed = corrected(original)
    era.import_era(
        biller,
        site.practice,
        file_of(rem, [original, negate(original), fixed], "TRACE-ALL", 2),
        "all.835",
    )
    (link,) = SecondaryClaimLink.objects.filter(prior_claim=site.claim)
    assert carried(link.claim) == share_of(fixed) and carried(site.claim) == ZERO
    assert Entry.objects.filter(source="cob").count() == 2
    assert_only_the_claim_changes(site)


def test_a_sent_secondary_keeps_carrying_what_the_corrected_payment_says(world):
    site, biller = world.a, world.users["biller"]
    rem, original, sent = post_primary(site, biller, seed=36)
    Claim.objects.filter(pk=sent.pk).update(status=Claim.Status.SUBMITTED)
    era.import_era(
        biller, site.practice, file_of(rem, [negate(original)], "TRACE-R", 2), "reversal.835"
    )
    # Still with the payer, flagged for the biller: the reversal took its share back.
    sent.refresh_from_db()
    assert sent.status == "submitted"
    assert carried(sent) == ZERO and carried(site.claim, site.secondary_payer) == ZERO
    fixed = corrected(original)
    era.import_era(biller, site.practice, file_of(rem, [fixed], "TRACE-C", 3), "corrected.835")
    assert carried(sent) == share_of(fixed)
    assert carried(site.claim) == ZERO
    assert_only_the_claim_changes(site)


def test_a_crossed_over_claim_carries_the_share(world):
    site, biller = world.a, world.users["biller"]
    (rem,) = read_835(era_for(site.claim, seed=37))
    crossed = replace(rem.claims[0], status="19")
    era.import_era(biller, site.practice, file_of(rem, [crossed], "TRACE-X", 1), "x.835")
    link = SecondaryClaimLink.objects.get(prior_claim=site.claim)
    assert link.crossed_over
    assert carried(link.claim) == share_of(crossed) and carried(site.claim) == ZERO
    assert_only_the_claim_changes(site)


def test_the_same_payer_twice_moves_the_share_by_claim_not_by_payer(world):
    """Both coverages with one payer (two plans of one insurer): the payer's own balance on
    the primary claim and the share it owes as secondary are told apart by claim."""
    site, biller = world.a, world.users["biller"]
    site.secondary.payer = site.payer
    site.secondary.save()
    _, payment, secondary = post_primary(site, biller, seed=38)
    assert secondary.payer == site.payer
    assert carried(site.claim) == ZERO
    assert carried(secondary, site.payer) == share_of(payment)
    rows = aging_rows(site)
    assert rows[site.payer.name][-2:] == ["0.00", str(share_of(payment))]
    assert_only_the_claim_changes(site)


def test_the_secondary_claim_837p_and_the_patient_statement_are_unchanged(world, tmp_path):
    """The COB amounts of the secondary claim come from the primary's adjudication, and the
    statement bills what the secondary payer left to the patient, by visit."""
    site, biller = world.a, world.users["biller"]
    commercial = Payer.objects.create(
        organization=site.practice.organization,
        name="Badger Mutual",
        payer_id="BDG01",
        payer_type="commercial",
        claim_filing_indicator="CI",
    )
    site.secondary.payer = commercial
    site.secondary.member_id = "BDG7730021"
    site.secondary.save()
    _, payment, secondary = post_primary(site, biller, seed=39)
    text = write_837p([claim_document(secondary)], ENVELOPE, CONTROL, SUBMITTER, CREATED).decode()
    assert f"AMT*D*{payment.paid.x12()}~" in text
    assert f"AMT*EAF*{share_of(payment).x12()}~" in text

    # The secondary payer leaves the patient 10.00 of coinsurance.
    answer = post_secondary(site, biller, secondary, seed=40, change=corrected)
    left = share_of(payment) - answer.paid
    assert left == Money("10.00")
    result = run_statements(biller, site.practice, tmp_path, statement_date=AS_OF)
    ((account, due, _),) = result.sent
    assert account == site.patient.account_number and due == left
    assert_only_the_claim_changes(site)
