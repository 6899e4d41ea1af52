"""The payer's side of a 270: plan table, CORE envelopes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from medbill.core.eligibility.core_envelope import (
    CoreEnvelopeError,
    CoreMessage,
    parse_multipart,
    parse_soap,
    to_multipart,
    to_soap,
)
from medbill.core.eligibility.simulator import PlanTable, PlanTableError, answer
from medbill.core.money import Money
from medbill.core.x12.m270 import EligibilityInquiry, InquiryPerson, InquiryProvider
from medbill.core.x12.m271 import EligibilityResponse, summarize

TABLE = {
    "payers": {"BSHP01": {"name": "Badger State Health Plan"}},
    "plans": {
        "SILVER": {
            "name": "Silver PPO",
            "insurance_type": "PR",
            "copay_office": "25",
            "deductible": "1500",
            "coinsurance": "0.20",
            "out_of_pocket": "6000",
            "out_of_network_coinsurance": "0.40",
        },
    },
    "members": [
        {
            "payer_id": "BSHP01",
            "member_id": "BSH88120455",
            "last": "Halvorsen",
            "first": "Erik",
            "dob": "1971-08-19",
            "sex": "M",
            "plan": "SILVER",
            "effective": "2026-01-01",
            "termination": "2026-12-31",
            "deductible_met": "1160",
            "out_of_pocket_met": "1400",
            "dependents": [{"first": "Anna", "dob": "2015-04-02", "sex": "F"}],
        },
    ],
}


def ask(**kw) -> EligibilityInquiry:
    base = dict(
        trace_number="T1",
        payer_name="Badger",
        payer_id="BSHP01",
        provider=InquiryProvider("Cedar Valley Family Practice", "1746502933"),
        subscriber=InquiryPerson(
            "Halvorsen", "Erik", member_id="BSH88120455", dob=date(1971, 8, 19)
        ),
        date_of_service=date(2026, 3, 2),
    )
    base.update(kw)
    return EligibilityInquiry(**base)


def as_response(ans) -> EligibilityResponse:
    return EligibilityResponse(
        None,
        "",
        "",
        "",
        "",
        ans.subscriber,
        ans.dependent,
        ans.benefits,
        (ans.rejection,) if ans.rejection else (),
    )


@pytest.fixture
def table() -> PlanTable:
    return PlanTable.from_json(json.dumps(TABLE))


def test_active_member_benefits(table):
    ans = answer(ask(), table)
    resp = as_response(ans)
    assert resp.status == "active"
    assert summarize(resp) == (
        "Active · copay $25.00 · deductible $340.00 of $1,500.00 remaining · "
        "coinsurance 20% · out-of-pocket $4,600.00 remaining"
    )


def test_dependent_found_and_not_found(table):
    ans = answer(ask(dependent=InquiryPerson("Halvorsen", "Anna", dob=date(2015, 4, 2))), table)
    assert ans.dependent.first == "Anna" and ans.rejection is None
    ans = answer(ask(dependent=InquiryPerson("Halvorsen", "Olaf")), table)
    assert ans.rejection.code == "77"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"payer_id": "NOPE"}, "T4"),
        ({"provider": InquiryProvider("X", "12345")}, "43"),
        ({"subscriber": InquiryPerson("Halvorsen", "Erik", member_id="ZZZ")}, "75"),
        (
            {
                "subscriber": InquiryPerson(
                    "Halvorsen", "Erik", member_id="BSH88120455", dob=date(1970, 1, 1)
                )
            },
            "71",
        ),
    ],
)
def test_rejections(table, change, code):
    assert answer(ask(**change), table).rejection.code == code


def test_terminated_coverage_is_inactive(table):
    ans = answer(ask(date_of_service=date(2027, 1, 5)), table)
    assert as_response(ans).status == "inactive"
    assert summarize(as_response(ans)) == "Inactive coverage"


def test_table_errors_name_the_field():
    bad = {
        "plans": {},
        "members": [{"payer_id": "A", "member_id": "1", "last": "X", "plan": "GOLD"}],
    }
    with pytest.raises(PlanTableError, match=r"members\[0\]\.plan"):
        PlanTable(bad)
    with pytest.raises(PlanTableError, match=r"plans\.P\.deductible"):
        PlanTable({"plans": {"P": {"deductible": "lots"}}})


@pytest.mark.parametrize("with_auth", [True, False])
def test_core_envelopes_round_trip(with_auth):
    creds = {"username": "desk", "password": "p&<s>"} if with_auth else {}
    req = CoreMessage.request("ISA*00*...~IEA*1*000000001~", "MEDBILL", "PAYERSIM", **creds)
    assert parse_soap(to_soap(req)) == req
    body, kind = to_multipart(req)
    assert parse_multipart(body, kind) == req
    rep = req.reply("ISA*271~")
    assert rep.payload_id == req.payload_id and rep.sender_id == "PAYERSIM"
    assert parse_soap(to_soap(rep)) == rep
    body, kind = to_multipart(rep)
    assert parse_multipart(body, kind) == rep


def test_core_envelope_errors_name_the_field():
    req = CoreMessage.request("", "MEDBILL", "PAYERSIM")
    with pytest.raises(CoreEnvelopeError, match="Payload is missing"):
        parse_soap(to_soap(req))
    with pytest.raises(CoreEnvelopeError, match="not XML"):
        parse_soap(b"<oops")
    with pytest.raises(CoreEnvelopeError, match="multipart/form-data"):
        parse_multipart(b"", "text/plain")


def test_money_in_table_is_decimal(table):
    assert table.plans["SILVER"].deductible == Money("1500.00")
