"""Posting rules: payments, CO, PR, denials, reversals, crossovers, PLB, unmatched; no lost cent."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

from medbill.core.claim import loads
from medbill.core.ledger.cob import secondary_claim
from medbill.core.ledger.codes import carc_kind, carc_words, next_action
from medbill.core.ledger.posting import (
    Account,
    AccountLine,
    ClaimIndex,
    post_claim,
    post_remittance,
)
from medbill.core.money import ZERO, Money
from medbill.core.x12.m835 import (
    Adjustment,
    ClaimPayment,
    EntityName,
    Procedure,
    ServicePayment,
    read_835,
)
from remittances import sample, sample_read
from shared_data import shared_path

M = Money


def accounts(**kw) -> list[Account]:
    c1 = Account(
        "C-1",
        "M123",
        date(2026, 3, 2),
        M(175),
        (
            AccountLine(1, "99213", M(150), ("25",), "C-1-1"),
            AccountLine(2, "36415", M(25), (), "C-1-2"),
        ),
        **kw,
    )
    # CLP01 of the denied claim does not match: found by member id + date + charge.
    c2 = Account("OURS-2", "M9", None, M(90), ())
    return [c1, c2]


def totals(entries, responsibility=None):
    return sum(
        (e.amount for e in entries if responsibility is None or e.responsibility == responsibility),
        ZERO,
    )


def test_payment_contractual_patient_share_and_line_denial():
    result = post_remittance(sample_read(), ClaimIndex(accounts()))
    assert not result.held and not result.unmatched
    c1, c2 = result.claims
    got = sorted(
        (e.line, e.kind, e.responsibility, str(e.amount), e.group, e.reason) for e in c1.entries
    )
    assert got == [
        (1, "adjustment", "payer", "-50.00", "CO", "45"),
        (1, "payment", "payer", "-80.00", "", ""),
        (1, "transfer", "patient", "20.00", "PR", "2"),
        (1, "transfer", "payer", "-20.00", "PR", "2"),
    ]
    (denial,) = c1.denials
    assert (denial.line, denial.amount, denial.reasons) == (2, M(25), (("CO", "97"),))
    assert "bundled" in denial.reason_words[0] and "NCCI" in denial.action
    assert any(w.startswith("M15 ") for w in denial.remark_words)
    # Balance after posting: the denied line stays open with the payer, 20 with the patient.
    assert M(175) + totals(c1.entries, "payer") == M(25)
    assert totals(c1.entries, "patient") == M(20)
    assert c2.matched_by.startswith("member id") and c2.entries == ()
    assert c2.denials[0].reasons == (("CO", "29"),) and "timely" in c2.denials[0].action
    (plb,) = result.provider_entries
    assert (plb.reason, plb.amount) == ("L6", M(-5))
    # Every entry can be traced back to the 835 segment that caused it.
    assert all(e.position > 0 for e in result.entries)


def test_patient_share_moves_to_the_next_payer_and_a_secondary_claim_is_built(shared_examples):
    (claim,) = loads((shared_examples / "dependent_with_secondary.json").read_text())
    lines = tuple(
        AccountLine(line.line, line.code, line.charge, line.modifiers) for line in claim.lines
    )
    account = Account(
        claim.claim_id,
        claim.subscriber.member_id or "",
        claim.date_of_service,
        claim.total_charge,
        lines,
        has_next_payer=True,
    )
    first = claim.lines[0]
    svc = ServicePayment(
        Procedure("HC", first.code, first.modifiers),
        first.charge,
        first.charge - M(30) - M(10),
        adjustments=(Adjustment("CO", "45", M(10)), Adjustment("PR", "1", M(30))),
    )
    others = tuple(
        ServicePayment(Procedure("HC", line.code, line.modifiers), line.charge, line.charge)
        for line in claim.lines[1:]
    )
    paid = sum((s.paid for s in (svc, *others)), ZERO)
    payment = ClaimPayment(
        claim.claim_id,
        "1",
        claim.total_charge,
        paid,
        M(30),
        "CI",
        "PCN9",
        names=(EntityName("QC", "1", "X", id="Z"),),
        services=(svc, *others),
    )
    posting = post_claim(payment, account)
    assert posting.secondary == "send"
    assert totals(posting.entries, "patient") == ZERO
    assert [e.amount for e in posting.entries if e.next_payer] == [M(30)]
    second = secondary_claim(claim, payment, posting.line_numbers, date(2026, 4, 1), "SEC-1")
    assert second.claim_id == "SEC-1"
    assert second.payer == claim.other_coverage[0].payer
    prior = second.other_coverage[0]
    assert prior.payer == claim.payer and prior.order == "primary"
    assert prior.adjudication.paid == paid
    assert prior.adjudication.patient_responsibility == M(30)
    assert prior.adjudication.lines[0].adjustments[1].reason == "1"


def test_reversal_then_corrected_claim_leaves_only_the_correction():
    original = sample().claims[0]
    neg = replace(
        original,
        status="22",
        charge=-original.charge,
        paid=-original.paid,
        patient_responsibility=-original.patient_responsibility,
        services=tuple(
            replace(
                s,
                charge=-s.charge,
                paid=-s.paid,
                adjustments=tuple(replace(a, amount=-a.amount) for a in s.adjustments),
            )
            for s in original.services
        ),
    )
    corrected = replace(
        original,
        paid=M(90),
        services=(
            replace(
                original.services[0],
                paid=M(90),
                adjustments=(Adjustment("CO", "45", M(40)), Adjustment("PR", "2", M(20))),
            ),
            original.services[1],
        ),
    )
    account = accounts()[0]
    first = post_claim(original, account)
    undo = post_claim(neg, account)
    redo = post_claim(corrected, account)
    assert all(e.reversal for e in undo.entries) and undo.denials == ()
    assert "reversal" in undo.entries[0].memo
    assert totals(first.entries) + totals(undo.entries) == ZERO
    net = [*first.entries, *undo.entries, *redo.entries]
    assert totals(net, "payer") == totals(redo.entries, "payer") == M(-150)
    assert -sum((e.amount for e in net if e.kind == "payment"), ZERO) == M(90)


def test_crossover_is_recorded_not_sent_again():
    crossed = replace(sample().claims[0], status="19")
    posting = post_claim(crossed, accounts(has_next_payer=True)[0])
    assert posting.secondary == "crossed_over"


def test_prior_payer_adjustment_is_informational_on_a_secondary_claim():
    payment = replace(
        sample().claims[0],
        adjustments=(Adjustment("OA", "23", M(10)),),
        paid=M(70),
        services=(
            replace(
                sample().claims[0].services[0],
                paid=M(70),
                adjustments=(Adjustment("CO", "45", M(50)), Adjustment("PR", "2", M(20))),
            ),
            sample().claims[0].services[1],
        ),
    )
    secondary = post_claim(payment, accounts(is_secondary=True)[0])
    assert [a.reason for a in secondary.informational] == ["23"]
    primary = post_claim(payment, accounts()[0])
    assert any(e.reason == "23" and e.kind == "adjustment" for e in primary.entries)


def test_unmatched_claims_go_to_the_work_queue_and_held_files_post_nothing():
    result = post_remittance(sample(), ClaimIndex([]))
    assert [u.claim_id for u in result.unmatched] == ["C-1", "C-2"]
    assert result.unmatched[0].patient_name == "JANE DOE" and result.claims == ()
    held = post_remittance(sample(total_paid=M(1)), ClaimIndex(accounts()))
    assert held.held and held.claims == () and "BPR02" in held.reasons[0]


def test_lines_match_by_code_modifiers_and_charge_without_ref_6r():
    payment = sample().claims[0]
    payment = replace(
        payment,
        services=tuple(replace(s, line_control_number="") for s in reversed(payment.services)),
    )
    posting = post_claim(payment, accounts()[0])
    assert posting.line_numbers == (2, 1)


def test_code_words_and_kinds():
    assert carc_kind("PR", "45") == "patient" and carc_kind("CO", "45") == "contractual"
    assert carc_kind("CO", "29") == "denial" and carc_kind("CO", "ZZZ") == "denial"
    assert carc_kind("OA", "23") == "prior_payer"
    assert carc_words("999") == "CARC 999" and carc_words("3").endswith("copay")
    assert "modifier" in next_action(["4"])


def _fixtures() -> list[Path]:
    folder = shared_path("x12/835")
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".csv")


def _accounts_for(rem) -> list[Account]:
    """Our claims as billed, rebuilt from what each 835 says was charged."""
    out, seen = [], defaultdict(int)
    for payment in rem.claims:
        seen[payment.claim_id] += 1
        claim_id = payment.claim_id + (
            "" if seen[payment.claim_id] == 1 else f"-{seen[payment.claim_id]}"
        )
        lines = tuple(
            AccountLine(n, s.procedure.code, s.charge, s.procedure.modifiers, s.line_control_number)
            for n, s in enumerate(payment.services, start=1)
        )
        out.append(
            Account(
                claim_id,
                payment.member_id,
                payment.service_dates[0],
                payment.charge,
                lines,
                is_secondary=payment.status in ("2", "3"),
            )
        )
    return out


def test_every_fixture_posts_without_losing_a_cent():
    for path in _fixtures():
        for rem in read_835(path.read_bytes()):
            accts = _accounts_for(rem)
            result = post_remittance(rem, ClaimIndex(accts))
            assert not result.held and not result.unmatched, path.name
            assert sorted(c.account.claim_id for c in result.claims) == sorted(
                a.claim_id for a in accts
            ), path.name
            per_patient: dict[str, Money] = defaultdict(lambda: ZERO)
            for posting in result.claims:
                pay = posting.payment
                payments = -totals([e for e in posting.entries if e.kind == "payment"])
                adjustments = -totals([e for e in posting.entries if e.kind == "adjustment"])
                balance = pay.charge + totals(posting.entries)
                # charges = payments + adjustments + balance after posting ...
                assert pay.charge == payments + adjustments + balance, (path.name, pay.claim_id)
                assert payments == pay.paid
                # ... and the balance is exactly what is still owed and by whom.
                held = sum((d.amount for d in posting.denials), ZERO)
                info = sum((a.amount for a in posting.informational), ZERO)
                patient = totals(posting.entries, "patient")
                assert balance == held + info + patient, (path.name, pay.claim_id)
                per_patient[pay.member_id] += pay.charge - payments - adjustments - balance
            assert set(per_patient.values()) <= {ZERO}
            plb = sum((p.amount for p in result.provider_entries), ZERO)
            paid = sum((c.paid for c in result.claims), ZERO)
            assert paid + plb == rem.total_paid, path.name


def _line(code, charge, paid, *adjustments):
    return ServicePayment(
        Procedure("HC", code),
        M(charge),
        M(paid),
        adjustments=tuple(Adjustment(g, r, M(a)) for g, r, a in adjustments),
    )


def _claim(status, *services):
    paid = sum((s.paid for s in services), ZERO)
    return ClaimPayment(
        "C-1",
        status,
        sum((s.charge for s in services), ZERO),
        paid,
        None,
        "12",
        "PCN9",
        services=services,
    )


def test_a_write_down_beside_a_denied_line_is_not_a_denial():
    """Nothing paid: the visit denied, the blood draw applied to the deductible."""
    payment = _claim(
        "1",
        _line("99213", "150", "0", ("CO", "96", "150")),
        _line("36415", "25", "0", ("CO", "45", "9"), ("PR", "1", "16")),
    )
    posting = post_claim(payment, accounts()[0])
    assert [(d.line, d.reasons) for d in posting.denials] == [(1, (("CO", "96"),))]
    assert any(e.reason == "45" and e.kind == "adjustment" for e in posting.entries)
    assert not posting.denied_in_full


def test_denied_in_full_when_every_line_is_refused_for_a_reason():
    abn = _claim(
        "1",
        _line("99213", "150", "0", ("CO", "50", "150")),
        _line("36415", "25", "0", ("PR", "50", "25")),
    )
    assert post_claim(abn, accounts()[0]).denied_in_full
    # A secondary payer with nothing left to pay after the primary denies nothing, even when
    # it says CLP02 = 4.
    nothing_left = _claim(
        "4",
        _line("99213", "150", "0", ("OA", "23", "150")),
        _line("36415", "25", "0", ("OA", "23", "25")),
    )
    posting = post_claim(nothing_left, accounts(is_secondary=True)[0])
    assert not posting.denied_in_full and posting.denials == ()
    assert not post_claim(sample().claims[0], accounts()[0]).denied_in_full  # paid in part


def test_nothing_paid_and_nothing_to_the_patient_with_a_line_refused_is_a_denied_claim():
    """The visit denied as not covered, the supply written down to nothing: no one pays."""
    payment = _claim(
        "1",
        _line("99213", "150", "0", ("CO", "96", "150")),
        _line("36415", "25", "0", ("CO", "45", "25")),
    )
    posting = post_claim(payment, accounts()[0])
    assert [d.line for d in posting.denials] == [1]
    assert posting.denied_in_full
