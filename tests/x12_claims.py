"""Claim documents for X12 tests: one builder per billing scenario.

Names, NPIs (valid check digits), TINs and member ids are fictional. Every
claim here is in the form an 837P carries (no credential, no subscriber
demographics when the patient is a dependent), so a round trip returns it
unchanged.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from medbill.core.claim import Claim
from medbill.core.x12 import ControlNumbers, InterchangeEnvelope, Submitter

CREATED = datetime(2026, 3, 9, 14, 5)
ENVELOPE = InterchangeEnvelope("MEDBILLTEST", "CLEARINGHOUSE", usage="T")
CONTROL = ControlNumbers(interchange=4201, group=4201, transaction=1)
SUBMITTER = Submitter(
    "Cedar Valley Family Practice",
    "CVFP01",
    "Billing Office",
    contact_phone="6085550142",
    receiver_name="Prairie Clearinghouse",
    receiver_id="PRAIRIE",
)

ADDRESS = {
    "line1": "2400 University Ave",
    "line2": "Suite 110",
    "city": "Madison",
    "state": "WI",
    "zip": "537051212",
}
HOME = {"line1": "905 Williamson St", "city": "Madison", "state": "WI", "zip": "537031418"}

BASE: dict[str, Any] = {
    "claim_id": "CVFP-1",
    "submission_date": "2026-03-09",
    "date_of_service": "2026-03-02",
    "place_of_service": "11",
    "frequency_code": "1",
    "billing_provider": {
        "name": "Cedar Valley Family Practice",
        "npi": "1746502933",
        "tin": "391847265",
        "taxonomy": "207Q00000X",
        "address": ADDRESS,
    },
    "rendering_provider": {
        "name": {"last": "Whitaker", "first": "Joan"},
        "npi": "1283746505",
        "taxonomy": "207Q00000X",
    },
    "payer": {"name": "Lakeland Commercial Insurance", "payer_id": "LCI220", "type": "commercial"},
    "subscriber": {
        "name": {"last": "Halvorsen", "first": "Erik"},
        "dob": "1971-08-19",
        "sex": "M",
        "member_id": "BSH88120455",
        "group_number": "GRP4410",
        "address": HOME,
    },
    "patient": {
        "name": {"last": "Halvorsen", "first": "Erik"},
        "dob": "1971-08-19",
        "sex": "M",
        "relationship_to_subscriber": "self",
        "address": HOME,
    },
    "diagnoses": ["E1165", "I10"],
    "lines": [{"line": 1, "code": "99214", "units": 1, "charge": "185.00", "dx_pointers": [1, 2]}],
}


def claim(claim_id: str = "CVFP-1", **changes: Any) -> Claim:
    """The base claim with top-level fields replaced (``None`` removes one)."""
    data = copy.deepcopy(BASE)
    data["claim_id"] = claim_id
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    c = Claim.from_dict(data)
    if c.patient.is_subscriber:
        # The 837P carries the patient once, as the subscriber.
        from dataclasses import replace

        c = replace(
            c,
            patient=replace(
                c.patient,
                name=c.subscriber.name,
                dob=c.subscriber.dob,
                sex=c.subscriber.sex,
                address=c.subscriber.address,
            ),
        )
    return c


def dependent(claim_id: str = "CVFP-2", **changes: Any) -> Claim:
    sub = {
        "name": {"last": "Ortega", "first": "Lucia"},
        "member_id": "UHW5512093301",
        "group_number": "7741023",
        "address": HOME,
    }
    pat = {
        "name": {"last": "Ortega", "first": "Mateo"},
        "dob": "2019-06-30",
        "sex": "M",
        "relationship_to_subscriber": "child",
        "address": HOME,
    }
    return claim(
        claim_id,
        subscriber=sub,
        patient=pat,
        diagnoses=["J020"],
        lines=[
            {"line": 1, "code": "99213", "units": 1, "charge": "130.00", "dx_pointers": [1]},
            {
                "line": 2,
                "code": "87880",
                "modifiers": ["QW"],
                "units": 1,
                "charge": "32.00",
                "dx_pointers": [1],
            },
        ],
        **changes,
    )


def lines(n: int) -> list[dict[str, Any]]:
    codes = ["99213", "36415", "85025", "80053", "81002", "93000", "71046", "96372"]
    return [
        {
            "line": i + 1,
            "code": codes[i % len(codes)],
            "units": 1 + i % 3,
            "charge": f"{25 + i}.50",
            "dx_pointers": [1 + i % 2],
            "line_control_number": f"L{i + 1:03d}",
        }
        for i in range(n)
    ]


MEDICARE = {"name": "Medicare Part B", "payer_id": "MCRWI", "type": "medicare"}
MEDICAID = {"name": "Wisconsin Medicaid", "payer_id": "WIMCD", "type": "medicaid"}
COMMERCIAL = {"name": "Lakeland Commercial Insurance", "payer_id": "LCI220", "type": "commercial"}
PRIMARY_SUBSCRIBER = {
    "name": {"last": "Halvorsen", "first": "Erik"},
    "member_id": "BSH88120455",
    "group_number": "GRP4410",
}


def secondary(claim_id: str = "CVFP-3") -> Claim:
    """Medicaid is billed after the commercial primary paid part of two lines."""
    adjudication = {
        "paid": "140.00",
        "payer_claim_number": "LCI26030900071",
        "lines": [
            {
                "line": 1,
                "code": "99214",
                "paid": "120.00",
                "paid_date": "2026-03-07",
                "adjustments": [
                    {"group": "CO", "reason": "45", "amount": "40.00"},
                    {"group": "PR", "reason": "2", "amount": "25.00"},
                ],
            },
            {
                "line": 2,
                "code": "36415",
                "paid": "20.00",
                "paid_date": "2026-03-07",
                "adjustments": [{"group": "CO", "reason": "45", "amount": "5.00"}],
            },
        ],
    }
    return claim(
        claim_id,
        payer=MEDICAID,
        lines=[
            {"line": 1, "code": "99214", "units": 1, "charge": "185.00", "dx_pointers": [1, 2]},
            {"line": 2, "code": "36415", "units": 1, "charge": "25.00", "dx_pointers": [1]},
        ],
        other_coverage=[
            {
                "payer": COMMERCIAL,
                "subscriber": PRIMARY_SUBSCRIBER,
                "relationship_to_subscriber": "self",
                "order": "primary",
                "adjudication": adjudication,
            }
        ],
    )


def scenarios() -> dict[str, list[Claim]]:
    """Billing scenarios, each a list of claims written into one file."""
    s: dict[str, list[Claim]] = {}
    s["single line"] = [claim()]
    s["50 lines"] = [claim(diagnoses=["E1165", "I10"], lines=lines(50))]
    s["patient is not the subscriber"] = [dependent()]
    s["secondary with COB"] = [secondary()]
    medicare_paid = {
        "paid": "60.00",
        "paid_date": "2026-03-06",
        "payer_claim_number": "MCR260306001",
        "adjustments": [
            {"group": "CO", "reason": "45", "amount": "100.00"},
            {"group": "PR", "reason": "2", "amount": "25.00"},
        ],
        "patient_responsibility": "25.00",
    }
    commercial_paid = {
        "paid": "20.00",
        "paid_date": "2026-03-08",
        "adjustments": [
            {"group": "CO", "reason": "45", "amount": "100.00"},
            {"group": "OA", "reason": "23", "amount": "65.00"},
        ],
    }
    s["tertiary"] = [
        claim(
            "CVFP-4",
            payer=MEDICAID,
            other_coverage=[
                {
                    "payer": MEDICARE,
                    "subscriber": PRIMARY_SUBSCRIBER,
                    "relationship_to_subscriber": "self",
                    "order": "primary",
                    "adjudication": medicare_paid,
                },
                {
                    "payer": COMMERCIAL,
                    "subscriber": PRIMARY_SUBSCRIBER,
                    "relationship_to_subscriber": "self",
                    "order": "secondary",
                    "adjudication": commercial_paid,
                },
            ],
        )
    ]
    s["referring, rendering and facility"] = [
        claim(
            "CVFP-5",
            place_of_service="22",
            referring_provider={
                "name": {"last": "Lindqvist", "first": "Anna", "middle": "M"},
                "npi": "1124563283",
            },
            service_facility={
                "name": "Dane County Outpatient Center",
                "npi": "1558473967",
                "address": {
                    "line1": "1 Fish Hatchery Rd",
                    "city": "Madison",
                    "state": "WI",
                    "zip": "537151111",
                },
            },
        )
    ]
    s["NDC drug line"] = [
        claim(
            "CVFP-6",
            lines=[
                {"line": 1, "code": "96372", "units": 1, "charge": "35.00", "dx_pointers": [1]},
                {
                    "line": 2,
                    "code": "J1100",
                    "units": 4,
                    "charge": "12.00",
                    "dx_pointers": [1],
                    "ndc": "00641037621",
                    "ndc_quantity": 4,
                    "ndc_unit": "ML",
                },
            ],
        )
    ]
    s["anesthesia minutes"] = [
        claim(
            "CVFP-7",
            place_of_service="22",
            lines=[
                {
                    "line": 1,
                    "code": "00790",
                    "modifiers": ["AA", "P2"],
                    "units": 95,
                    "unit_basis": "MJ",
                    "charge": "1450.00",
                    "dx_pointers": [1],
                }
            ],
        )
    ]
    s["ambulance"] = [
        claim(
            "CVFP-8",
            place_of_service="41",
            payer=MEDICARE,
            ambulance={
                "pickup": HOME,
                "dropoff_name": "Madison General Hospital",
                "dropoff": {
                    "line1": "202 S Park St",
                    "city": "Madison",
                    "state": "WI",
                    "zip": "537151596",
                },
                "miles": 12,
                "weight_lbs": 190,
                "transport_reason": "A",
                "conditions": ["01", "04"],
            },
            lines=[
                {
                    "line": 1,
                    "code": "A0427",
                    "modifiers": ["RH"],
                    "units": 1,
                    "charge": "850.00",
                    "dx_pointers": [1],
                },
                {
                    "line": 2,
                    "code": "A0425",
                    "modifiers": ["RH"],
                    "units": 12,
                    "charge": "180.00",
                    "dx_pointers": [1],
                },
            ],
        )
    ]
    s["DME rental"] = [
        claim(
            "CVFP-9",
            place_of_service="12",
            lines=[
                {
                    "line": 1,
                    "code": "E0601",
                    "modifiers": ["RR", "KX"],
                    "units": 1,
                    "charge": "210.00",
                    "dx_pointers": [1],
                    "date_of_service_end": "2026-02-28",
                }
            ],
            date_of_service="2026-02-01",
        )
    ]
    s["replacement (7)"] = [
        claim("CVFP-10", frequency_code="7", original_claim_ref="LCI2026041900127")
    ]
    s["void (8)"] = [claim("CVFP-11", frequency_code="8", original_claim_ref="LCI2026041900128")]
    s["prior authorization and referral"] = [
        claim(
            "CVFP-12",
            prior_authorization="PA55012",
            referral_number="RF7781",
            onset_date="2026-02-20",
            initial_treatment_date="2026-02-25",
            accident_date="2026-02-19",
            related_causes=["AA"],
            accident_state="WI",
            note="Patient seen after a car accident",
        )
    ]
    s["12 diagnoses"] = [
        claim(
            "CVFP-13",
            diagnoses=[
                "E1165",
                "I10",
                "E785",
                "J449",
                "M5416",
                "N183",
                "F329",
                "G4733",
                "K219",
                "R0602",
                "Z7984",
                "E669",
            ],
            lines=[
                {
                    "line": 1,
                    "code": "99215",
                    "units": 1,
                    "charge": "260.00",
                    "dx_pointers": [1, 2, 3, 4],
                },
                {
                    "line": 2,
                    "code": "94010",
                    "units": 1,
                    "charge": "60.00",
                    "dx_pointers": [9, 10, 11, 12],
                },
            ],
        )
    ]
    s["many claims in one file"] = [claim(f"CVFP-M{i:03d}") for i in range(40)] + [
        dependent(f"CVFP-D{i:03d}") for i in range(10)
    ]
    s["several payers in one batch"] = [
        claim("CVFP-P1"),
        claim("CVFP-P2", payer=MEDICARE),
        claim("CVFP-P3", payer=MEDICAID),
        claim(
            "CVFP-P4",
            payer={
                "name": "Blue Cross Blue Shield of Wisconsin",
                "payer_id": "BCBSWI",
                "type": "bcbs",
            },
        ),
        dependent(
            "CVFP-P5", payer={"name": "TRICARE East", "payer_id": "TRIEA", "type": "tricare"}
        ),
    ]
    s["line rendering provider and place of service"] = [
        claim(
            "CVFP-14",
            lines=[
                {
                    "line": 1,
                    "code": "99213",
                    "units": 1,
                    "charge": "130.00",
                    "dx_pointers": [1],
                    "rendering_provider": {
                        "name": {"last": "Osei", "first": "Kwame"},
                        "npi": "1992753883",
                        "taxonomy": "363LF0000X",
                    },
                    "place_of_service": "02",
                    "prior_authorization": "PA-L1",
                    "description": "Follow-up by video",
                }
            ],
        )
    ]
    s["two billing providers in one file"] = [
        claim("CVFP-16"),
        dependent("CVFP-17"),
        claim("CVFP-18"),
        claim(
            "LKCD-1",
            billing_provider={
                "name": "Lakeshore Cardiology",
                "npi": "1558473967",
                "tin": "391847266",
                "taxonomy": "207RC0000X",
                "address": {
                    "line1": "10 Lake St",
                    "city": "Madison",
                    "state": "WI",
                    "zip": "537031111",
                },
            },
        ),
    ]
    s["pay-to address and provider contact"] = [
        claim(
            "CVFP-15",
            billing_provider={
                **BASE["billing_provider"],
                "contact_name": "Dana Fox",
                "contact_phone": "6085550100",
                "pay_to_address": {
                    "line1": "PO Box 4411",
                    "city": "Madison",
                    "state": "WI",
                    "zip": "537444411",
                },
            },
        )
    ]
    s["attachments on the claim and a line"] = [
        claim(
            "CVFP-19",
            attachments=[
                {"report_type": "OB", "transmission": "FX", "control_number": "ATT0001"},
                {"report_type": "LA", "transmission": "AA"},
            ],
            lines=[
                {
                    "line": 1,
                    "code": "99213",
                    "units": 1,
                    "charge": "130.00",
                    "dx_pointers": [1],
                    "attachments": [
                        {"report_type": "RR", "transmission": "EL", "control_number": "ATT0002"}
                    ],
                },
                {"line": 2, "code": "36415", "units": 1, "charge": "15.00", "dx_pointers": [1]},
            ],
        )
    ]
    s["Medicare secondary to an employer plan"] = [
        claim(
            "CVFP-20",
            payer=MEDICARE,
            subscriber={**BASE["subscriber"], "medicare_secondary_type": "12"},
            other_coverage=[
                {
                    "payer": COMMERCIAL,
                    "subscriber": PRIMARY_SUBSCRIBER,
                    "relationship_to_subscriber": "self",
                    "order": "primary",
                }
            ],
        )
    ]
    return s
