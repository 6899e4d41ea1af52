"""Paper EOBs as remittance documents, and PLB adjustments followed until they net out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from medbill.core.ledger.balance import hold_reasons
from medbill.core.ledger.paper_eob import (
    EobError,
    PaperClaim,
    PaperEob,
    check_claim_sent,
    eob_amount,
    eob_remittance,
    parse_adjustments,
    repeated_claims,
)
from medbill.core.ledger.provider_balances import PlbItem, follow
from medbill.core.money import Money
from medbill.core.x12.m835 import read_835, write_835


def _eob(paid="90.00", total="90.00", adjustments="CO-45 20.00; PR-2 20.00", patient=None):
    claim = PaperClaim(
        "PCN1",
        Money("130.00"),
        Money(paid),
        parse_adjustments(adjustments),
        None if patient is None else Money(patient),
        member_id="M1",
        patient_last="DOE",
    )
    return PaperEob("ACME", "12345", "1234567893", "CHK9", date(2026, 3, 2), Money(total), (claim,))


def test_a_balanced_eob_is_an_835_that_reads_back_and_balances():
    rem = eob_remittance(_eob())
    assert hold_reasons(rem) == []
    (back,) = read_835(write_835(rem))
    assert (back.trace_number, back.method, back.total_paid) == ("CHK9", "CHK", Money("90.00"))
    (claim,) = back.claims
    assert claim.patient_responsibility == Money("20.00")
    assert [(a.group, a.reason, a.amount) for a in claim.adjustments] == [
        ("CO", "45", Money("20.00")),
        ("PR", "2", Money("20.00")),
    ]
    assert not [p for p in back.problems if p.severity == "error"]


def test_what_does_not_balance_is_refused_in_words_before_anything_is_written():
    with pytest.raises(EobError) as short:
        eob_remittance(_eob(paid="80.00", total="80.00"))
    assert "is not accounted for" in short.value.problem and "$" in short.value.problem
    with pytest.raises(EobError, match="check total .* is not the claims' payments"):
        eob_remittance(_eob(total="95.00"))
    # what does balance passes the posting rules' own checks too
    assert hold_reasons(eob_remittance(_eob())) == []


def test_a_denial_on_paper():
    rem = eob_remittance(_eob(paid="0", total="0", adjustments="CO-197 130.00"))
    assert rem.claims[0].status == "4" and rem.method == "NON"


@pytest.mark.parametrize(
    ("text", "words"),
    [("CO45", "as in CO-45"), ("XX-1 2.00", "not a group code"), ("CO-45 abc", "as in CO-45")],
)
def test_adjustments_that_cannot_be_read(text, words):
    with pytest.raises(EobError, match=words):
        parse_adjustments(text)


def test_patient_responsibility_must_be_the_pr_adjustments():
    with pytest.raises(EobError, match="differs from its PR adjustments"):
        eob_remittance(_eob(patient="5.00"))


def _plb(i, reason, ref, amount, day):
    return PlbItem(i, "P1", reason, ref, Money(amount), date(2026, 3, day))


def test_takebacks_are_open_until_they_net_out_and_interest_is_final():
    threads = follow(
        [
            _plb(1, "FB", "ICN1", "-10.00", 1),
            _plb(2, "FB", "icn1", "10.00", 9),
            _plb(3, "WO", "ICN2", "-25.00", 3),
            _plb(4, "L6", "", "1.10", 4),
            _plb(5, "WO", "", "-2.00", 5),
        ]
    )
    states = {(t.reason, t.reference): (t.state, t.net) for t in threads}
    assert states[("FB", "ICN1")] == ("netted", Money(0))
    assert states[("WO", "ICN2")] == ("open", Money("-25.00"))
    assert states[("L6", "")] == ("final", Money("1.10"))
    assert states[("WO", "")] == ("open", Money("-2.00"))
    assert len(threads) == 4


@pytest.mark.parametrize(
    ("eob", "field", "words"),
    [
        (_eob(paid="-90.00", total="-90.00"), "check total", "must not be negative"),
        (_eob(paid="-90.00", total="0.00"), "claim PCN1 paid", "must not be negative"),
        (_eob(patient="-20.00"), "claim PCN1 patient responsibility", "must not be negative"),
        (
            _eob(paid="1000000.00", total="1000000.00"),
            "check total",
            "is more than $999,999.99",
        ),
    ],
)
def test_negative_or_absurd_amounts_are_refused_naming_the_field(eob, field, words):
    with pytest.raises(EobError) as err:
        eob_remittance(eob)
    assert err.value.field == field and words in err.value.problem


def test_amounts_typed_from_a_paper_eob():
    assert eob_amount("1,234.50", "paid") == Money("1234.50")
    assert eob_amount("0", "paid") == Money("0.00")
    for bad in ("-0.01", "1000000", "1.005", "abc"):
        with pytest.raises(EobError) as err:
            eob_amount(bad, "paid")
        assert err.value.field == "paid"


@pytest.mark.parametrize("status", ["draft", "scrubbed"])
def test_a_claim_never_sent_has_no_eob(status):
    with pytest.raises(EobError) as err:
        check_claim_sent("KHR0000088", status)
    assert err.value.problem == (
        "KHR0000088 has not been sent to a payer yet; post a payment at the desk "
        "or send the claim first"
    )
    for sent in ("submitted", "accepted", "paid", "denied", "closed"):
        check_claim_sent("KHR0000088", sent)


def test_a_claim_rejected_before_adjudication_has_no_eob():
    with pytest.raises(EobError) as err:
        check_claim_sent("KHR0000088", "rejected", "claims[2].claim")
    assert err.value.field == "claims[2].claim"
    assert err.value.problem.startswith(
        "KHR0000088 was rejected before the payer adjudicated it, so no EOB can be for it"
    )


def test_an_adjustment_with_more_than_two_decimals_is_refused_not_rounded():
    with pytest.raises(EobError, match=r"adjustment 2 \(PR-2\) has more than two decimals"):
        parse_adjustments("CO-45 20.00; PR-2 19.995")
    assert parse_adjustments("CO-45 $1,020.00")[0].amount == Money("1020.00")
    assert parse_adjustments("CO-45 -$5.00")[0].amount == Money("-5.00")


def test_a_claim_on_two_lines_of_one_eob_is_refused_naming_both():
    eob = _eob()
    twice = replace(eob, claims=eob.claims * 2, check_total=Money("180.00"))
    with pytest.raises(EobError) as refused:
        eob_remittance(twice)
    assert refused.value.field == "claim PCN1"
    assert refused.value.problem.startswith("claim PCN1 is on lines 1 and 2: one line a claim")
    assert repeated_claims([(1, "A"), (3, " A"), (4, "B"), (5, "A"), (6, "")], "row") == {
        3: "claim A is on rows 1, 3 and 5: one row a claim (enter what the EOB says of it "
        "once, on one row)",
        5: "claim A is on rows 1, 3 and 5: one row a claim (enter what the EOB says of it "
        "once, on one row)",
    }


def test_a_claim_without_its_number_is_refused():
    eob = _eob()
    nameless = replace(eob, claims=(replace(eob.claims[0], claim_id=" "),))
    with pytest.raises(EobError, match="an amount without a claim"):
        eob_remittance(nameless)
