"""Appeal letters: a practice asks a payer to reconsider a denied claim or service.

The letter names the claim the way the payer files it (their claim number, our claim
number, the member id, the date of service), the reason codes of the denial in words,
why the service should be paid, and leaves room to list the supporting documents sent
with it. The wording is ours; codes are printed as numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable, Spacer

from medbill.core.claim import Address
from medbill.core.forms import _layout as ui
from medbill.core.forms._layout import Practice
from medbill.core.money import Money

__all__ = ["AppealError", "AppealLetter", "render_appeal_letter"]

DEFAULT_DOCUMENTS = (
    "Clinical notes of the date of service",
    "Copy of the remittance advice showing the denial",
)


class AppealError(ValueError):
    """The letter is missing something a payer needs; ``field`` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class AppealLetter:
    practice: Practice
    letter_date: date
    payer_name: str
    patient_name: str
    member_id: str
    claim_number: str  # ours (CLM01)
    date_of_service: date
    billed: Money
    denied: Money
    reasons: tuple[str, ...]  # CARCs in words, e.g. "50 not deemed a medical necessity ..."
    grounds: str  # why the service should be paid
    payer_claim_number: str | None = None
    payer_address: Address | None = None
    patient_dob: date | None = None
    services: tuple[str, ...] = ()  # "line 2: 96372" (codes, never descriptor text)
    remarks: tuple[str, ...] = ()  # RARCs in words
    documents: tuple[str, ...] = field(default=DEFAULT_DOCUMENTS)
    contact_name: str | None = None
    rendering_provider: str | None = None
    level: str = ""  # "Redetermination", "Reconsideration (QIC)", "First-level appeal" ...
    deadline: date | None = None  # the last day the payer accepts this appeal


def _check(letter: AppealLetter) -> None:
    for name in ("payer_name", "patient_name", "member_id", "claim_number", "grounds"):
        if not str(getattr(letter, name) or "").strip():
            raise AppealError(name, "is required on an appeal letter")
    if not letter.reasons:
        raise AppealError("reasons", "name at least one reason the payer gave for the denial")
    if letter.denied <= Money(0):
        raise AppealError("denied", "an appeal asks for an amount more than zero")


def _level_sentence(letter: AppealLetter) -> str:
    """`` This request for redetermination is made within the appeal period that ends …``"""
    level = letter.level[:1].lower() + letter.level[1:]
    within = (
        f" within the appeal period that ends {ui.esc(ui.day(letter.deadline))}"
        if letter.deadline
        else ""
    )
    if level:
        return (
            f" This is a request for {ui.esc(level)}, made{within}."
            if within
            else (f" This is a request for {ui.esc(level)}.")
        )
    return f" This appeal is made{within}." if within else ""


def render_appeal_letter(letter: AppealLetter) -> bytes:
    """The appeal letter as PDF bytes."""
    _check(letter)
    payer_lines = [letter.payer_name, "Attn: Appeals and reconsiderations"]
    payer_lines += ui.address_lines(letter.payer_address)
    reference = f"Claim {letter.payer_claim_number or letter.claim_number}"
    story: list[Flowable] = [
        ui.header(
            letter.practice,
            f"REQUEST FOR {letter.level.upper()}" if letter.level else "APPEAL OF CLAIM DENIAL",
            [reference, ui.day(letter.letter_date)],
        ),
        Spacer(1, 12),
        ui.para("<br/>".join(ui.esc(x) for x in payer_lines), ui.ADDRESS),
        Spacer(1, 12),
    ]
    width = ui.panel_width(2)
    claim_rows: list[tuple[str, object]] = [
        ("Payer claim number", letter.payer_claim_number or "not yet assigned"),
        ("Our claim number", letter.claim_number),
        ("Date of service", ui.day(letter.date_of_service)),
        ("Billed / under appeal", f"{letter.billed.format()} / {letter.denied.format()}"),
    ]
    patient_rows: list[tuple[str, object]] = [
        ("Patient", letter.patient_name),
        ("Date of birth", ui.day(letter.patient_dob)),
        ("Member id", letter.member_id),
        ("Rendering provider", letter.rendering_provider or ""),
    ]
    story += [
        ui.side_by_side(
            [ui.panel("Patient", patient_rows, width), ui.panel("Claim", claim_rows, width)]
        ),
        Spacer(1, 12),
        ui.para("To the appeals reviewer:"),
        Spacer(1, 6),
        ui.para(
            f"{ui.esc(letter.practice.name)} asks you to reconsider your decision on the claim "
            f"above for {ui.esc(letter.patient_name)}, date of service "
            f"{ui.esc(ui.day(letter.date_of_service))}.{_level_sentence(letter)}"
            + " The remittance gave these reasons:"
        ),
        Spacer(1, 4),
    ]
    denial = [f"Reason {r}" for r in letter.reasons] + [f"Remark {r}" for r in letter.remarks]
    if letter.services:
        denial.append("Services under appeal: " + ", ".join(letter.services))
    story.append(ui.para("<br/>".join(f"&bull; {ui.esc(x)}" for x in denial)))
    story += [
        Spacer(1, 10),
        ui.section_bar("Why the service should be paid"),
        Spacer(1, 4),
        ui.para(ui.esc(letter.grounds).replace("\n", "<br/>")),
        Spacer(1, 10),
        ui.section_bar("Supporting documents enclosed"),
        Spacer(1, 4),
        ui.para(
            "<br/>".join(f"[&nbsp;&nbsp;] {ui.esc(d)}" for d in letter.documents)
            + "<br/>"
            + "<br/>".join(["[&nbsp;&nbsp;] " + "_" * 60] * 3)
        ),
        Spacer(1, 10),
        ui.para(
            "Please reprocess the claim and pay the amount under appeal, or tell us in writing "
            "what else you need. Questions about this appeal can be sent to the address above"
            + (f", attention {ui.esc(letter.contact_name)}." if letter.contact_name else ".")
        ),
        Spacer(1, 8),
        ui.para("Sincerely,"),
        Spacer(1, 10),
        ui.signature_lines(["Signature, name and title", "Date"]),
    ]
    return ui.build_pdf(
        story,
        title=f"Appeal of claim {letter.claim_number}",
        author=letter.practice.name,
        subject="Appeal of a claim denial",
        footer=f"Appeal · claim {letter.claim_number}",
    )
