"""999 and 277CA readers on the public samples and on answers to our own 837P."""

from __future__ import annotations

from pathlib import Path

import pytest

from medbill.core.money import Money
from medbill.core.x12 import iter_segments, write_837p
from medbill.core.x12.m277ca import read_277ca, status_code_words
from medbill.core.x12.m999 import locate_claims, read_999
from shared_data import shared_path
from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER, claim, dependent


def x999(name: str) -> Path:
    return shared_path("x12/999") / name


def x277(name: str) -> Path:
    return shared_path("x12/277ca") / name


def test_999_accepted():
    (ack,) = read_999(x999("imsweb__x12_999_accepted.txt").read_bytes())
    (group,) = ack.groups
    assert (group.group_control, group.status, group.accepted) == ("17456", "accepted", 1)
    (tx,) = group.transactions
    assert (tx.control_number, tx.status, tx.errors) == ("0001", "accepted", [])
    # The sample's IEA02 does not match its ISA13 (a defect the folder's README lists).
    assert any("IEA02" in p for p in ack.problems)


def test_999_rejected_with_pipe_component_separator():
    (ack,) = read_999(x999("imsweb__x12_999_rejected.txt").read_bytes())
    (tx,) = ack.groups[0].transactions
    assert tx.status == "rejected" and tx.codes == ["5"]
    (err,) = tx.errors
    assert (err.segment_id, err.position, err.code) == ("NM", 17, "1")
    assert tx.reasons == ["one or more segments have errors"]


def test_999_with_bom_three_transactions():
    name = "stupidedi__response-to-functional-group-containing-3-837s.edi"
    (ack,) = read_999(x999(name).read_bytes())
    (group,) = ack.groups
    assert group.status == "partially_accepted"
    assert (group.included, group.received, group.accepted) == (3, 3, 1)
    statuses = [(t.control_number, t.status) for t in group.transactions]
    assert statuses == [("0001", "accepted"), ("0002", "rejected"), ("0003", "rejected")]
    clm = group.transactions[1].errors[0]
    assert (clm.segment_id, clm.position, clm.element, clm.element_ref) == ("CLM", 22, 2, "782")
    assert clm.claim_id == "123456789"
    assert clm.words() == "CLM02: a required element is missing"
    ref = group.transactions[2].errors[0]
    assert (ref.segment_id, ref.code, ref.claim_id) == ("REF", "3", "987654321")
    assert ref.context == ["SITUATIONAL TRIGGER*CLM*43**5:3"]


def test_999_errors_are_located_in_the_837p_we_sent():
    claims = [claim("K-1"), dependent("K-2"), claim("K-3")]
    sent = write_837p(claims, ENVELOPE, CONTROL, SUBMITTER, CREATED)
    segs = list(iter_segments(sent))
    st = next(s for s in segs if s.id == "ST")
    clm2 = next(s for s in segs if s.id == "CLM" and s[1] == "K-2")
    pat2 = next(s for s in segs if s.id == "PAT")
    sv1_3 = [s for s in segs if s.id == "SV1"][-1]
    at = lambda seg: seg.position - st.position + 1  # noqa: E731
    reply = (
        "ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*MEDBILLTEST    *260309*1500*^*"
        "00501*000000077*0*T*:~GS*FA*CLEARINGHOUSE*MEDBILLTEST*20260309*1500*77*X*005010X231A1~"
        "ST*999*0001*005010X231A1~AK1*HC*4201*005010X222A1~AK2*837*0001*005010X222A1~"
        f"IK3*CLM*{at(clm2)}*2300*8~IK4*5:1*1331*7*99~IK3*PAT*{at(pat2)}*2000C*8~IK4*1**7*99~"
        f"IK3*SV1*{at(sv1_3)}*2400*8~IK4*3**5~IK3*NM1*4**8~IK4*3**1~"
        "IK5*R*5~AK9*R*1*1*0~SE*14*0001~GE*1*77~IEA*1*000000077~"
    )
    (ack,) = read_999(reply)
    locate_claims(sent, ack)
    errors = ack.groups[0].transactions[0].errors
    assert [(e.segment_id, e.claim_id) for e in errors] == [
        ("CLM", "K-2"),
        ("PAT", "K-2"),
        ("SV1", "K-3"),
        ("NM1", None),
    ]
    assert errors[0].words() == "CLM05: code is not one of the allowed values (value '99')"


def test_277ca_accepted():
    (ack,) = read_277ca(x277("imsweb__x12_277CA_accepted.txt").read_bytes())
    (c,) = ack.claims
    assert c.claim_id == "5781" and c.accepted and not c.rejected
    assert c.payer_claim_number == "1107000000014420"
    assert (c.statuses[0].category, c.statuses[0].code) == ("A2", "20")
    assert c.billed == Money("125")
    # DTP*472 10010101 is the defect the README names: reported, not used as a date.
    assert c.service_from is None and any("10010101" in p for p in ack.problems)


def test_277ca_rejected_with_pipe_separator():
    (ack,) = read_277ca(x277("imsweb__x12_277CA_rejected.txt").read_bytes())
    (c,) = ack.claims
    assert c.rejected and c.claim_id == "3920394930203"
    s = c.statuses[0]
    assert (s.category, s.code, s.entity) == ("A7", "562", "85")
    assert c.reason() == (
        "rejected: information is invalid: the entity's NPI is missing or "
        "invalid (billing provider)"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "stupidedi__business-scenario-1.edi",
            {"DOE01428": True, "DOE0221": False, "VEST0303": False},
        ),
        ("stupidedi__business-scenario-2.edi", {}),
        (
            "stupidedi__business-scenario-3.edi",
            {
                "PATIENT22222": True,
                "PATIENT33333": False,
                "JONES44444": False,
                "JOHNSON55555": True,
                "MILLS66666": True,
            },
        ),
        (
            "stupidedi__business-scenario-4.edi",
            {
                "PATIENT22222": True,
                "PATIENT33333": False,
                "JONES44444": False,
                "JOHNSON55555": True,
                "MILLS66666": True,
            },
        ),
    ],
)
def test_277ca_business_scenarios_with_prose_before_isa(name, expected):
    (ack,) = read_277ca(x277(name).read_bytes())
    assert {c.claim_id: c.accepted for c in ack.claims} == expected


def test_277ca_file_and_provider_level_rejections():
    (two,) = read_277ca(x277("stupidedi__business-scenario-2.edi").read_bytes())
    assert two.file_rejected and two.claims == []
    assert "not approved to send claims electronically" in two.file_statuses[0].words()
    (four,) = read_277ca(x277("stupidedi__business-scenario-4.edi").read_bytes())
    assert not four.file_rejected
    assert four.rejected_providers() == ["567012345"]


def test_277ca_line_level_reason():
    (ack,) = read_277ca(x277("stupidedi__business-scenario-1.edi").read_bytes())
    jane = next(c for c in ack.claims if c.claim_id == "DOE0221")
    assert "line 22305" in jane.reason() and "rendering provider" in jane.reason()
    john = next(c for c in ack.claims if c.claim_id == "DOE01428")
    assert john.payer_claim_number == "22029500123407X"
    assert (john.service_from.isoformat(), john.service_to.isoformat()) == (
        "2006-01-28",
        "2006-01-31",
    )


def test_unknown_status_code_is_named_not_invented():
    assert status_code_words("99999") == "claim status code 99999"
