"""Real-time eligibility over real HTTP on 127.0.0.1 against the payer simulator."""

from __future__ import annotations

import socket
from datetime import date

import httpx
import pytest

from medbill.connect.payer_sim import PayerSimulator
from medbill.connect.realtime import (
    EligibilityEndpoint,
    PayerUnavailable,
    RealtimeError,
    check_eligibility,
    check_many,
)
from medbill.core.eligibility.simulator import PlanTable
from medbill.core.x12.m270 import EligibilityInquiry, InquiryPerson, InquiryProvider
from medbill.core.x12.m271 import summarize

TABLE = PlanTable(
    {
        "payers": {"BSHP01": {"name": "Badger State Health Plan"}},
        "plans": {
            "SILVER": {
                "name": "Silver PPO",
                "copay_office": "25",
                "deductible": "1500",
                "coinsurance": "0.2",
            }
        },
        "members": [
            {
                "payer_id": "BSHP01",
                "member_id": f"M{i:04d}",
                "last": "Member",
                "first": f"N{i}",
                "dob": "1980-01-01",
                "plan": "SILVER",
                "deductible_met": str(i),
            }
            for i in range(20)
        ],
    }
)


def ask(member: str = "M0003") -> EligibilityInquiry:
    return EligibilityInquiry(
        trace_number=f"TR-{member}",
        payer_name="Badger",
        payer_id="BSHP01",
        provider=InquiryProvider("Cedar Valley Family Practice", "1746502933"),
        subscriber=InquiryPerson("Member", "N3", member_id=member, dob=date(1980, 1, 1)),
        date_of_service=date(2026, 3, 2),
    )


@pytest.fixture
def sim():
    with PayerSimulator(TABLE, credentials=("desk", "secret")) as server:
        yield server


@pytest.mark.parametrize("envelope", ["soap", "mime"])
def test_round_trip_over_http(sim, envelope):
    endpoint = EligibilityEndpoint(sim.url, "MEDBILL", "PAYERSIM", "desk", "secret", envelope)
    resp = check_eligibility(ask(), endpoint)
    assert resp.status == "active"
    assert resp.trace_number == "TR-M0003"
    assert (
        summarize(resp)
        == "Active · copay $25.00 · deductible $1,497.00 of $1,500.00 remaining · coinsurance 20%"
    )


def test_unknown_member_is_a_rejection_not_an_error(sim):
    endpoint = EligibilityEndpoint(sim.url, "MEDBILL", "PAYERSIM", "desk", "secret")
    resp = check_eligibility(ask("NOBODY"), endpoint)
    assert resp.status == "rejected"
    assert resp.rejections[0].reason == "Subscriber not found"


def test_bad_credentials_are_refused(sim):
    endpoint = EligibilityEndpoint(sim.url, "MEDBILL", "PAYERSIM", "desk", "wrong")
    with pytest.raises(RealtimeError, match="UnAuthorized"):
        check_eligibility(ask(), endpoint)


def test_slow_payer_times_out_with_a_clear_error():
    with PayerSimulator(TABLE, delay=1.0) as slow:
        endpoint = EligibilityEndpoint(slow.url, "MEDBILL", "PAYERSIM", timeout=0.2)
        with pytest.raises(PayerUnavailable, match=r"did not answer within 0\.2 s"):
            check_eligibility(ask(), endpoint)


def test_closed_port_is_unavailable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint = EligibilityEndpoint(
        f"http://127.0.0.1:{port}/core", "MEDBILL", "PAYERSIM", timeout=1.0
    )
    with pytest.raises(PayerUnavailable, match="could not be reached"):
        check_eligibility(ask(), endpoint)


def test_garbage_envelope_gets_http_400(sim):
    reply = httpx.post(
        sim.url, content=b"<not-core/>", headers={"Content-Type": "application/soap+xml"}
    )
    assert reply.status_code == 400
    assert b"SOAP Body is missing" in reply.content


def test_batch_keeps_going_past_errors(sim):
    endpoint = EligibilityEndpoint(sim.url, "MEDBILL", "PAYERSIM", "desk", "secret")
    results = check_many([ask(f"M{i:04d}") for i in range(5)] + [ask("NOBODY")], endpoint)
    assert [r.status for r in results] == ["active"] * 5 + ["rejected"]
    assert [r.trace_number for r in results] == [f"TR-M{i:04d}" for i in range(5)] + ["TR-NOBODY"]
