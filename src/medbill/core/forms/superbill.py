"""The superbill: one visit's services, diagnoses and charges on a page the patient can keep.

A :class:`Superbill` is the claim document plus what only the visit knows (the
copay taken at the desk, the practice's phone, its own words for each code).
ICD-10-CM descriptions come from a lookup callable the caller passes in
(``medbill.core.codesets`` in the application), so this module needs no code set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from medbill.core.claim import Claim, Provider, ServiceLine
from medbill.core.forms import _layout as ui
from medbill.core.forms._layout import Practice
from medbill.core.money import Money

__all__ = [
    "PLACE_OF_SERVICE_NAMES",
    "Superbill",
    "SuperbillError",
    "dotted_icd",
    "render_superbill",
]

DescribeDiagnosis = Callable[[str], "str | None"]

# The CMS place-of-service codes a physician office meets most often.
PLACE_OF_SERVICE_NAMES = {
    "02": "Telehealth, not in the patient's home",
    "10": "Telehealth in the patient's home",
    "11": "Office",
    "12": "Home",
    "19": "Off-campus outpatient hospital",
    "20": "Urgent care facility",
    "21": "Inpatient hospital",
    "22": "On-campus outpatient hospital",
    "23": "Emergency room, hospital",
    "24": "Ambulatory surgical center",
    "31": "Skilled nursing facility",
    "32": "Nursing facility",
    "49": "Independent clinic",
    "50": "Federally qualified health center",
    "71": "Public health clinic",
    "72": "Rural health clinic",
    "81": "Independent laboratory",
}
_RELATIONSHIP_WORDS = {"self": "Self", "spouse": "Spouse", "child": "Child", "other": "Other"}
_SEX_WORDS = {"M": "Male", "F": "Female", "U": "Unknown"}
_LETTERS = "ABCDEFGHIJKL"


class SuperbillError(ValueError):
    """The superbill cannot be made; ``field`` names what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Superbill:
    """A visit ready to print: the claim plus the visit's own facts."""

    claim: Claim
    practice: Practice
    visit_id: str | None = None
    visit_date: date | None = None
    account_number: str | None = None
    copay_collected: Money = field(default_factory=lambda: Money(0))
    other_payments: Money = field(default_factory=lambda: Money(0))
    patient_phone: str | None = None
    service_descriptions: Mapping[str, str] = field(default_factory=dict)
    follow_up: str | None = None
    notes: str | None = None

    @classmethod
    def from_claim(
        cls, claim: Claim, *, practice: Practice | None = None, **visit: Any
    ) -> Superbill:
        """A superbill for ``claim``; ``visit`` takes any of the other fields by name."""
        return cls(
            claim=claim,
            practice=practice or Practice.from_billing_provider(claim.billing_provider),
            **visit,
        )

    @property
    def date_of_service(self) -> date | None:
        return self.visit_date or self.claim.date_of_service

    @property
    def account(self) -> str:
        return self.account_number or self.claim.patient.account_number or self.claim.claim_id

    @property
    def total_charges(self) -> Money:
        return self.claim.total_charge

    @property
    def balance(self) -> Money:
        """What is still owed on the visit after what was paid at the desk."""
        return self.total_charges - self.copay_collected - self.other_payments

    def description_of(self, code: str, given: str | None) -> str:
        return given or self.service_descriptions.get(code, "")


def dotted_icd(code: str) -> str:
    """``E1165`` -> ``E11.65`` (how people read ICD-10-CM codes)."""
    code = code.replace(".", "").upper()
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def _provider(p: Provider | None) -> str:
    if p is None:
        return ""
    name = " ".join(x for x in (p.name.first, p.name.middle, p.name.last) if x)
    text = f"{name}, {p.credential}" if p.credential else name
    return f"{text} (NPI {p.npi})" if p.npi else text


def _check(bill: Superbill) -> None:
    claim = bill.claim
    if not claim.lines:
        raise SuperbillError("lines", "a superbill needs at least one service")
    for i, line in enumerate(claim.lines):
        for p in line.dx_pointers:
            if not 1 <= p <= len(claim.diagnoses):
                raise SuperbillError(f"lines[{i}].dx_pointers", f"pointer {p} names no diagnosis")
    for name in ("copay_collected", "other_payments"):
        if getattr(bill, name) < 0:
            raise SuperbillError(name, "cannot be negative")


def _panels(bill: Superbill) -> Table:
    claim, pat, sub = bill.claim, bill.claim.patient, bill.claim.subscriber
    width = ui.panel_width(3)
    address = ", ".join(ui.address_lines(pat.address))
    patient = ui.panel(
        "Patient",
        [
            ("Name", pat.name.display()),
            ("Date of birth · Sex", f"{ui.day(pat.dob)} · {_SEX_WORDS.get(pat.sex or '', '')}"),
            ("Address", address),
            ("Phone", ui.phone(bill.patient_phone)),
            ("Account number", bill.account),
        ],
        width,
    )
    secondary = ", ".join(
        f"{c.order.title()}: {c.payer.name} ({c.subscriber.member_id or 'no id'})"
        for c in claim.other_coverage
    )
    insurance = ui.panel(
        "Insurance",
        [
            (
                "Payer",
                f"{claim.payer.name}"
                + (f" · ID {claim.payer.payer_id}" if claim.payer.payer_id else ""),
            ),
            ("Member ID · Group", " · ".join(x for x in (sub.member_id, sub.group_number) if x)),
            ("Subscriber", sub.name.display() + (f" · born {ui.day(sub.dob)}" if sub.dob else "")),
            ("Patient's relationship", _RELATIONSHIP_WORDS[pat.relationship_to_subscriber]),
            ("Other coverage", secondary or "None"),
        ],
        width,
    )
    pos = claim.place_of_service or ""
    visit = ui.panel(
        "Visit",
        [
            ("Date of service", ui.day(bill.date_of_service)),
            ("Place of service", f"{pos} {PLACE_OF_SERVICE_NAMES.get(pos, '')}".strip()),
            (
                "Rendering provider",
                _provider(claim.rendering_provider) or claim.billing_provider.name,
            ),
            ("Referring provider", _provider(claim.referring_provider) or "None"),
            ("Prior authorization", claim.prior_authorization or claim.referral_number or "None"),
        ],
        width,
    )
    return ui.side_by_side([patient, insurance, visit])


def _units(line: ServiceLine) -> str:
    u = line.units
    text = format(u.normalize(), "f") if u == u.to_integral_value() else str(u)
    return f"{text} min" if line.unit_basis == "MJ" else text


def _services(bill: Superbill) -> Table:
    rows = []
    for i, line in enumerate(bill.claim.lines, start=1):
        when = line.date_of_service or bill.date_of_service
        per_unit = (
            Money(line.charge.amount / line.units)
            if line.units and line.unit_basis != "MJ"
            else line.charge
        )
        rows.append(
            [
                str(line.line or i),
                ui.day(when),
                line.code,
                " ".join(line.modifiers),
                bill.description_of(line.code, line.description),
                ", ".join(_LETTERS[p - 1] for p in line.dx_pointers),
                _units(line),
                per_unit.format(),
                line.charge.format(),
            ]
        )
    return ui.grid_table(
        ["#", "Date", "Code", "Modifiers", "Service", "Dx", "Units", "Fee", "Charge"],
        rows,
        [3, 9, 6.5, 8.5, 34.5, 6, 5.5, 8.5, 9],
        right=(6, 7, 8),
    )


def _diagnoses(bill: Superbill, describe: DescribeDiagnosis | None) -> Table:
    rows = []
    for i, code in enumerate(bill.claim.diagnoses):
        text = describe(code) if describe else None
        rows.append([_LETTERS[i], dotted_icd(code), text or ""])
    return ui.grid_table(["Pointer", "ICD-10-CM", "Diagnosis"], rows, [9, 10, 81])


def _totals(bill: Superbill) -> Table:
    rows = [
        ("Total charges", bill.total_charges.format()),
        (
            "Copay collected",
            f"-{bill.copay_collected.format()}"
            if bill.copay_collected
            else bill.copay_collected.format(),
        ),
    ]
    if bill.other_payments:
        rows.append(("Other payments today", f"-{bill.other_payments.format()}"))
    rows.append(("Balance", bill.balance.format()))
    data = [[ui.plain(label, ui.BODY), ui.plain(value, ui.RIGHT)] for label, value in rows]
    data[-1] = [ui.plain("Balance", ui.STRONG), ui.plain(bill.balance.format(), ui.STRONG_RIGHT)]
    table = Table(data, colWidths=[1.55 * 72, 1.1 * 72], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, -1), (-1, -1), 0.9, ui.INK),
                ("BACKGROUND", (0, -1), (-1, -1), ui.TINT),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def render_superbill(bill: Superbill, describe_diagnosis: DescribeDiagnosis | None = None) -> bytes:
    """The superbill as PDF bytes.

    ``describe_diagnosis(code)`` returns the ICD-10-CM description of a code
    (undotted) or None; without it the diagnosis table lists codes only.
    """
    _check(bill)
    claim = bill.claim
    story = [
        ui.header(
            bill.practice,
            "SUPERBILL",
            [
                f"Date of service {ui.day(bill.date_of_service)}",
                f"Account {bill.account}" + (f" · Visit {bill.visit_id}" if bill.visit_id else ""),
                f"Claim {claim.claim_id}",
            ],
        ),
        Spacer(1, 8),
        _panels(bill),
        Spacer(1, 10),
        ui.section_bar("Services"),
        _services(bill),
        Spacer(1, 10),
        ui.section_bar("Diagnoses (ICD-10-CM), in claim order"),
        _diagnoses(bill, describe_diagnosis),
        Spacer(1, 10),
        _totals(bill),
    ]
    if bill.follow_up or bill.notes or claim.note:
        notes = [
            x
            for x in (
                f"Follow-up: {bill.follow_up}" if bill.follow_up else "",
                bill.notes or "",
                claim.note or "",
            )
            if x
        ]
        story += [Spacer(1, 8), ui.plain(" · ".join(notes), ui.BODY)]
    story += [
        Spacer(1, 18),
        KeepTogether(
            [
                ui.plain(
                    "I certify that the services listed above were medically necessary and "
                    "were provided by me or under my direct supervision.",
                    ui.SMALL,
                ),
                Spacer(1, 4),
                ui.signature_lines(
                    [
                        "Provider signature — "
                        + (_provider(claim.rendering_provider) or bill.practice.name),
                        "Date",
                    ]
                ),
                Spacer(1, 14),
                ui.plain(
                    "I authorize the release of information needed to process my insurance "
                    "claims and assign the benefits to the practice. I understand I am "
                    "responsible for any amount my insurance does not pay.",
                    ui.SMALL,
                ),
                Spacer(1, 4),
                ui.signature_lines(["Patient or guardian signature", "Date"]),
            ]
        ),
    ]
    return ui.build_pdf(
        story,
        title=f"Superbill {claim.claim_id}",
        author=bill.practice.name,
        subject="Superbill",
        footer=f"Superbill · {bill.practice.name} · Account {bill.account}",
    )
