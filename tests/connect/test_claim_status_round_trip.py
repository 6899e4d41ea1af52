"""Claim status round trip: medbill writes a 276, the payer simulator answers from the
claims it adjudicated with a 277, medbill reads it and knows where each claim stands."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzzing import mutate_x12, x12_seeds
from medbill.connect.claim_status import exchange_claim_status
from medbill.connect.payer_sim import PayerSimulator
from medbill.connect.realtime import EligibilityEndpoint, RealtimeError
from medbill.core.eligibility.simulator import PlanTable
from medbill.core.payersim import ClaimBook, simulate
from medbill.core.submission.lifecycle import status_after_claim_status
from medbill.core.x12 import ControlNumbers, X12ParseError, X12WriteError
from medbill.core.x12.m276 import InformationReceiver, inquiry_for_claim, write_276
from medbill.core.x12.m277 import read_277
from shared_data import shared_path
from x12_claims import ENVELOPE, claim

RECEIVER = InformationReceiver("Cedar Valley Family Practice", "CVFP01")
DECIDED = date(2026, 3, 10)


def _adjudicated() -> tuple[ClaimBook, list]:
    paid = claim("S-PAID")
    denied = claim(
        "S-DENIED", lines=[{"line": 1, "code": "99395", "charge": "210.00", "dx_pointers": [1]}]
    )
    bad = claim("S-REJECTED")
    bad = replace(bad, billing_provider=replace(bad.billing_provider, npi="1234567890"))
    never = claim("S-UNKNOWN")
    book = ClaimBook()
    book.record(simulate([paid, denied, bad], seed=3, received=DECIDED), DECIDED)
    return book, [paid, denied, bad, never]


def _276(claims) -> bytes:
    inquiries = [inquiry_for_claim(c, f"T-{c.claim_id}") for c in claims]
    return write_276(
        inquiries, ENVELOPE, ControlNumbers(9, 9), RECEIVER, datetime(2026, 4, 30, 9, 0)
    )


def _by_claim(data: bytes) -> dict[str, object]:
    (resp,) = read_277(data)
    return {c.patient_control_number: c for c in resp.claims}


def test_in_process_answers_follow_what_the_payer_decided() -> None:
    book, claims = _adjudicated()
    assert len(book) == 3
    answer = book.answer_276(
        _276(claims),
        payer_id="LCI220",
        requester="MEDBILLTEST",
        control=5,
        today=date(2026, 4, 30),
        created=datetime(2026, 4, 30, 9, 1),
    )
    got = _by_claim(answer)
    assert {k: (c.status.category, c.status.code) for k, c in got.items()} == {
        "S-PAID": ("F1", "65"),
        "S-DENIED": ("F2", "1"),
        "S-REJECTED": ("A7", "562"),
        "S-UNKNOWN": ("A4", "35"),
    }
    assert got["S-PAID"].paid and got["S-PAID"].paid.amount > 0
    assert got["S-PAID"].payer_claim_number
    assert got["S-PAID"].status.check_number
    assert got["S-DENIED"].paid.amount == 0
    assert got["S-REJECTED"].words() == (
        "rejected: information is invalid: the entity's NPI "
        "is missing or invalid (billing provider)"
    )
    assert {t: status_after_claim_status("submitted", c.status.group) for t, c in got.items()} == {
        "S-PAID": "accepted",
        "S-DENIED": "accepted",
        "S-REJECTED": "rejected",
        "S-UNKNOWN": "submitted",
    }


def test_before_the_payment_date_the_claim_waits_for_the_payment_cycle() -> None:
    book, claims = _adjudicated()
    answer = book.answer_276(
        _276(claims[:1]),
        payer_id="LCI220",
        requester="MEDBILLTEST",
        control=5,
        today=DECIDED,
        created=datetime(2026, 3, 10, 9, 1),
    )
    status = _by_claim(answer)["S-PAID"].status
    assert (status.category, status.code) == ("F0", "3")


@pytest.mark.parametrize("envelope", ["soap", "mime"])
def test_round_trip_over_http(envelope: str) -> None:
    book, claims = _adjudicated()
    with PayerSimulator(
        PlanTable({}), book=book, today=date(2026, 4, 30), payer_id="LCI220"
    ) as sim:
        endpoint = EligibilityEndpoint(sim.url, "MEDBILLTEST", "LCI220", envelope=envelope)
        text = exchange_claim_status(_276(claims).decode(), endpoint)
    got = _by_claim(text.encode())
    assert got["S-PAID"].status.group == "paid"
    assert got["S-REJECTED"].status.group == "rejected"


def test_a_broken_276_is_refused_with_the_reason() -> None:
    with PayerSimulator(PlanTable({})) as sim:
        endpoint = EligibilityEndpoint(sim.url, "MEDBILLTEST", "LCI220")
        with pytest.raises(RealtimeError, match="Payload Error"):
            exchange_claim_status("ISA*00*garbage~", endpoint)


class _Draws:
    """``tests/fuzzing.py``'s chooser backed by Hypothesis, so failures shrink."""

    def __init__(self, data) -> None:
        self.data = data

    def randrange(self, stop: int) -> int:
        return self.data.draw(st.integers(0, stop - 1)) if stop > 1 else 0


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_simulator_answers_a_broken_276_or_refuses_it(data) -> None:
    seeds = x12_seeds(shared_path("x12"))
    pool = [s for s in seeds if s.kind == "276"]
    broken = mutate_x12(_Draws(data), data.draw(st.sampled_from(pool)), seeds)
    try:
        answer = ClaimBook().answer_276(
            broken,
            payer_id="LCI220",
            requester="MEDBILLTEST",
            control=1,
            today=DECIDED,
            created=datetime(2026, 3, 10, 9, 0),
        )
    except (X12ParseError, X12WriteError):
        return
    assert read_277(answer)  # what it answers, we can read
