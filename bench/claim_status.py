"""Claim status round trips (276 → 277) against the payer simulator.

Adjudicates N claims in the simulated payer (not timed), then times what a biller's
"where are my claims?" costs: medbill writes one 276 for all of them, sends it over real
HTTP (CAQH CORE SOAP on 127.0.0.1) to the simulator, which reads it, answers every claim
from what it decided and writes a 277; medbill reads the 277 and works out where each
claim moves. Also the same exchange in-process (no HTTP) and single-claim inquiries.

    .venv/bin/python bench/claim_status.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from datetime import date, datetime

import httpx

from medbill.connect.claim_status import exchange_claim_status
from medbill.connect.payer_sim import PayerSimulator
from medbill.connect.realtime import EligibilityEndpoint
from medbill.core.claim import Claim
from medbill.core.eligibility.simulator import PlanTable
from medbill.core.payersim import ClaimBook, simulate
from medbill.core.submission.lifecycle import status_after_claim_status
from medbill.core.x12 import ControlNumbers, InterchangeEnvelope
from medbill.core.x12.m276 import InformationReceiver, inquiry_for_claim, write_276
from medbill.core.x12.m277 import read_277

RECEIVER = InformationReceiver("Cedar Valley Family Practice", "CVFP01")
ENVELOPE = InterchangeEnvelope("CVFP01", "LCI220")
TODAY = date(2026, 4, 30)
CODES = ("99213", "99214", "99395", "87880", "36415")


def claims(n: int) -> list[Claim]:
    out = []
    for i in range(n):
        dependent = i % 10 == 0
        subscriber = {
            "name": {"last": "Member", "first": f"S{i}"},
            "member_id": f"M{i:07d}",
            "dob": "1980-01-01",
            "sex": "F",
        }
        patient = (
            {
                "name": {"last": "Member", "first": f"D{i}"},
                "dob": "2015-05-05",
                "sex": "M",
                "relationship_to_subscriber": "child",
            }
            if dependent
            else {
                "name": subscriber["name"],
                "dob": "1980-01-01",
                "sex": "F",
                "relationship_to_subscriber": "self",
            }
        )
        out.append(
            Claim.from_dict(
                {
                    "claim_id": f"CS{i:07d}",
                    "date_of_service": "2026-03-02",
                    "place_of_service": "11",
                    "frequency_code": "1",
                    "submission_date": "2026-03-03",
                    "billing_provider": {
                        "name": "Cedar Valley Family Practice",
                        "npi": "1746502933",
                        "tin": "391847265",
                    },
                    "payer": {"name": "Lakeland Commercial Insurance", "payer_id": "LCI220"},
                    "subscriber": subscriber,
                    "patient": patient,
                    "diagnoses": ["J020"],
                    "lines": [
                        {
                            "line": 1,
                            "code": CODES[i % len(CODES)],
                            "charge": "130.00",
                            "dx_pointers": [1],
                        }
                    ],
                }
            )
        )
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    batch = claims(n)
    book = ClaimBook()
    # Every 20th claim was never sent: the payer cannot find it.
    book.record(
        simulate([c for i, c in enumerate(batch) if i % 20], seed=1, received=date(2026, 3, 10)),
        date(2026, 3, 10),
    )
    inquiries = [inquiry_for_claim(c, f"T{c.claim_id}") for c in batch]

    def request(items, number: int) -> str:
        return write_276(
            items,
            ENVELOPE,
            ControlNumbers(number, number),
            RECEIVER,
            datetime.now(),
            line_ending="",
        ).decode()

    def moves(text: str) -> Counter:
        return Counter(
            status_after_claim_status("submitted", c.status.group)
            for r in read_277(text.encode())
            for c in r.claims
        )

    with PayerSimulator(PlanTable({}), book=book, today=TODAY, payer_id="LCI220") as sim:
        endpoint = EligibilityEndpoint(sim.url, "CVFP01", "LCI220", timeout=120)
        with httpx.Client() as http:
            exchange_claim_status(request(inquiries[:1], 1), endpoint, http)  # warm up
            runs = []
            for k in range(3):
                start = time.perf_counter()
                counted = moves(exchange_claim_status(request(inquiries, 10 + k), endpoint, http))
                runs.append(time.perf_counter() - start)
            singles = []
            for i in range(100):
                start = time.perf_counter()
                moves(exchange_claim_status(request(inquiries[i : i + 1], 100 + i), endpoint, http))
                singles.append(time.perf_counter() - start)
    start = time.perf_counter()
    answer = book.answer_276(
        request(inquiries, 5),
        payer_id="LCI220",
        requester="CVFP01",
        control=5,
        today=TODAY,
        created=datetime.now(),
    )
    in_process = moves(answer.decode())
    local = time.perf_counter() - start
    assert in_process == counted and sum(counted.values()) == n
    print(
        f"claim status: {n} claims round trip {min(runs):.2f} s "
        f"(one 276 over HTTP to the simulator, 277 read, moves decided; best of 3, "
        f"median {statistics.median(runs):.2f} s)"
    )
    print(f"claim status: {n} claims in-process (no HTTP) {local:.2f} s")
    singles.sort()
    print(
        f"claim status: one claim per request p50 {1000 * statistics.median(singles):.1f} ms, "
        f"p95 {1000 * singles[94]:.1f} ms"
    )
    print("moves from submitted: " + ", ".join(f"{k} {v}" for k, v in sorted(counted.items())))


if __name__ == "__main__":
    main()
