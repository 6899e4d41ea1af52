"""The 837P writer's bytes, pinned: a faster writer must write exactly what this one did.

The claims are the billing scenarios of ``x12_claims``, claims drawn once from the
hypothesis strategies of ``claim_strategies`` (stored as claim JSON in
``data/x12_837p_pinned_claims.json.gz``: accents, other scripts, separators, over-long
values, COB, attachments, 1-50 lines) and a batch whose billing provider, payer and
rendering provider are the same objects claim after claim, as the batch builder hands
them over. What the screen holds out (and why), what it rewrote, the files written with
three sets of separators and the writer's refusals are compared with
``data/x12_837p_pinned.json.gz``.

A change to the writer's output that is meant must regenerate the expected file::

    MEDBILL_DATA_DIR=$PWD/var .venv/bin/python tests/core/test_x12_837p_pinned.py
"""

from __future__ import annotations

import gzip
import json
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medbill.core.claim import (
    Address,
    BillingProvider,
    Claim,
    Patient,
    Payer,
    PersonName,
    Provider,
    ServiceLine,
    Subscriber,
    loads,
)
from medbill.core.money import Money
from medbill.core.x12 import ControlNumbers, Delimiters, X12WriteError, screen_claims, write_837p

if __name__ == "__main__":  # regenerating: the helpers live one folder up
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from x12_claims import CONTROL, CREATED, ENVELOPE, SUBMITTER, scenarios

DATA = Path(__file__).parent / "data"
CLAIMS = DATA / "x12_837p_pinned_claims.json.gz"
EXPECTED = DATA / "x12_837p_pinned.json.gz"

SEPARATORS = {
    "default": (Delimiters(), "\n"),
    "pipes": (Delimiters(element="|", component=">", repetition="^", segment="\n"), ""),
    "crlf": (Delimiters(element="^", component="\\", repetition="{", segment="~"), "\r\n"),
}


def generated() -> list[Claim]:
    """The stored claims, and a few edits claim JSON cannot carry or the draw missed."""
    claims = loads(gzip.decompress(CLAIMS.read_bytes()))
    base = claims[0]
    sub, pat = base.subscriber, base.patient
    edits = [
        dict(subscriber=replace(sub, member_id="M" * 81)),
        dict(prior_authorization="P" * 51),
        dict(subscriber=replace(sub, name=replace(sub.name, last=" Halvorsen"))),
        dict(subscriber=replace(sub, group_name="Group  ")),
        dict(patient=replace(pat, name=replace(pat.name, first="Mia ", middle=" \u0110"))),
        dict(note="  note with\ttab and \u00fe  "),
        dict(subscriber=replace(sub, group_number=" G1")),
    ]
    for i, change in enumerate(edits):
        claims.append(replace(base, claim_id=f"EDIT{i}", **change))
    return claims


def shared_objects(n: int = 120) -> list[Claim]:
    """Claims sharing their billing provider, payer and rendering provider objects; a
    few in the middle get a payer whose name is too long, then the usual payer again."""
    home = Address("905 Williamson St", "Madison", "WI", "537031418")
    billing = BillingProvider(
        "Cedar Valley Family Practice",
        "1746502933",
        "391847265",
        Address("2400 University Ave", "Madison", "WI", "537051212", "Suite 110"),
        "207Q00000X",
    )
    rendering = Provider(PersonName("Whitaker", "Joan"), "1283746505", taxonomy="207Q00000X")
    payer = Payer("Lakeland Commercial Insurance", "LCI220", "commercial")
    long_payer = Payer("Lakeland Commercial Insurance " * 3, "LCI220", "commercial")
    codes = ("99213", "99214", "36415", "85025", "80053", "81002", "93000", "87880")
    out = []
    for i in range(n):
        sub = Subscriber(
            PersonName("Halvorsen", f"Erik{i % 97}", "Q" * (i % 30) or None),
            f"BSH{i:08d}",
            date(1971, 8, 19),
            "M",
            "GRP4410",
            address=home,
        )
        if i % 3 == 0:
            patient = Patient(PersonName("Halvorsen", "Mia"), date(2015, 4, 2), "F", "child", home)
            sub = Subscriber(sub.name, sub.member_id, group_number="GRP4410", address=home)
        else:
            patient = Patient(sub.name, sub.dob, sub.sex, "self", home)
        lines = tuple(
            ServiceLine(
                j + 1,
                codes[(i + j) % len(codes)],
                Money(f"{40 + 10 * j}.{i % 100:02d}"),
                Decimal(1) if j else Decimal("1.50"),
                ("25",) if j == 0 and i % 5 == 0 else (),
                (1, 2)[: 1 + j % 2],
            )
            for j in range(1 + i % 4)
        )
        out.append(
            Claim(
                f"B{i:07d}",
                date(2026, 3, 2),
                "11",
                "1",
                billing,
                long_payer if 50 <= i < 53 else payer,
                sub,
                patient,
                ("E1165", "I10"),
                lines,
                rendering_provider=rendering if i % 7 else None,
            )
        )
    return out


def render() -> dict[str, str]:
    """Every pinned output, by case name."""
    out: dict[str, str] = {}
    for name, claims in sorted(scenarios().items()):
        out[f"scenario {name}"] = write_837p(claims, ENVELOPE, CONTROL, SUBMITTER, CREATED).decode()
    batches = {"generated": generated(), "shared objects": shared_objects()}
    for batch_name, claims in batches.items():
        for sep_name, (d, ending) in SEPARATORS.items():
            screened = screen_claims(claims, d)
            held = [f"{h.claim_id}|{h.field}|{h.reason}" for h in screened.held]
            fits = [
                f"{cid}|{f.field}|{f.element}|{f.kind}|{f.line}|{f.message}"
                for cid, f in screened.fits
            ]
            out[f"{batch_name} {sep_name} held"] = "\n".join(held)
            out[f"{batch_name} {sep_name} fits"] = "\n".join(fits)
            out[f"{batch_name} {sep_name} file"] = write_837p(
                screened.ready,
                ENVELOPE,
                CONTROL,
                SUBMITTER,
                CREATED,
                delimiters=d,
                line_ending=ending,
            ).decode()
            # The writer on its own refuses a held claim, naming it, the field and element.
            refusals = []
            ids = {h.claim_id for h in screened.held}
            for claim in claims:
                if claim.claim_id not in ids:
                    continue
                try:
                    write_837p([claim], ENVELOPE, CONTROL, SUBMITTER, CREATED, delimiters=d)
                except X12WriteError as exc:
                    refusals.append(f"{exc}|{exc.claim_id}|{exc.field}|{exc.segment}|{exc.element}")
                else:
                    refusals.append(f"{claim.claim_id} written")
            out[f"{batch_name} {sep_name} refused"] = "\n".join(refusals)
    # Values no fitting sees, refused by the segment writer naming segment and element.
    base = shared_objects(1)[0]
    bp = base.billing_provider
    bad = [
        replace(base, billing_provider=replace(bp, contact_name="Office", contact_phone="608*55")),
        replace(base, billing_provider=replace(bp, contact_name="Office", contact_phone="608~55")),
        replace(base, billing_provider=replace(bp, contact_name="Office", contact_phone="608:55")),
        replace(base, billing_provider=replace(bp, contact_name="Office", contact_phone="608^55")),
    ]
    refusals = []
    for claim in bad:
        try:
            write_837p([claim], ENVELOPE, CONTROL, SUBMITTER, CREATED)
        except X12WriteError as exc:
            refusals.append(f"{exc}|{exc.claim_id}|{exc.field}|{exc.segment}|{exc.element}")
    out["refused by the segment writer"] = "\n".join(refusals)
    # Claims written as they come (without the screen's fitting) and one by one.
    ready = screen_claims(generated()).ready
    out["generated one by one"] = "".join(
        write_837p([c], ENVELOPE, ControlNumbers(7, 7, 3), SUBMITTER, CREATED).decode()
        for c in ready[:60]
    )
    out["shared objects unscreened"] = write_837p(
        [replace(c, claim_id=f"U{c.claim_id}") for c in shared_objects()[:50]],
        ENVELOPE,
        CONTROL,
        SUBMITTER,
        CREATED,
        reference="PINNED-REF",
    ).decode()
    return out


def expected() -> dict[str, str]:
    return json.loads(gzip.decompress(EXPECTED.read_bytes()))


CASES = sorted(expected()) if EXPECTED.exists() else []


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render()


def test_every_case_is_rendered(rendered):
    assert sorted(rendered) == CASES


@pytest.mark.parametrize("case", CASES)
def test_output_is_unchanged(rendered, case):
    want, got = expected()[case], rendered[case]
    if got != want:
        a, b = want.splitlines(), got.splitlines()
        first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
        if first is None:
            first = min(len(a), len(b))
        pytest.fail(
            f"{case}: first difference at line {first + 1}:\n"
            f"  was: {a[first] if first < len(a) else '(end)'}\n"
            f"  now: {b[first] if first < len(b) else '(end)'}"
        )


def test_the_pinned_claims_reach_every_kind_of_outcome(rendered):
    """The pinned claims are varied enough to mean something."""
    held = rendered["generated default held"].splitlines()
    refused = rendered["generated default refused"].splitlines()
    assert len(held) >= 20
    assert len(rendered["generated default fits"].splitlines()) >= 50
    assert rendered["generated default file"].count("~\nCLM*") >= 200
    for kind in ("truncated", "separator_replaced"):
        assert f"|{kind}|" in rendered["generated default fits"]
    for reason in ("a shortened identifier", "no form in the X12 character set", "separates"):
        assert any(reason in h for h in held + refused), reason
    assert rendered["refused by the segment writer"].count("value contains the delimiter") == 4
    for segment in ("PWK*", "SVD*", "CAS*", "LIN*", "REF*F8*", "NTE*"):
        assert segment in rendered["generated default file"]


if __name__ == "__main__":
    EXPECTED.write_bytes(
        gzip.compress(json.dumps(render(), sort_keys=True, indent=0).encode(), mtime=0)
    )
    print(f"wrote {EXPECTED}")
