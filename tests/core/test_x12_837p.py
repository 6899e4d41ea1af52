"""837P writer and reader: pyx12 accepts what we write, and we read it back unchanged."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from medbill.core.claim import loads
from medbill.core.x12 import (
    ControlNumbers,
    Delimiters,
    SegmentReader,
    X12WriteError,
    as_carried_by_837p,
    iter_segments,
    plan_batches,
    read_837p,
    read_interchanges,
    write_837p,
)
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER, claim, dependent, scenarios
from x12_pyx12 import pyx12_errors

SCENARIOS = scenarios()


def write(claims, **kw):
    return write_837p(claims, ENVELOPE, CONTROL, SUBMITTER, CREATED, **kw)


def test_there_are_at_least_fifteen_scenarios():
    assert len(SCENARIOS) >= 15


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_pyx12_accepts_every_scenario(name):
    data = write(SCENARIOS[name])
    assert pyx12_errors(data) == []


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenarios_round_trip(name):
    claims = SCENARIOS[name]
    back = [r.claim for r in read_837p(write(claims))]
    assert back == [as_carried_by_837p(c, CREATED.date()) for c in claims]
    # The scenario claims are already in the form the 837P carries.
    assert back == list(claims)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_reader_fed_one_segment_at_a_time(name):
    data = write(SCENARIOS[name]).decode()
    reader = SegmentReader()
    segments = []
    *pieces, tail = data.split("~")
    for piece in [p + "~" for p in pieces] + [tail]:
        reader.feed(piece)
        segments.extend(reader.segments())
    reader.close()
    segments.extend(reader.segments())
    assert [r.claim for r in read_837p(segments)] == list(SCENARIOS[name])


@pytest.mark.parametrize(
    "name", ["office_visit", "dependent_with_secondary", "medicare_replacement"]
)
def test_shared_examples_validate_and_round_trip(shared_examples, name):
    claims = loads((shared_examples / f"{name}.json").read_bytes())
    data = write(claims)
    assert pyx12_errors(data) == []
    back = [r.claim for r in read_837p(data)]
    assert back == [as_carried_by_837p(c, CREATED.date()) for c in claims]


def test_all_examples_in_one_file(shared_examples):
    claims = loads((shared_examples / "all_claims.json").read_bytes())
    data = write(claims)
    assert pyx12_errors(data) == []
    assert [r.claim.claim_id for r in read_837p(data)] == [c.claim_id for c in claims]


def test_envelope_carries_the_callers_control_numbers():
    data = write(
        [claim()],
    ).decode()
    segs = list(iter_segments(data))
    assert segs[0][13] == "000004201"
    assert segs[1].id == "GS" and segs[1][6] == "4201" and segs[1][8] == "005010X222A1"
    assert (segs[2][1], segs[2][2]) == ("837", "0001")
    assert segs[-1].elements == ["IEA", "1", "000004201"]
    (ic,) = read_interchanges(data)
    assert ic.problems == []


def test_claim_segment_details():
    c = SCENARIOS["prior authorization and referral"][0]
    text = write([c]).decode()
    assert "CLM*CVFP-12*185***11:B:1*Y*A*Y*Y**AA:::WI~" in text
    assert "DTP*431*D8*20260220~" in text and "DTP*454*D8*20260225~" in text
    assert "DTP*439*D8*20260219~" in text
    assert "REF*G1*PA55012~" in text and "REF*9F*RF7781~" in text
    assert "HI*ABK:E1165*ABF:I10~" in text
    assert "SV1*HC:99214*185*UN*1***1:2~" in text


def test_replacement_and_void_carry_the_original_claim_number():
    text = write(SCENARIOS["replacement (7)"] + SCENARIOS["void (8)"]).decode()
    assert "11:B:7" in text and "REF*F8*LCI2026041900127~" in text
    assert "11:B:8" in text and "REF*F8*LCI2026041900128~" in text


def test_drug_anesthesia_and_secondary_segments():
    text = write(
        SCENARIOS["NDC drug line"]
        + SCENARIOS["anesthesia minutes"]
        + SCENARIOS["secondary with COB"]
    ).decode()
    assert "LIN**N4*00641037621~" in text and "CTP****4*ML~" in text
    assert "SV1*HC:00790:AA:P2*1450*MJ*95***1~" in text
    assert "SBR*S*18*GRP4410******MC~" in text  # Medicaid is the secondary payer
    assert "SBR*P*18*GRP4410******CI~" in text  # the commercial primary in 2320
    assert "AMT*D*140~" in text and "CAS*CO*45*40*PR*2*25~" not in text
    assert "CAS*PR*2*25~" in text
    assert "SVD*LCI220*120*HC:99214**1~" in text and "CAS*CO*45*40~" in text


def test_separators_and_line_endings_follow_the_profile():
    d = Delimiters(element="|", component=">", repetition="^", segment="\n")
    data = write([claim()], delimiters=d, line_ending="")
    text = data.decode()
    assert text.startswith("ISA|00|") and "SV1|HC>99214|185|UN|1|||1>2\n" in text
    assert pyx12_errors(data) == []
    assert [r.claim for r in read_837p(data)] == [claim()]
    crlf = write([claim()], line_ending="\r\n")
    assert b"~\r\nGS*" in crlf and pyx12_errors(crlf) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            dict(
                billing_provider={
                    "name": "X",
                    "npi": "1746502934",
                    "tin": "391847265",
                    "address": {"line1": "1 A St", "city": "M", "state": "WI", "zip": "537051212"},
                }
            ),
            "billing_provider.npi",
        ),
        (
            dict(
                billing_provider={
                    "name": "X",
                    "npi": "1746502933",
                    "tin": "391847265",
                    "address": {"line1": "1 A St", "city": "M", "state": "WI", "zip": "53705"},
                }
            ),
            "billing_provider.address.zip",
        ),
        (dict(frequency_code="7"), "original_claim_ref"),
        (dict(diagnoses=["1E1165"]), "diagnoses[0]"),
        (dict(diagnoses=[f"E11{i}" for i in range(13)]), "diagnoses"),
        (
            dict(lines=[{"line": 1, "code": "99213", "charge": "10", "dx_pointers": [3]}]),
            "lines[0].dx_pointers",
        ),
        (
            dict(
                lines=[{"line": 1, "code": "99213", "charge": "10", "dx_pointers": [1], "units": 0}]
            ),
            "lines[0].units",
        ),
        (
            dict(
                lines=[
                    {"line": 1, "code": "99213", "charge": "10", "dx_pointers": [1], "ndc": "1234"}
                ]
            ),
            "lines[0].ndc",
        ),
        (dict(payer={"name": "Self", "payer_id": "SELF", "type": "self_pay"}), "payer.type"),
        (dict(related_causes=["AA"], accident_date="2026-01-01"), "accident_state"),
        (dict(place_of_service="1"), "place_of_service"),
        (
            dict(
                billing_provider={
                    "name": "X",
                    "npi": "1746502933",
                    "tin": "391847265",
                    "address": {
                        "line1": "PO Box 7700",
                        "city": "M",
                        "state": "WI",
                        "zip": "537051212",
                    },
                }
            ),
            "billing_provider.address.line1",
        ),
    ],
)
def test_invalid_claims_are_refused_naming_claim_and_field(change, field):
    bad = claim("CVFP-BAD", **change)
    with pytest.raises(X12WriteError) as info:
        write([claim("CVFP-OK"), bad])
    assert info.value.claim_id == "CVFP-BAD"
    assert info.value.field == field
    assert "CVFP-BAD" in str(info.value) and field in str(info.value)


def test_cob_that_does_not_balance_is_refused():
    good = SCENARIOS["secondary with COB"][0]
    oc = good.other_coverage[0]
    adj = replace(oc.adjudication, paid=oc.adjudication.paid + Decimal("1"))
    bad = replace(good, other_coverage=(replace(oc, adjudication=adj),))
    with pytest.raises(X12WriteError, match="does not equal the claim charge"):
        write([bad])


def test_delimiter_inside_a_note_is_replaced():
    data = write([claim(note="Tilde ~ inside")])
    assert b"NTE*ADD*Tilde - inside~" in data and pyx12_errors(data) == []


def test_duplicate_claim_ids_in_one_file_are_refused():
    with pytest.raises(X12WriteError, match="appears twice"):
        write([claim("A1"), claim("A1")])


def test_control_numbers_out_of_range_are_refused():
    with pytest.raises(X12WriteError, match="interchange control"):
        ControlNumbers(interchange=0, group=1)


def test_batches_split_per_route_and_claim_count():
    claims = [claim(f"C{i}") for i in range(5)] + [
        dependent(
            f"D{i}", payer={"name": "Wisconsin Medicaid", "payer_id": "WIMCD", "type": "medicaid"}
        )
        for i in range(3)
    ]
    batches = plan_batches(claims, max_claims=2)
    assert [(b.route, len(b.claims)) for b in batches] == [
        ("LCI220", 2),
        ("LCI220", 2),
        ("LCI220", 1),
        ("WIMCD", 2),
        ("WIMCD", 1),
    ]
    one_route = plan_batches(claims, route_of=lambda c: "prairie", max_claims=10)
    assert len(one_route) == 1 and one_route[0].payers == ("LCI220", "WIMCD")
    for i, batch in enumerate(batches):
        data = write_837p(
            batch.claims, ENVELOPE, ControlNumbers(100 + i, 100 + i), SUBMITTER, CREATED
        )
        assert pyx12_errors(data) == []


def test_claims_are_grouped_under_their_billing_provider():
    c16, c17, c18, other = SCENARIOS["two billing providers in one file"]
    data = write([c16, other, c17, c18])
    segs = [s for s in iter_segments(data) if s.id == "HL" and s[3] == "20"]
    assert len(segs) == 2
    assert [r.claim.claim_id for r in read_837p(data)] == [
        "CVFP-16",
        "CVFP-17",
        "CVFP-18",
        "LKCD-1",
    ]


def test_text_is_written_in_ascii():
    c = claim(
        "CVFP-U",
        patient={
            "name": {"last": "Núñez", "first": "José"},
            "dob": "1971-08-19",
            "sex": "M",
            "relationship_to_subscriber": "self",
        },
        subscriber={
            "name": {"last": "Núñez", "first": "José"},
            "dob": "1971-08-19",
            "sex": "M",
            "member_id": "BSH1",
            "address": {
                "line1": "12 Straße — Apt 4",
                "city": "Madison",
                "state": "WI",
                "zip": "53703",
            },
        },
    )
    data = write([c])
    assert b"NM1*IL*1*Nunez*Jose****MI*BSH1~" in data and b"N3*12 Strasse - Apt 4~" in data
    assert pyx12_errors(data) == []
    with pytest.raises(X12WriteError) as info:
        write([claim("CVFP-Z", note="See 診療")])
    assert info.value.claim_id == "CVFP-Z" and info.value.segment == "NTE"
