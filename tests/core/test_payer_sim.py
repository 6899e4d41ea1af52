"""The simulated payer: 837P in, balanced 835 (pyx12-valid) and 277CA out, deterministic."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from typer.testing import CliRunner

from medbill.cli.main import app
from medbill.core.claim import loads
from medbill.core.ledger.balance import check_balance
from medbill.core.ledger.cob import secondary_claim
from medbill.core.ledger.posting import Account, AccountLine, ClaimIndex, post_remittance
from medbill.core.money import Money
from medbill.core.payersim import (
    Adjudicator,
    PayerProfile,
    acknowledge_837p,
    simulate,
    write_277ca,
)
from medbill.core.x12 import ControlNumbers, iter_segments
from medbill.core.x12.m277ca import read_277ca
from medbill.core.x12.m835 import read_835, write_835
from medbill.core.x12.m837p import batch_reference, write_837p
from medbill.core.x12.m999 import read_999
from remittances import pyx12_835_problems
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER, claim
from x12_pyx12 import pyx12_errors

M = Money


def account_of(c) -> Account:
    return Account(
        c.claim_id,
        c.subscriber.member_id or "",
        c.date_of_service,
        c.total_charge,
        tuple(
            AccountLine(
                line.line, line.code, line.charge, line.modifiers, line.line_control_number or ""
            )
            for line in c.lines
        ),
        has_next_payer=any(o.adjudication is None for o in c.other_coverage),
        is_secondary=any(o.adjudication for o in c.other_coverage),
    )


def test_examples_adjudicate_into_a_balanced_valid_835(shared_examples):
    claims = loads((shared_examples / "all_claims.json").read_text())
    result = simulate(claims, seed=7)
    assert not result.rejections
    data = write_835(result.remittances)
    assert pyx12_835_problems(data) == []
    rems = read_835(data)
    assert all(check_balance(r) == [] for r in rems)
    paid = [c for r in rems for c in r.claims]
    assert {c.claim_id for c in paid} == {c.claim_id for c in claims}
    # Allowed from the fee schedule: 99214 at 130.00 (CO-45 for the rest), copay as PR-3.
    first = next(c for c in paid if c.claim_id == "CVFP-000101").services[0]
    assert first.allowed == M(130) and ("CO", "45", M(55)) in [
        (a.group, a.reason, a.amount) for a in first.adjustments
    ]
    assert ("PR", "3", M(25)) in [(a.group, a.reason, a.amount) for a in first.adjustments]
    # The 835 posts cleanly against our own claims.
    posting = [post_remittance(r, ClaimIndex(account_of(c) for c in claims)) for r in rems]
    assert all(not p.held and not p.unmatched for p in posting)


def test_same_seed_same_bytes_other_seed_other_trace(shared_examples):
    claims = loads((shared_examples / "all_claims.json").read_text())
    one = write_835(simulate(claims, seed=3).remittances)
    assert one == write_835(simulate(claims, seed=3).remittances)
    assert one != write_835(simulate(claims, seed=4).remittances)


def reasons(payment):
    adjs = [*payment.adjustments, *(a for s in payment.services for a in s.adjustments)]
    return {(a.group, a.reason) for a in adjs}


def test_realistic_denials_with_real_codes():
    sim = Adjudicator(PayerProfile("LCI220", "LAKELAND COMMERCIAL INSURANCE"), seed=1)
    visit = claim(
        "D-1",
        lines=[
            {"line": 1, "code": "99213", "charge": "130.00", "dx_pointers": [1]},
            {"line": 2, "code": "11102", "charge": "150.00", "dx_pointers": [1]},
        ],
    )
    missing_25 = sim.adjudicate_claim(visit, date(2026, 3, 10))
    assert ("CO", "4") in reasons(missing_25)
    assert ("HE", "N822") in missing_25.services[0].remarks
    assert missing_25.services[1].paid > M(0)
    duplicate = sim.adjudicate_claim(replace(visit, claim_id="D-2"), date(2026, 3, 11))
    assert duplicate.status == "4" and ("CO", "18") in reasons(duplicate)
    late = sim.adjudicate_claim(claim("D-3"), date(2027, 6, 1))
    assert late.status == "4" and ("CO", "29") in reasons(late)
    physical = claim(
        "D-4", lines=[{"line": 1, "code": "99396", "charge": "200.00", "dx_pointers": [1]}]
    )
    non_covered = sim.adjudicate_claim(physical, date(2026, 3, 10))
    assert ("CO", "96") in reasons(non_covered)
    rem = sim.run([visit])
    assert rem.remittances and pyx12_835_problems(write_835(rem.remittances)) == []


def test_front_end_rejections_go_to_a_277ca_our_reader_understands():
    bad_npi = claim("R-1")
    bad_npi = replace(bad_npi, billing_provider=replace(bad_npi.billing_provider, npi="1234567890"))
    no_member = claim("R-2")
    no_member = replace(no_member, subscriber=replace(no_member.subscriber, member_id=None))
    good = claim("R-3")
    result = simulate([bad_npi, no_member, good], seed=1)
    assert sorted(r.claim.claim_id for r in result.rejections) == ["R-1", "R-2"]
    ack = write_277ca(
        result.accepted,
        result.rejections,
        payer_id="LCI220",
        payer_name="LAKELAND",
        processed=date(2026, 3, 10),
    )
    assert pyx12_errors(ack) == []
    (read,) = read_277ca(ack)
    verdict = {c.claim_id: c.accepted for c in read.claims}
    assert verdict == {"R-1": False, "R-2": False, "R-3": True}
    assert "subscriber" in next(c for c in read.claims if c.claim_id == "R-2").reason()


def test_secondary_payer_pays_what_the_patient_still_owed():
    medicaid = {"name": "Wisconsin Medicaid", "payer_id": "WIMCD", "type": "medicaid"}
    sub = {"name": {"last": "Halvorsen", "first": "Erik"}, "member_id": "WI5550001"}
    first_payer = claim(
        "S-1",
        lines=[
            {"line": 1, "code": "99214", "charge": "185.00", "dx_pointers": [1]},
            {"line": 2, "code": "36415", "charge": "25.00", "dx_pointers": [1]},
        ],
        other_coverage=[
            {
                "payer": medicaid,
                "subscriber": sub,
                "order": "secondary",
                "relationship_to_subscriber": "self",
            }
        ],
    )
    (rem,) = simulate([first_payer], seed=2).remittances
    posting = post_remittance(rem, ClaimIndex([account_of(first_payer)]))
    (cp,) = posting.claims
    assert cp.secondary == "send"
    second = secondary_claim(first_payer, cp.payment, cp.line_numbers, rem.payment_date, "S-1B")
    assert second.payer.payer_id == "WIMCD" and second.other_coverage[0].adjudication
    (rem2,) = simulate([second], seed=2).remittances
    (pay2,) = rem2.claims
    assert pay2.status == "2" and ("OA", "23") in reasons(pay2)
    assert check_balance(rem2) == []
    assert M(0) < pay2.paid <= cp.payment.patient_responsibility
    assert pyx12_835_problems(write_835(rem2)) == []
    # Our ledger: the secondary claim posts with OA-23 as information only.
    post2 = post_remittance(rem2, ClaimIndex([account_of(second)]))
    assert [a.reason for a in post2.claims[0].informational] == ["23", "23"]


def test_cli_adjudicates_an_837p_file(tmp_path):
    claims = [
        claim("CLI-1"),
        claim(
            "CLI-2", lines=[{"line": 1, "code": "99213", "charge": "130.00", "dx_pointers": [1]}]
        ),
    ]
    bad = claim("CLI-3")
    claims.append(replace(bad, subscriber=replace(bad.subscriber, member_id="")))
    source = tmp_path / "in.837"
    source.write_bytes(write_837p(claims[:2], ENVELOPE, CONTROL, SUBMITTER, CREATED))
    out = tmp_path / "out.835"
    run = CliRunner().invoke(
        app,
        [
            "payer-sim",
            "adjudicate",
            str(source),
            "-o",
            str(out),
            "--seed",
            "5",
            "--ack",
            str(tmp_path / "out.277ca"),
        ],
    )
    assert run.exit_code == 0, run.output
    assert "2 claim(s)" in run.output
    (rem,) = read_835(out.read_bytes())
    assert [c.claim_id for c in rem.claims] == ["CLI-1", "CLI-2"]
    assert read_277ca((tmp_path / "out.277ca").read_bytes())[0].claims
    assert read_999((tmp_path / "out.999").read_bytes())[0].groups[0].status == "accepted"
    missing = CliRunner().invoke(
        app, ["payer-sim", "adjudicate", str(tmp_path / "nope.837"), "-o", str(out)]
    )
    assert missing.exit_code != 0


def test_the_835_trace_originator_is_the_payers_id_not_the_payees_tin():
    c = claim("T-1")
    (rem,) = simulate([c], seed=1).remittances
    assert rem.trace_originator.startswith("1") and len(rem.trace_originator) == 10
    assert rem.trace_originator != "1" + c.billing_provider.tin
    profile = PayerProfile("LCI220", "LAKELAND", ein="396000123")
    (rem,) = simulate([c], seed=1, profiles={"LCI220": profile}).remittances
    assert rem.trace_originator == "1396000123"
    trn = next(s for s in iter_segments(write_835([rem])) if s.id == "TRN")
    assert trn[3] == "1396000123"


def test_the_277ca_echoes_the_837s_batch_reference():
    data = write_837p(
        [claim("B-1")],
        ENVELOPE,
        ControlNumbers(4711, 4711),
        SUBMITTER,
        CREATED,
        reference="000004711",
    )
    assert batch_reference(data) == "000004711"
    result = simulate([claim("B-1")], seed=1)
    ack = write_277ca(
        result.accepted,
        result.rejections,
        payer_id="LCI220",
        payer_name="LAKELAND",
        processed=date(2026, 3, 10),
        batch_reference=batch_reference(data),
    )
    assert pyx12_errors(ack) == []
    (read,) = read_277ca(ack)
    assert read.batch_reference == "000004711"


def test_the_simulator_acknowledges_an_837p_with_a_999():
    data = write_837p([claim("A-1"), claim("A-2")], ENVELOPE, CONTROL, SUBMITTER, CREATED)
    ack = acknowledge_837p(data, ControlNumbers(77, 77), datetime(2026, 3, 9, 15, 0))
    assert pyx12_errors(ack) == []
    (read,) = read_999(ack)
    (group,) = read.groups
    assert group.status == "accepted" and group.accepted == 1
    assert group.transactions[0].control_number == "0001"


def test_the_999_rejects_a_transaction_set_whose_count_is_off():
    text = write_837p([claim("A-1")], ENVELOPE, CONTROL, SUBMITTER, CREATED).decode()
    se = next(s for s in iter_segments(text) if s.id == "SE")
    bad = text.replace(f"SE*{se[1]}*", f"SE*{int(se[1]) + 1}*").encode()
    ack = acknowledge_837p(bad, ControlNumbers(78, 78), datetime(2026, 3, 9, 15, 0))
    assert pyx12_errors(ack) == []
    (tx,) = read_999(ack)[0].groups[0].transactions
    assert tx.status == "rejected" and tx.codes == ["4"]
