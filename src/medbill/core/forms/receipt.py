"""Payment receipts: money taken at the desk or opened from the mail (cash, check, card).

A card payment is recorded by its reference only (last four digits, authorization
code); a full card number is refused, so one can never end up on paper or on disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from medbill.core.forms import _layout as ui
from medbill.core.forms._layout import Practice
from medbill.core.money import Money

__all__ = ["PAYMENT_METHODS", "Receipt", "ReceiptError", "render_receipt"]

PAYMENT_METHODS = {
    "cash": "Cash",
    "check": "Check",
    "card": "Card",
    "money_order": "Money order",
    "hsa": "HSA / FSA card",
}
_CHANNELS = {
    "desk": "Paid at the front desk",
    "mail": "Received by mail",
    "phone": "Paid by phone",
    "online": "Paid online",
}
_LONG_DIGITS = re.compile(r"\d[\d -]{11,}\d")


class ReceiptError(ValueError):
    """The receipt is incomplete or unsafe; ``field`` names what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Receipt:
    practice: Practice
    receipt_number: str
    received_at: datetime
    payer_name: str  # who paid: the patient or the guarantor
    account_number: str
    amount: Money
    method: str  # a key of PAYMENT_METHODS
    channel: str = "desk"  # desk, mail, phone, online
    reference: str | None = None  # check number; card brand, last four and authorization
    patient_name: str | None = None
    received_by: str | None = None
    applied_to: tuple[tuple[str, Money], ...] = field(default_factory=tuple)
    balance_after: Money | None = None
    memo: str | None = None

    @property
    def unapplied(self) -> Money:
        """What is left on account (a credit) after the amounts applied to visits."""
        return self.amount - sum((amount for _, amount in self.applied_to), Money(0))


def _check(receipt: Receipt) -> None:
    if receipt.method not in PAYMENT_METHODS:
        raise ReceiptError("method", f"expected one of {', '.join(PAYMENT_METHODS)}")
    if receipt.channel not in _CHANNELS:
        raise ReceiptError("channel", f"expected one of {', '.join(_CHANNELS)}")
    if receipt.amount <= 0:
        raise ReceiptError("amount", "must be more than zero")
    if receipt.method == "check" and not receipt.reference:
        raise ReceiptError("reference", "a check payment needs the check number")
    if receipt.reference and _LONG_DIGITS.search(receipt.reference):
        raise ReceiptError(
            "reference", "looks like a full card or account number; keep only the last four digits"
        )
    if receipt.unapplied < 0:
        raise ReceiptError("applied_to", "applies more than the amount received")
    if not receipt.receipt_number:
        raise ReceiptError("receipt_number", "is required")


def render_receipt(receipt: Receipt) -> bytes:
    """The receipt as PDF bytes (one page)."""
    _check(receipt)
    method = PAYMENT_METHODS[receipt.method]
    if receipt.reference:
        method += f" · {receipt.reference}"
    amount_box = Table(
        [
            [ui.plain("AMOUNT RECEIVED", ui.LABEL)],
            [ui.plain(receipt.amount.format(), ui.BIG_RIGHT)],
            [ui.plain(method, ui.RIGHT)],
        ],
        colWidths=[2.4 * 72],
    )
    amount_box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, ui.ACCENT),
                ("BACKGROUND", (0, 0), (-1, -1), ui.TINT),
            ]
        )
    )
    width = ui.panel_width(2)
    details = ui.panel(
        "Payment",
        [
            ("Received", receipt.received_at.strftime("%m/%d/%Y %I:%M %p")),
            ("How", _CHANNELS[receipt.channel]),
            ("Paid by", receipt.payer_name),
            ("Patient", receipt.patient_name or receipt.payer_name),
            ("Account number", receipt.account_number),
            ("Received by", receipt.received_by or ""),
        ],
        width,
    )
    story: list[Flowable] = [
        ui.header(receipt.practice, "PAYMENT RECEIPT", [f"Receipt {receipt.receipt_number}"]),
        Spacer(1, 12),
        ui.side_by_side([details, amount_box], last_right=True),
        Spacer(1, 12),
    ]
    rows = [[what, amount.format()] for what, amount in receipt.applied_to]
    if receipt.unapplied:
        rows.append(["Kept on account as a credit", receipt.unapplied.format()])
    if rows:
        story += [
            ui.section_bar("Applied to"),
            ui.grid_table(
                ["Applied to", "Amount"],
                rows,
                [80, 20],
                right=(1,),
                totals=[["Total received", receipt.amount.format()]],
            ),
            Spacer(1, 10),
        ]
    if receipt.balance_after is not None:
        story.append(
            ui.para(
                f"<b>Account balance after this payment: "
                f"{ui.esc(receipt.balance_after.format())}</b>"
            )
        )
    if receipt.memo:
        story += [Spacer(1, 6), ui.plain(receipt.memo)]
    story += [
        Spacer(1, 14),
        ui.plain("Thank you. Please keep this receipt for your records.", ui.SMALL),
    ]
    return ui.build_pdf(
        story,
        title=f"Receipt {receipt.receipt_number}",
        author=receipt.practice.name,
        subject="Payment receipt",
        footer=f"Receipt {receipt.receipt_number} · Account {receipt.account_number}",
    )
