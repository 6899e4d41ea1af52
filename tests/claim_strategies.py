"""Hypothesis strategies for claim documents, and the scrub -> write pipeline they go through.

Claims are built the way billing offices fill them: any Unicode in names and
addresses (accents, other Latin alphabets, other scripts, typographic marks,
control characters, the file's separators), lengths past every limit, 1-12
diagnoses, 1-50 lines with modifiers and drugs (NDC), coordination of benefits
with one or two earlier payers (Medicare secondary with or without its payer type),
replacement and void claims, attachments on the claim and its lines. Codes are the
right shape: the scrubber's code-set edits are not what these claims test.
Used by ``tests/core/test_x12_837p_generated.py`` and ``bench/x12_fuzz.py``.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from medbill.core.attachments import REPORT_TYPES, TRANSMISSIONS
from medbill.core.claim import (
    Address,
    Adjudication,
    Attachment,
    BillingProvider,
    CasAdjustment,
    Claim,
    LineAdjudication,
    OtherCoverage,
    Patient,
    Payer,
    PersonName,
    Provider,
    ServiceLine,
    Subscriber,
)
from medbill.core.money import Money
from medbill.core.scrubber import References, Scrubber
from medbill.core.submission import ClearinghouseProfile, build_batch
from medbill.core.x12 import ControlNumbers

DIAGNOSES = (
    "E1165",
    "I10",
    "J020",
    "M545",
    "Z0000",
    "R05",
    "K219",
    "F419",
    "N390",
    "E785",
    "G4700",
    "L309",
    "S93401A",
    "J069",
    "R109",
    "M2551",
)
CODES = (
    "99213",
    "99214",
    "36415",
    "85025",
    "80053",
    "81002",
    "93000",
    "87880",
    "96372",
    "J1100",
    "J3301",
    "97110",
    "20610",
    "11721",
)
MODIFIERS = ("25", "59", "RT", "LT", "QW", "GT", "XU", "76", "91", "GA")
PAYER_TYPES = (
    "medicare",
    "medicaid",
    "commercial",
    "bcbs",
    "tricare",
    "champva",
    "hmo",
    "ppo",
    "workers_comp",
    "medicare_advantage",
    "auto",
    "other",
)
STATES = ("WI", "MN", "IL", "IA", "NY", "TX", "CA")
MSP_TYPES = ("12", "13", "14", "15", "16", "41", "42", "43", "47")
DOS = date(2026, 3, 2)
TODAY = date(2026, 3, 9)
NPIS = ("1746502933", "1283746505")

# Latin letters with accents, other Latin alphabets, dashes and quotes, the separators
# of the file and a tab: everything here can be written (transliterated or replaced).
_LATIN = st.characters(
    codec="utf-8",
    categories=("Lu", "Ll", "Zs", "Pd", "Po", "Nd", "Mn"),
    max_codepoint=0x17F,
    include_characters="*:^~|>\t\u2019\u2014",
)
_ANY = st.characters(codec="utf-8", exclude_categories=("Cs",))
_WORDS = st.sampled_from(
    [
        "Đorđević",
        "Þórunn",
        "Yıldız",
        "Ðan",
        "Núñez",
        "O\u2019Brien",
        "Groß",
        "Łukasz",
        "Ørsted",
        "Smith",
        "Van der Berg",
        "Ana María",
    ]
)


def text(min_size: int = 1, max_size: int = 90, wild: bool = False) -> st.SearchStrategy[str]:
    """Free text as people type it: mostly short, often accented or from another Latin
    alphabet, sometimes long or with a separator; ``wild`` adds any Unicode at all."""
    short = st.text(string.ascii_letters + " '-", min_size=min_size, max_size=min(max_size, 20))
    latin = st.text(_LATIN, min_size=min_size, max_size=max_size)
    usual = st.one_of(short, short, _WORDS, latin)
    return (
        st.one_of(usual, usual, st.text(_ANY, min_size=min_size, max_size=max_size))
        if wild
        else usual
    )


def ident(max_size: int = 60, min_size: int = 1, wild: bool = False) -> st.SearchStrategy[str]:
    """An identifier: letters and digits; ``wild`` adds separators, spaces and lengths past
    the element."""
    usual = st.text(string.ascii_uppercase + string.digits, min_size=max(min_size, 2), max_size=20)
    odd = st.text(
        string.ascii_uppercase + string.digits + "-*~:^ ", min_size=min_size, max_size=max_size
    )
    return st.one_of(usual, usual, usual, odd) if wild else usual


@st.composite
def names(draw: st.DrawFn, wild: bool = False) -> PersonName:
    return PersonName(
        draw(text(1, 70, wild)),
        draw(st.none() | text(1, 45, wild)),
        draw(st.none() | text(1, 35, wild)),
        draw(st.none() | text(1, 14, wild)),
    )


@st.composite
def addresses(draw: st.DrawFn, wild: bool = False) -> Address:
    return Address(
        draw(text(1, 70, wild)),
        draw(text(2, 40, wild)),
        draw(st.sampled_from(STATES)),
        draw(st.sampled_from(("53703", "537031418", "55401"))),
        draw(st.none() | text(1, 70, wild)),
    )


@st.composite
def subscribers(draw: st.DrawFn, self_: bool, wild: bool = False) -> Subscriber:
    return Subscriber(
        draw(names(wild)),
        draw(ident(85, wild=wild)),
        date(1971, 8, 19) if self_ else None,
        "F" if self_ else None,
        draw(st.none() | ident(55, wild=wild)),
        draw(st.none() | text(1, 70, wild)),
        draw(addresses(wild)) if self_ else draw(st.none() | addresses(wild)),
        medicare_secondary_type=draw(
            st.one_of(st.sampled_from(MSP_TYPES), st.sampled_from(MSP_TYPES), st.none())
        ),
    )


@st.composite
def attachments(draw: st.DrawFn, wild: bool = False, most: int = 3) -> tuple:
    """0 to ``most`` attachments; ``wild`` sometimes adds a missing or unsendable control
    number, or more attachments than the 837P repeats (most claims stay sendable, so the
    other wild fields still reach the writer)."""
    # One wild claim in four gets wild attachments: the others keep theirs sendable, so
    # that their other wild fields still reach the writer.
    wild = wild and draw(st.integers(0, 3)) == 0
    count = st.integers(0, most)
    n = draw(st.one_of(count, count, count, st.just(11)) if wild and most > 3 else count)
    numbers = (
        st.one_of(ident(80), ident(80), ident(80), ident(85, wild=True), st.none())
        if wild
        else ident(80)
    )
    out = []
    for _ in range(n):
        how = draw(st.sampled_from(sorted(TRANSMISSIONS)))
        number = None if how == "AA" and draw(st.booleans()) else draw(numbers)
        out.append(Attachment(draw(st.sampled_from(sorted(REPORT_TYPES))), how, number))
    return tuple(out)


@st.composite
def payers(draw: st.DrawFn, wild: bool = False) -> Payer:
    return Payer(
        draw(text(1, 80, wild)),
        draw(ident(85, wild=wild)),
        draw(st.sampled_from(PAYER_TYPES)),
        draw(st.none() | addresses(wild)),
    )


@st.composite
def service_lines(
    draw: st.DrawFn, n: int, n_dx: int, wild: bool = False
) -> tuple[ServiceLine, ...]:
    # Codes, modifiers, charges and pointers come from one drawn random source (cheap for
    # fifty lines); the text and identifiers of the first lines are drawn one by one.
    r = random.Random(draw(st.integers(0, 2**32)))
    out = []
    for i in range(n):
        ndc = r.random() < 0.15
        drawn = i < 3
        out.append(
            ServiceLine(
                i + 1,
                r.choice(CODES),
                Money(f"{r.randint(1, 999)}.{r.randint(0, 99):02d}"),
                Decimal(r.randint(1, 3)),
                tuple(r.sample(MODIFIERS, r.randint(0, 4))),
                tuple(r.sample(range(1, n_dx + 1), r.randint(1, min(4, n_dx)))),
                ndc="00409-4888-01" if ndc else None,
                ndc_quantity=Decimal(2) if ndc else None,
                ndc_unit="ML" if ndc else None,
                line_control_number=draw(st.none() | ident(55, wild=wild))
                if drawn
                else f"L{i + 1:03d}",
                description=draw(st.none() | text(1, 90, wild)) if drawn else None,
                prior_authorization=draw(st.none() | ident(55, wild=wild)) if i == 0 else None,
                attachments=draw(attachments(wild, most=2)) if drawn else (),
            )
        )
    return tuple(out)


@st.composite
def other_coverages(draw: st.DrawFn, lines: tuple[ServiceLine, ...], wild: bool = False) -> tuple:
    count = draw(st.integers(0, 2))
    out = []
    for k in range(count):
        adjudication = None
        if draw(st.booleans()):
            halves = [(ln, Money(ln.charge.amount / 2)) for ln in lines]
            la = tuple(
                LineAdjudication(
                    ln.line,
                    ln.code,
                    paid,
                    DOS + timedelta(days=3),
                    adjustments=(CasAdjustment("CO", "45", ln.charge - paid),),
                )
                for ln, paid in halves
            )
            adjudication = Adjudication(
                sum((a.paid for a in la), Money(0)),
                payer_claim_number=draw(st.none() | ident(55, wild=wild)),
                lines=la,
            )
        out.append(
            OtherCoverage(
                draw(payers(wild)),
                draw(subscribers(False, wild)),
                draw(st.sampled_from(("self", "spouse", "child"))),
                ("primary", "secondary")[k],
                adjudication,
            )
        )
    return tuple(out)


@st.composite
def claims(draw: st.DrawFn, max_lines: int = 50) -> Claim:
    """One claim; its id is unique within a draw of several (a counter is added)."""
    # One claim in four may carry anything at all (other scripts, emoji, identifiers that
    # cannot be sent); the others carry what an 837P can always be made to hold.
    wild = draw(st.integers(0, 3)) == 0
    n_dx = draw(st.integers(1, 12))
    diagnoses = tuple(
        draw(st.lists(st.sampled_from(DIAGNOSES), min_size=n_dx, max_size=n_dx, unique=True))
    )
    lines = draw(service_lines(draw(st.integers(1, max_lines)), n_dx, wild))
    self_ = draw(st.booleans())
    sub = draw(subscribers(self_, wild))
    if self_:
        patient = Patient(sub.name, sub.dob, sub.sex, "self", sub.address)
    else:
        patient = Patient(
            draw(names(wild)),
            date(2015, 4, 2),
            "M",
            draw(st.sampled_from(("child", "spouse", "other"))),
            draw(addresses(wild)),
        )
    frequency = draw(st.sampled_from("1178"))
    billing = BillingProvider(
        draw(text(1, 70, wild)),
        NPIS[0],
        "391847265",
        Address("2400 University Ave", "Madison", "WI", "537051212"),
        "207Q00000X",
    )
    rendering = draw(
        st.none()
        | st.builds(
            Provider, names(wild), st.sampled_from(NPIS[1:]), taxonomy=st.just("207Q00000X")
        )
    )
    return Claim(
        draw(ident(42, wild=wild)),
        DOS,
        "11",
        frequency,
        billing,
        draw(payers(wild)),
        sub,
        patient,
        diagnoses,
        lines,
        submission_date=TODAY,
        original_claim_ref=draw(ident(55, wild=wild)) if frequency != "1" else None,
        rendering_provider=rendering,
        other_coverage=draw(other_coverages(lines, wild)),
        prior_authorization=draw(st.none() | ident(55, wild=wild)),
        referral_number=draw(st.none() | ident(55, wild=wild)),
        note=draw(st.none() | text(1, 100, wild)),
        attachments=draw(attachments(wild, most=10)),
    )


PROFILE = ClearinghouseProfile.from_dict(
    {
        "name": "fuzz",
        "sender_id": "MEDBILLFUZZ",
        "receiver_id": "CLEARINGHOUSE",
        "submitter_name": "Cedar Valley Family Practice",
        "contact_name": "Billing Office",
        "contact_phone": "6085550142",
        "receiver_name": "Prairie Clearinghouse",
        "transport": "folder",
        "folder": "/tmp",
        "usage": "T",
        "max_claims": 100_000,
    }
)


@dataclass
class Outcome:
    """What scrub -> write did with a batch of claims."""

    files: list[bytes]
    written: list[str]
    held: list[tuple[str, str | None, str]]
    unexplained: list[tuple[str, str | None, str]]  # held with no scrubber error naming why


def scrub_then_write(
    batch: list[Claim],
    scrubber: Scrubber | None = None,
    profile: ClearinghouseProfile = PROFILE,
    counter: Iterator[int] | None = None,
) -> Outcome:
    """Scrub every claim, write the batch, and match each held claim to its findings.

    ``counter`` gives interchange control numbers (files validated together need
    distinct ones).
    """
    scrubber = scrubber or Scrubber(References(), today=TODAY)
    errors = {c.claim_id: [f for f in scrubber.findings(c) if f.severity == "error"] for c in batch}
    counter = counter or iter(range(1, 1_000_000))
    built = build_batch(
        batch, profile, lambda: ControlNumbers(next(counter), 1), datetime(2026, 3, 9, 14, 5)
    )
    held = [(h.claim_id, h.field, h.reason) for h in built.held]
    unexplained = [
        h for h in held if not any(h[1] and h[1] in f.message for f in errors.get(h[0], []))
    ]
    return Outcome(
        [f.data for f in built.files],
        [cid for f in built.files for cid in f.claim_ids],
        held,
        unexplained,
    )


@st.composite
def batches(draw: st.DrawFn, max_claims: int = 3, max_lines: int = 50) -> list[Claim]:
    """1 to ``max_claims`` claims with distinct ids."""
    out = draw(st.lists(claims(max_lines), min_size=1, max_size=max_claims))
    return [replace(c, claim_id=f"{i}{c.claim_id}") for i, c in enumerate(out)]
