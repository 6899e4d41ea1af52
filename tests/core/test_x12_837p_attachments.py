"""Attachments (837P PWK, 2300 and 2400) and the Medicare secondary payer type (SBR05)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from claim_strategies import PROFILE, TODAY
from medbill.core.attachments import Attachment
from medbill.core.claim import ClaimFormatError, dumps, loads
from medbill.core.scrubber import References, Scrubber
from medbill.core.submission import build_batch
from medbill.core.x12 import ControlNumbers, X12WriteError, read_837p, write_837p
from x12_claims import (
    BASE,
    COMMERCIAL,
    CONTROL,
    CREATED,
    ENVELOPE,
    MEDICAID,
    MEDICARE,
    PRIMARY_SUBSCRIBER,
    SUBMITTER,
    claim,
)
from x12_pyx12 import pyx12_errors

FAXED = {"report_type": "OB", "transmission": "FX", "control_number": "ATT0001"}


def write(claims):
    return write_837p(claims, ENVELOPE, CONTROL, SUBMITTER, CREATED)


def segments(data: bytes) -> list[str]:
    return data.decode().replace("\n", "").split("~")


def test_claim_json_carries_attachments_on_the_claim_and_its_lines():
    data = {
        **BASE,
        "attachments": [FAXED],
        "lines": [
            {**BASE["lines"][0], "attachments": [{"report_type": "la", "transmission": "aa"}]}
        ],
    }
    (c,) = loads(json.dumps(data))
    assert c.attachments == (Attachment("OB", "FX", "ATT0001"),)
    assert c.lines[0].attachments == (Attachment("LA", "AA"),)
    assert loads(dumps(c)) == [c]


@pytest.mark.parametrize(
    "bad, path",
    [
        (
            {"report_type": "ZZ", "transmission": "FX", "control_number": "A1"},
            "attachments[0].report_type",
        ),
        (
            {"report_type": "OB", "transmission": "FAX", "control_number": "A1"},
            "attachments[0].transmission",
        ),
        ({"transmission": "FX", "control_number": "A1"}, "attachments[0].report_type"),
    ],
)
def test_the_loader_names_an_attachment_code_the_tr3_does_not_list(bad, path):
    with pytest.raises(ClaimFormatError) as exc:
        loads(json.dumps({**BASE, "attachments": [bad]}))
    assert exc.value.path == path


def test_pwk_follows_the_claim_dates_and_the_line_sv1():
    c = claim(
        "ATT-1",
        onset_date="2026-02-20",
        prior_authorization="PA55012",
        attachments=[FAXED, {"report_type": "LA", "transmission": "AA"}],
        lines=[
            {
                **BASE["lines"][0],
                "attachments": [
                    {"report_type": "RR", "transmission": "EL", "control_number": "ATT0002"}
                ],
            }
        ],
    )
    data = write([c])
    segs = segments(data)
    at = segs.index("PWK*OB*FX***AC*ATT0001")
    assert segs[at - 1] == "DTP*431*D8*20260220"
    assert segs[at + 1] == "PWK*LA*AA"
    assert segs[at + 2] == "REF*G1*PA55012"
    sv1 = next(i for i, s in enumerate(segs) if s.startswith("SV1*"))
    assert segs[sv1 + 1] == "PWK*RR*EL***AC*ATT0002"
    assert segs[sv1 + 2].startswith("DTP*472*")
    assert pyx12_errors(data) == []
    assert read_837p(data)[0].claim == c


@pytest.mark.parametrize(
    "change, field",
    [
        (
            {"attachments": [{"report_type": "OB", "transmission": "FX"}]},
            "attachments[0].control_number",
        ),
        ({"attachments": [{"report_type": "LA", "transmission": "AA"}] * 11}, "attachments"),
        ({"attachments": [{**FAXED, "control_number": "A" * 81}]}, "attachments[0].control_number"),
        ({"attachments": [{**FAXED, "control_number": "A"}]}, "attachments[0].control_number"),
        ({"attachments": [{**FAXED, "control_number": "ATT*1"}]}, "attachments[0].control_number"),
        (
            {
                "lines": [
                    {
                        **BASE["lines"][0],
                        "attachments": [{"report_type": "RR", "transmission": "BM"}],
                    }
                ]
            },
            "lines[0].attachments[0].control_number",
        ),
    ],
)
def test_an_attachment_the_payer_cannot_match_holds_its_claim_with_the_field(change, field):
    bad = claim("ATT-BAD", **change)
    with pytest.raises(X12WriteError) as exc:
        write([bad])
    assert exc.value.claim_id == "ATT-BAD" and exc.value.field == field
    counter = iter(range(1, 100))
    built = build_batch(
        [claim("ATT-OK", attachments=[FAXED]), bad],
        PROFILE,
        lambda: ControlNumbers(next(counter), 1),
        CREATED,
    )
    assert [(h.claim_id, h.field) for h in built.held] == [("ATT-BAD", field)]
    assert built.files[0].claim_ids == ("ATT-OK",)
    assert pyx12_errors(built.files[0].data) == []
    # The scrubber names the same field before submission.
    errors = [f for f in Scrubber(References(), today=TODAY).findings(bad) if f.severity == "error"]
    assert any(field in f.message for f in errors), [f.message for f in errors]


def test_an_attachment_code_from_elsewhere_is_reported_and_held():
    bad = replace(claim("ATT-CODE"), attachments=(Attachment("ZZ", "FX", "ATT0001"),))
    findings = Scrubber(References(), today=TODAY).findings(bad)
    codes = [f.code for f in findings]
    assert [c for c in codes if c in ("FMT026", "FMT027", "FMT028")] == ["FMT027"]
    with pytest.raises(X12WriteError) as exc:
        write([bad])
    assert exc.value.field == "attachments[0].report_type"


def medicare_secondary(msp_type: str | None):
    sub = {**BASE["subscriber"], "medicare_secondary_type": msp_type}
    return claim(
        "MSP-1",
        payer=MEDICARE,
        subscriber=sub,
        other_coverage=[
            {
                "payer": COMMERCIAL,
                "subscriber": PRIMARY_SUBSCRIBER,
                "relationship_to_subscriber": "self",
                "order": "primary",
            }
        ],
    )


@pytest.mark.parametrize("msp_type", ["12", "13", "14", "15", "16", "41", "42", "43", "47"])
def test_sbr05_is_the_coverages_medicare_secondary_payer_type(msp_type):
    data = write([medicare_secondary(msp_type)])
    sbr = [s for s in segments(data) if s.startswith("SBR*")]
    assert sbr[0].split("*")[1] == "S" and sbr[0].split("*")[5] == msp_type
    assert sbr[1].split("*")[5] == ""  # the primary payer's 2320 SBR
    assert pyx12_errors(data) == []
    assert read_837p(data)[0].claim.subscriber.medicare_secondary_type == msp_type


def test_medicare_as_primary_and_other_payers_carry_no_sbr05():
    for c in (
        claim(
            "P-1",
            payer=MEDICARE,
            subscriber={**BASE["subscriber"], "medicare_secondary_type": "12"},
        ),
        claim("P-2"),
    ):
        sbr = next(s for s in segments(write([c])) if s.startswith("SBR*"))
        assert sbr.split("*")[5] == ""


def test_medicare_secondary_without_a_type_is_held_and_reported():
    c = medicare_secondary(None)
    with pytest.raises(X12WriteError) as exc:
        write([c])
    assert exc.value.field == "subscriber.medicare_secondary_type"
    findings = Scrubber(References(), today=TODAY).findings(c)
    assert "PAY003" in [f.code for f in findings]


def test_the_loader_refuses_a_medicare_secondary_type_the_tr3_does_not_list():
    with pytest.raises(ClaimFormatError) as exc:
        loads(
            json.dumps(
                {**BASE, "subscriber": {**BASE["subscriber"], "medicare_secondary_type": "11"}}
            )
        )
    assert exc.value.path == "subscriber.medicare_secondary_type"


def after_medicare_secondary(msp_type: str | None, medicare_order: str = "secondary"):
    """Medicaid billed third: an employer plan paid first and Medicare (``medicare_order``)
    after it; the Medicare coverage carries the type the MSP questionnaire gave."""
    medicare_sub = {**PRIMARY_SUBSCRIBER, "member_id": "1EG4TE5MK73"}
    if msp_type is not None:
        medicare_sub["medicare_secondary_type"] = msp_type
    employer_order = "primary" if medicare_order == "secondary" else "secondary"
    return claim(
        "MSP-2320",
        payer=MEDICAID,
        other_coverage=[
            {
                "payer": COMMERCIAL,
                "subscriber": PRIMARY_SUBSCRIBER,
                "relationship_to_subscriber": "self",
                "order": employer_order,
            },
            {
                "payer": MEDICARE,
                "subscriber": medicare_sub,
                "relationship_to_subscriber": "self",
                "order": medicare_order,
            },
        ],
    )


def other_payer_sbrs(data: bytes) -> dict[str, list[str]]:
    """The 2320 SBR segments (after the CLM) by the payer id of their 2330B."""
    segs = segments(data)
    out, current = {}, None
    for seg in segs[next(i for i, s in enumerate(segs) if s.startswith("CLM*")) :]:
        e = seg.split("*")
        if e[0] == "SBR":
            current = e
        elif e[0] == "NM1" and e[1] == "PR" and current is not None:
            out[e[9]] = current
            current = None
    return out


@pytest.mark.parametrize("msp_type", ["12", "13", "14", "15", "16", "41", "42", "43", "47"])
def test_2320_sbr05_names_why_an_earlier_medicare_payer_was_secondary(msp_type):
    data = write([after_medicare_secondary(msp_type)])
    sbrs = other_payer_sbrs(data)
    assert sbrs[MEDICARE["payer_id"]][1] == "S" and sbrs[MEDICARE["payer_id"]][5] == msp_type
    assert sbrs[COMMERCIAL["payer_id"]][1] == "P" and sbrs[COMMERCIAL["payer_id"]][5] == ""
    # 2000B: the claim goes to Medicaid, which is not Medicare: no SBR05 there.
    assert next(s for s in segments(data) if s.startswith("SBR*")).split("*")[5] == ""
    assert pyx12_errors(data) == []
    (back,) = read_837p(data)
    others = back.claim.other_coverage
    medicare = next(oc for oc in others if oc.payer.payer_id == MEDICARE["payer_id"])
    assert medicare.subscriber.medicare_secondary_type == msp_type
    assert all(
        oc.subscriber.medicare_secondary_type is None
        for oc in back.claim.other_coverage
        if oc is not medicare
    )


def test_an_earlier_medicare_payer_that_was_primary_carries_no_2320_sbr05():
    """A type on file for a Medicare coverage that paid first is not sent (the TR3 allows
    SBR05 only when Medicare is not the primary payer)."""
    c = after_medicare_secondary("12", medicare_order="primary")
    data = write([c])
    assert other_payer_sbrs(data)[MEDICARE["payer_id"]][5] == ""
    assert pyx12_errors(data) == []
    (back,) = read_837p(data)
    assert all(oc.subscriber.medicare_secondary_type is None for oc in back.claim.other_coverage)
    errors = [f for f in Scrubber(References(), today=TODAY).findings(c) if f.severity == "error"]
    assert "PAY004" not in [f.code for f in errors]


def test_an_earlier_medicare_payer_without_a_type_is_held_and_reported():
    c = after_medicare_secondary(None)
    field = "other_coverage[1].subscriber.medicare_secondary_type"
    with pytest.raises(X12WriteError) as exc:
        write([c])
    assert exc.value.field == field and exc.value.claim_id == "MSP-2320"
    assert (exc.value.segment, exc.value.element) == ("SBR", 5)
    findings = [f for f in Scrubber(References(), today=TODAY).findings(c) if f.code == "PAY004"]
    assert len(findings) == 1 and field in findings[0].message
    # The batch writer holds it out with that field and writes the others.
    built = build_batch(
        [c, claim("OK-1")],
        PROFILE,
        lambda: ControlNumbers(1, 1),
        CREATED,
    )
    assert [(h.claim_id, h.field) for h in built.held] == [("MSP-2320", field)]
    assert list(built.files[0].claim_ids) == ["OK-1"]
