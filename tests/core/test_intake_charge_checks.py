"""The checks every charge from an EHR goes through (``ChargeChecks``), made by the HL7 v2
and the FHIR mappings alike, and the partial intake a refused message still carries (what
could be read, for matching against the practice)."""

from __future__ import annotations

import datetime
import json

import pytest

from medbill.core import hl7
from medbill.core.fhir import FHIRError, map_bundle, read_bundle

TODAY = datetime.date(2026, 3, 10)
BORN = datetime.date(1979, 4, 18)


def refuse_99999(code: str, day: datetime.date) -> str | None:
    return f"{code} is not billable on {day:%Y-%m-%d}" if code == "99999" else None


CHECKS = hl7.ChargeChecks(TODAY, refuse_99999)


@pytest.mark.parametrize(
    ("served", "words"),
    [
        (TODAY, None),
        (datetime.date(2026, 3, 11), "03/11/2026 is after today (03/10/2026); a charge is for"),
        (BORN, None),
        (datetime.date(1979, 4, 17), "04/17/1979 is before the patient's birth date (X, 04/18"),
    ],
)
def test_a_date_of_service_is_neither_after_today_nor_before_birth(served, words):
    found = CHECKS.date(served, BORN, "X")
    if words is None:
        assert found is None
    else:
        assert found is not None and found.startswith(words), found


def test_no_today_and_no_rule_check_nothing():
    none = hl7.ChargeChecks()
    assert none.date(datetime.date(2999, 1, 1)) is None
    assert none.code("99999", TODAY) is None
    assert CHECKS.code("99999", TODAY) == "99999 is not billable on 2026-03-10"
    assert CHECKS.code("99213", TODAY) is None


MSH = "MSH|^~\\&|EHR|CLINIC|MEDBILL|CVFP|20260303113000||{kind}|C-1|P|2.5.1"


def test_an_hl7_refusal_carries_what_could_be_read():
    text = "\r".join(
        [
            MSH.format(kind="DFT^P03"),
            "PID|1||E1^^^EHR^MR||Quist^Ida||1968|F",
            "PV1|1|O|Main office||||1283746505^Whitaker^Joan^^^^^^^^^^NPI||||||||||||V-1",
            "FT1|1|||20260311||CG||||1|||||||||||||||99999^^C4",
            "IN1|1||ACME1|Acme Mutual||||||||||||||||||||||||||||||||AM-1",
        ]
    )
    message = hl7.parse(text)
    with pytest.raises(hl7.HL7MappingError) as caught:
        hl7.map_message(message, today=TODAY, check_code=refuse_99999)
    where = [loc for loc, *_ in caught.value.problems]
    assert where == ["PID-7", "FT1 #1 FT1-4", "FT1 #1 FT1-25"]
    partial = caught.value.partial
    assert partial is not None and partial.unread == ("patient",)
    assert [c.payer_id for c in partial.coverages] == ["ACME1"]
    assert partial.visit is not None and partial.visit.visit_number == "V-1"
    assert [c.code for c in partial.charges] == ["99999"]


CPT = "http://www.ama-assn.org/go/cpt"


def claim(**item: object) -> bytes:
    line = {
        "sequence": 1,
        "productOrService": {"coding": [{"system": CPT, "code": "99213"}]},
        "servicedDate": "2026-03-03",
        **item,
    }
    doc = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:p",
                "resource": {
                    "resourceType": "Patient",
                    "id": "p",
                    "name": [{"family": "Quist", "given": ["Ida"]}],
                    "birthDate": BORN.isoformat(),
                },
            },
            {
                "fullUrl": "urn:uuid:c",
                "resource": {
                    "resourceType": "Claim",
                    "id": "c",
                    "status": "active",
                    "type": {"coding": [{"code": "professional"}]},
                    "use": "claim",
                    "patient": {"reference": "urn:uuid:p"},
                    "created": "2026-03-03",
                    "provider": {"display": "Clinic"},
                    "priority": {"coding": [{"code": "normal"}]},
                    "careTeam": [{"sequence": 1, "provider": {"display": "Whitaker, Joan"}}],
                    "insurance": [
                        {
                            "sequence": 1,
                            "focal": True,
                            "coverage": {"identifier": {"value": "M-1"}},
                        }
                    ],
                    "item": [line],
                },
            },
        ],
    }
    return json.dumps(doc).encode()


def test_a_claim_line_is_checked_as_an_hl7_charge_is():
    assert map_bundle(read_bundle(claim()), today=TODAY, check_code=refuse_99999).intakes
    bad = claim(
        productOrService={"coding": [{"system": CPT, "code": "99999"}]},
        servicedDate="2026-03-11",
    )
    with pytest.raises(FHIRError) as caught:
        map_bundle(read_bundle(bad), today=TODAY, check_code=refuse_99999)
    assert caught.value.problems == (
        (
            "Claim/c.item[0].servicedDate",
            "Claim/c.item[0].servicedDate: 03/11/2026 is after today (03/10/2026); a charge "
            "is for a service already given",
        ),
        (
            "Claim/c.item[0].productOrService",
            "Claim/c.item[0].productOrService: 99999 is not billable on 2026-03-11",
        ),
    )
    # What could be read goes with the refusal: the patient and the claim, whole.
    partial = caught.value.partial
    assert partial is not None
    assert [(i.kind, i.unread) for i in partial.intakes] == [("registration", ()), ("claim", ())]
    assert partial.intakes[1].claim is not None and partial.intakes[1].claim.member_id == "M-1"


def test_a_claim_that_cannot_be_read_whole_says_which_parts_are_missing():
    text = json.loads(claim())
    res = text["entry"][1]["resource"]
    res["careTeam"] = [{"sequence": 1, "provider": {"reference": "Practitioner/gone"}}]
    res["insurance"][0]["coverage"] = {"reference": "Coverage/gone"}
    with pytest.raises(FHIRError) as caught:
        map_bundle(read_bundle(json.dumps(text).encode()), today=TODAY)
    partial = caught.value.partial
    assert partial is not None
    assert partial.intakes[-1].unread == ("insurance", "provider")
