"""Eligibility round trips to the local payer simulator over real HTTP.

Prints p50/p95 of single real-time 270→271 exchanges and the time for a
batch of 500 appointments. Targets: p95 ≤ 200 ms; 500 in ≤ 60 s.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import httpx

from medbill.connect.payer_sim import PayerSimulator
from medbill.connect.realtime import EligibilityEndpoint, check_eligibility, check_many
from medbill.core.eligibility.simulator import PlanTable
from medbill.core.x12.m270 import EligibilityInquiry, InquiryPerson, InquiryProvider

N_MEMBERS = 500


def table() -> PlanTable:
    return PlanTable(
        {
            "payers": {"BSHP01": {"name": "Badger State Health Plan"}},
            "plans": {
                "SILVER": {
                    "name": "Silver PPO",
                    "copay_office": "25",
                    "deductible": "1500",
                    "coinsurance": "0.2",
                    "out_of_pocket": "6000",
                }
            },
            "members": [
                {
                    "payer_id": "BSHP01",
                    "member_id": f"M{i:05d}",
                    "last": "Member",
                    "first": f"N{i}",
                    "dob": "1980-01-01",
                    "plan": "SILVER",
                }
                for i in range(N_MEMBERS)
            ],
        }
    )


def inquiry(i: int) -> EligibilityInquiry:
    return EligibilityInquiry(
        trace_number=f"B{i:06d}",
        payer_name="Badger",
        payer_id="BSHP01",
        provider=InquiryProvider("Cedar Valley Family Practice", "1746502933"),
        subscriber=InquiryPerson(
            "Member", f"N{i}", member_id=f"M{i % N_MEMBERS:05d}", dob=date(1980, 1, 1)
        ),
        date_of_service=date(2026, 3, 2),
    )


def main() -> None:
    with PayerSimulator(table()) as sim:
        for envelope in ("soap", "mime"):
            endpoint = EligibilityEndpoint(sim.url, "MEDBILL", "PAYERSIM", envelope=envelope)
            times = []
            with httpx.Client() as http:
                for i in range(20):
                    check_eligibility(inquiry(i), endpoint, http)  # warm-up
                for i in range(200):
                    t0 = time.perf_counter()
                    resp = check_eligibility(inquiry(i), endpoint, http)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert resp.status == "active"
            times.sort()
            p50 = statistics.median(times)
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"real-time {envelope:4s}: p50 {p50:.1f} ms  p95 {p95:.1f} ms  (target ≤ 200)")
        endpoint = EligibilityEndpoint(sim.url, "MEDBILL", "PAYERSIM")
        t0 = time.perf_counter()
        results = check_many([inquiry(i) for i in range(500)], endpoint)
        elapsed = time.perf_counter() - t0
        ok = sum(1 for r in results if getattr(r, "status", None) == "active")
        print(f"batch of 500 appointments: {elapsed:.2f} s, {ok} active  (target ≤ 60 s)")


if __name__ == "__main__":
    main()
