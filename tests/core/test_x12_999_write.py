"""999 writer: accepted, accepted with errors, rejected; pyx12 validates, read_999 reads back."""

from __future__ import annotations

from datetime import datetime

import pytest

from medbill.core.x12 import ControlNumbers, InterchangeEnvelope, X12WriteError
from medbill.core.x12.m999 import GroupAck, SegmentError, TransactionAck, read_999, write_999
from x12_pyx12 import pyx12_errors

ENV = InterchangeEnvelope("CLEARINGHOUSE", "MEDBILLTEST", usage="T")
CREATED = datetime(2026, 3, 9, 15, 0)


def error(segment_id="NM1", position=27, loop="2010BA", code="8", claim_id="CVFP-2", **element):
    return SegmentError(segment_id, position, loop, code, "", claim_id=claim_id, **element)


def group(*transactions, status="accepted"):
    accepted = sum(t.status != "rejected" for t in transactions)
    return GroupAck(
        "HC",
        "4201",
        "005010X222A1",
        status,
        len(transactions),
        len(transactions),
        accepted,
        transactions=list(transactions),
    )


CASES = {
    "accepted": group(TransactionAck("837", "0001", "005010X222A1", "accepted")),
    "accepted with errors": group(
        TransactionAck(
            "837",
            "0001",
            "005010X222A1",
            "accepted_with_errors",
            ["5"],
            [
                error(element=5, element_code="5", bad_value="ALEXANDRINAKONSTANTINOPOLITANA"),
                error(element=7, element_code="5", bad_value="THEELEVENTH"),
                error(
                    "REF", 31, "2300", "8", "CVFP-3", element=2, element_ref="127", element_code="5"
                ),
            ],
        ),
        status="accepted_with_errors",
    ),
    "rejected": group(
        TransactionAck(
            "837",
            "0001",
            "005010X222A1",
            "rejected",
            ["5"],
            [error("SBR", 12, "2000B", "3", "CVFP-1")],
        ),
        TransactionAck("837", "0002", "005010X222A1", "accepted"),
        status="partially_accepted",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_pyx12_validates_and_the_reader_reads_it_back(name):
    data = write_999([CASES[name]], ENV, ControlNumbers(9001, 9001), CREATED)
    assert pyx12_errors(data) == []
    (ack,) = read_999(data)
    (back,) = ack.groups
    want = CASES[name]
    assert (back.status, back.included, back.received, back.accepted) == (
        want.status,
        want.included,
        want.received,
        want.accepted,
    )
    for got, sent in zip(back.transactions, want.transactions, strict=True):
        assert (got.status, got.codes, got.control_number) == (
            sent.status,
            sent.codes,
            sent.control_number,
        )
        assert [
            (
                e.segment_id,
                e.position,
                e.loop,
                e.code,
                e.claim_id,
                e.element,
                e.element_code,
                e.bad_value,
            )
            for e in got.errors
        ] == [
            (
                e.segment_id,
                e.position,
                e.loop[:4],
                e.code,
                e.claim_id,
                e.element,
                e.element_code,
                e.bad_value,
            )
            for e in sent.errors
        ]


def test_errors_of_one_segment_share_an_ik3():
    data = write_999(
        [CASES["accepted with errors"]], ENV, ControlNumbers(9002, 9002), CREATED
    ).decode()
    assert data.count("IK3*NM1*27*2010*8~") == 1 and data.count("IK4*") == 3
    assert "CTX*CLM01:CVFP-2~" in data and "IK5*E*5~" in data and "AK9*E*1*1*1~" in data


def test_an_unknown_status_is_refused():
    bad = group(TransactionAck("837", "0001", "005010X222A1", "maybe"))
    with pytest.raises(X12WriteError, match="IK5"):
        write_999([bad], ENV, ControlNumbers(9003, 9003), CREATED)
