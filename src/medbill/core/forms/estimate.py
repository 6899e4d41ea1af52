"""The good-faith estimate for a self-pay (uninsured) patient, signed before the visit.

Expected services with their codes and self-pay prices from the fee schedule, the
practice's self-pay discount, the diagnoses expected when known, the dates the
estimate holds, and who gives it (name, address, NPI, TIN). The patient's rights
under the federal rules for uninsured patients are stated in our own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reportlab.platypus import Flowable, KeepTogether, Spacer

from medbill.core.claim import Address
from medbill.core.forms import _layout as ui
from medbill.core.forms._layout import Practice
from medbill.core.forms.superbill import dotted_icd
from medbill.core.frontdesk.estimate import line_discount
from medbill.core.money import Money

__all__ = ["EstimateError", "EstimateItem", "GoodFaithEstimate", "render_estimate"]


class EstimateError(ValueError):
    """The estimate is incomplete or inconsistent; ``field`` names what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class EstimateItem:
    """One expected service at the practice's self-pay price, before the discount."""

    code: str
    description: str
    unit_price: Money
    quantity: Decimal = Decimal(1)
    modifiers: tuple[str, ...] = ()

    @property
    def amount(self) -> Money:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class GoodFaithEstimate:
    practice: Practice
    estimate_number: str
    issued_on: date
    valid_until: date
    patient_name: str
    patient_dob: date | None
    items: tuple[EstimateItem, ...]
    discount_percent: Decimal = Decimal(0)
    patient_address: Address | None = None
    patient_phone: str | None = None
    scheduled_on: date | None = None
    reason: str | None = None  # the primary service or reason for the visit
    expected_diagnoses: tuple[tuple[str, str], ...] = ()  # (ICD-10-CM code, description)
    provider_name: str | None = None
    provider_npi: str | None = None
    deposit: Money | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def subtotal(self) -> Money:
        return sum((item.amount for item in self.items), Money(0))

    @property
    def discount(self) -> Money:
        rate = self.discount_percent / 100
        return sum((line_discount(item.amount, rate) for item in self.items), Money(0))

    @property
    def total(self) -> Money:
        return self.subtotal - self.discount


def _check(estimate: GoodFaithEstimate) -> None:
    if not estimate.items:
        raise EstimateError("items", "an estimate lists at least one expected service")
    if not 0 <= estimate.discount_percent <= 100:
        raise EstimateError("discount_percent", "must be between 0 and 100")
    if estimate.valid_until < estimate.issued_on:
        raise EstimateError("valid_until", "is before the date the estimate is issued")
    for i, item in enumerate(estimate.items):
        if item.quantity <= 0:
            raise EstimateError(f"items[{i}].quantity", "must be more than zero")
        if item.unit_price < 0:
            raise EstimateError(f"items[{i}].unit_price", "cannot be negative")
    if not estimate.practice.npi or not estimate.practice.tin:
        raise EstimateError("practice", "an estimate names the practice's NPI and TIN")


def _qty(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def render_estimate(estimate: GoodFaithEstimate) -> bytes:
    """The good-faith estimate as PDF bytes, with the patient's signature area."""
    _check(estimate)
    practice = estimate.practice
    width = ui.panel_width(3)
    patient = ui.panel(
        "Patient",
        [
            ("Name", estimate.patient_name),
            ("Date of birth", ui.day(estimate.patient_dob)),
            ("Address", ", ".join(ui.address_lines(estimate.patient_address))),
            ("Phone", ui.phone(estimate.patient_phone)),
        ],
        width,
    )
    provider = ui.panel(
        "Provider",
        [
            ("Practice", practice.name),
            ("Address", ", ".join(ui.address_lines(practice.address))),
            ("NPI · TIN", f"{practice.npi} · {ui.tin(practice.tin)}"),
            (
                "Clinician",
                " · ".join(
                    x
                    for x in (
                        estimate.provider_name,
                        f"NPI {estimate.provider_npi}" if estimate.provider_npi else None,
                    )
                    if x
                ),
            ),
        ],
        width,
    )
    visit = ui.panel(
        "Scheduled care",
        [
            ("Date", ui.day(estimate.scheduled_on) if estimate.scheduled_on else "To be scheduled"),
            ("Reason", estimate.reason or ""),
            ("Estimate valid", f"{ui.day(estimate.issued_on)} to {ui.day(estimate.valid_until)}"),
            ("Contact", ui.phone(practice.phone)),
        ],
        width,
    )
    rows = [
        [
            item.code,
            " ".join(item.modifiers),
            item.description,
            _qty(item.quantity),
            item.unit_price.format(),
            item.amount.format(),
        ]
        for item in estimate.items
    ]
    totals = [["", "", "Subtotal", "", "", estimate.subtotal.format()]]
    if estimate.discount_percent:
        totals.append(
            [
                "",
                "",
                f"Self-pay discount ({_qty(estimate.discount_percent)}%)",
                "",
                "",
                f"-{estimate.discount.format()}",
            ]
        )
    totals.append(["", "", "Total estimated cost", "", "", estimate.total.format()])
    story: list[Flowable] = [
        ui.header(
            practice,
            "GOOD FAITH ESTIMATE",
            [
                f"Estimate {estimate.estimate_number}",
                f"Issued {ui.day(estimate.issued_on)} · valid until {ui.day(estimate.valid_until)}",
            ],
        ),
        Spacer(1, 8),
        ui.side_by_side([patient, provider, visit]),
        Spacer(1, 10),
        ui.section_bar("Expected services and self-pay prices"),
        ui.grid_table(
            ["Code", "Modifiers", "Service", "Qty", "Self-pay price", "Amount"],
            rows,
            [9, 9, 46, 6, 15, 15],
            right=(3, 4, 5),
            totals=totals,
        ),
    ]
    if estimate.deposit:
        story += [
            Spacer(1, 6),
            ui.para(
                f"<b>Deposit requested before the visit: {ui.esc(estimate.deposit.format())}</b>"
            ),
        ]
    if estimate.expected_diagnoses:
        story += [
            Spacer(1, 10),
            ui.section_bar("Expected diagnoses (ICD-10-CM)"),
            ui.grid_table(
                ["Code", "Diagnosis"],
                [[dotted_icd(c), d] for c, d in estimate.expected_diagnoses],
                [12, 88],
            ),
        ]
    rights = [
        "You have the right to receive a good-faith estimate of the total expected cost of "
        "any care that is not an emergency, because you are not using health insurance to pay "
        "for it.",
        "This is an estimate, not a contract or a bill. Actual charges may differ if your care "
        "turns out to need other or more services. You are not required to get care from us.",
        f"If your bill comes to at least $400 more than this estimate, you may dispute it. Keep "
        f"a copy of this estimate; call us first at {ui.phone(practice.phone) or 'our office'}. "
        "Information on the federal patient-provider dispute process is at "
        "www.cms.gov/nosurprises.",
        *estimate.notes,
    ]
    story += [
        Spacer(1, 10),
        ui.section_bar("Your rights and this estimate"),
        Spacer(1, 3),
        *[ui.para(f"•&nbsp;&nbsp;{ui.esc(text)}", ui.BODY) for text in rights],
        Spacer(1, 16),
        KeepTogether(
            [
                ui.plain(
                    "I have received this good-faith estimate and understand that I am "
                    "responsible for the cost of the care I receive as a self-pay patient.",
                    ui.SMALL,
                ),
                Spacer(1, 4),
                ui.signature_lines(["Patient or guardian signature", "Date"]),
                Spacer(1, 12),
                ui.signature_lines(["For the practice: name and signature", "Date"]),
            ]
        ),
    ]
    return ui.build_pdf(
        story,
        title=f"Good faith estimate {estimate.estimate_number}",
        author=practice.name,
        subject="Good faith estimate for a self-pay patient",
        footer=f"Good faith estimate {estimate.estimate_number} · {practice.name}",
    )
